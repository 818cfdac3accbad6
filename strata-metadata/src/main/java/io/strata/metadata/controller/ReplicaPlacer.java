package io.strata.metadata.controller;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Places partition replicas over the usable brokers, as Kafka's replica assignment does.
 *
 * <p>Without racks (no broker has {@code broker.rack}): round-robin over the brokers sorted by id, starting at a
 * random broker; partition {@code p}'s replicas are the {@code replicationFactor} brokers following position
 * {@code start + p}, so leaders (first replicas) are spread evenly.
 *
 * <p>With racks (any broker has one; brokers without one count as one more rack, as in Kafka's KRaft placer): the
 * brokers are arranged so that racks alternate (the first broker of each rack, then the second of each, ...).
 * Partition {@code p}'s leader is the broker at position {@code start + p} of that arrangement, so leaders are spread
 * evenly over brokers and consecutive leaders are in different racks. The other replicas are taken at a shifting
 * distance from the leader, skipping brokers whose rack already holds a replica until every rack holds one: a
 * partition's replicas span {@code min(replicationFactor, racks)} racks, so losing one rack loses at most
 * {@code ceil(replicationFactor / racks)} replicas of any partition.
 *
 * <p>Thread-safe if the random generator is.
 */
public final class ReplicaPlacer {

    /** Racks ordered by name, brokers without a rack (empty) first. */
    private static final Comparator<Optional<String>> RACK_ORDER =
            Comparator.comparing(rack -> rack.orElse(null), Comparator.nullsFirst(Comparator.naturalOrder()));

    private final RandomGenerator random;

    public ReplicaPlacer(RandomGenerator random) {
        this.random = random;
    }

    /**
     * Places without racks (every broker in the same, unnamed rack).
     *
     * @see #place(SortedMap, int, int)
     */
    public List<List<Integer>> place(List<Integer> brokers, int count, int replicationFactor) {
        SortedMap<Integer, Optional<String>> noRacks = new TreeMap<>();
        brokers.forEach(b -> noRacks.put(b, Optional.empty()));
        return place(noRacks, count, replicationFactor);
    }

    /**
     * @param brokers           usable broker ids with their racks
     * @param count             number of partitions to place
     * @param replicationFactor replicas per partition
     * @return one replica list per partition, the leader first
     * @throws InvalidReplicationFactorException if there are fewer brokers than {@code replicationFactor}
     */
    public List<List<Integer>> place(SortedMap<Integer, Optional<String>> brokers, int count,
                                     int replicationFactor) {
        if (replicationFactor <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        if (replicationFactor > brokers.size()) {
            throw new InvalidReplicationFactorException("Replication factor: " + replicationFactor
                    + " larger than available brokers: " + brokers.size() + ".");
        }
        if (brokers.values().stream().allMatch(Optional::isEmpty)) {
            return roundRobin(List.copyOf(brokers.keySet()), count, replicationFactor);
        }
        return rackAware(brokers, count, replicationFactor);
    }

    private List<List<Integer>> roundRobin(List<Integer> brokers, int count, int replicationFactor) {
        int n = brokers.size();
        int start = random.nextInt(n);
        List<List<Integer>> assignment = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            Integer[] replicas = new Integer[replicationFactor];
            for (int r = 0; r < replicationFactor; r++) {
                replicas[r] = brokers.get((start + p + r) % n);
            }
            assignment.add(List.of(replicas));
        }
        return assignment;
    }

    private List<List<Integer>> rackAware(SortedMap<Integer, Optional<String>> brokers, int count,
                                          int replicationFactor) {
        List<Integer> arranged = rackAlternating(brokers);
        int n = arranged.size();
        int racks = (int) brokers.values().stream().distinct().count();
        int start = random.nextInt(n);
        // Where the followers begin relative to the leader; it moves on after every n partitions so that a broker's
        // followers do not always sit on the same other brokers.
        int shift = random.nextInt(n);
        List<List<Integer>> assignment = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            if (p > 0 && p % n == 0) {
                shift++;
            }
            int first = (start + p) % n;
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            Set<Optional<String>> usedRacks = new HashSet<>();
            int leader = arranged.get(first);
            replicas.add(leader);
            usedRacks.add(brokers.get(leader));
            // The offsets 1 + (s + k) % (n - 1) visit every other position within n - 1 steps, so a broker of an unused
            // rack, or else an unused broker, is always found.
            for (int k = 0; replicas.size() < replicationFactor; k++) {
                int offset = 1 + (int) (((long) shift * racks + k) % (n - 1));
                int candidate = arranged.get((first + offset) % n);
                Optional<String> rack = brokers.get(candidate);
                boolean rackOk = !usedRacks.contains(rack) || usedRacks.size() == racks;
                if (rackOk && !replicas.contains(candidate)) {
                    replicas.add(candidate);
                    usedRacks.add(rack);
                }
            }
            assignment.add(List.copyOf(replicas));
        }
        return assignment;
    }

    /** The brokers with racks alternating: the first broker (by id) of every rack, then the second of every rack... */
    static List<Integer> rackAlternating(SortedMap<Integer, Optional<String>> brokers) {
        Map<Optional<String>, List<Integer>> byRack = new TreeMap<>(RACK_ORDER);
        brokers.forEach((id, rack) -> byRack.computeIfAbsent(rack, r -> new ArrayList<>()).add(id));
        List<Integer> arranged = new ArrayList<>(brokers.size());
        for (int round = 0; arranged.size() < brokers.size(); round++) {
            for (List<Integer> rackBrokers : byRack.values()) {
                if (round < rackBrokers.size()) {
                    arranged.add(rackBrokers.get(round));
                }
            }
        }
        return arranged;
    }
}
