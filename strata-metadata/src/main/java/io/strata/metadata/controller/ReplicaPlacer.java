package io.strata.metadata.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Places partition replicas round-robin over a sorted list of brokers, starting at a random broker: partition
 * {@code p}'s replicas are the {@code replicationFactor} brokers following position {@code start + p}. Leaders
 * (first replicas) are thereby spread evenly over the brokers.
 *
 * <p>Thread-safe if the random generator is.
 */
public final class ReplicaPlacer {

    private final RandomGenerator random;

    public ReplicaPlacer(RandomGenerator random) {
        this.random = random;
    }

    /**
     * @param brokers           usable broker ids, sorted ascending
     * @param count             number of partitions to place
     * @param replicationFactor replicas per partition
     * @return one replica list per partition
     * @throws InvalidReplicationFactorException if there are fewer brokers than {@code replicationFactor}
     */
    public List<List<Integer>> place(List<Integer> brokers, int count, int replicationFactor) {
        if (replicationFactor <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        if (replicationFactor > brokers.size()) {
            throw new InvalidReplicationFactorException("Replication factor: " + replicationFactor
                    + " larger than available brokers: " + brokers.size() + ".");
        }
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
}
