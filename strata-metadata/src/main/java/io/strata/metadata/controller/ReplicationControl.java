package io.strata.metadata.controller;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.TopicImage;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.FenceBrokerRecord;
import io.strata.metadata.records.MetadataRecord.PartitionChangeRecord;
import io.strata.metadata.records.MetadataRecord.RegisterBrokerRecord;
import io.strata.metadata.records.MetadataRecord.UnfenceBrokerRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.IntPredicate;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.IneligibleReplicaException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Controller decisions about brokers' liveness and partition leadership (failover): fencing and unfencing,
 * leader election from the ISR ({@link LeaderElection}), ISR changes requested by leaders (AlterPartition),
 * controlled shutdown and re-registration. Pure functions of the {@link MetadataImage}; like every decision, the
 * records carry their own preconditions (partition epochs, broker incarnations, fencing) that the state machine
 * re-checks at apply time, so a decision taken on a stale image is rejected and decided again.
 *
 * <p>Stateless and thread-safe.
 */
public final class ReplicationControl {

    /** Kafka's topic config (and broker default, {@code false}) allowing out-of-ISR leaders. */
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    private ReplicationControl() {
    }

    /**
     * Brings fencing in line with liveness: a registered, unfenced broker not heard from for longer than
     * {@code sessionTimeoutMs} is fenced; a fenced broker heard from within it is unfenced (unless it is in
     * controlled shutdown). Brokers absent from {@code sinceHeardMs} (liveness unknown) keep their state. In the
     * same batch every partition whose leader or ISR must change is re-elected, which also gives leaderless
     * partitions a leader as soon as one is eligible (after an unfencing, a registration or enabling unclean
     * election).
     *
     * @param sinceHeardMs per broker id the milliseconds since it was last heard from
     */
    public static Decision<Void> reconcileLiveness(MetadataImage image, Map<Integer, Long> sinceHeardMs,
                                                   long sessionTimeoutMs) {
        List<MetadataRecord> records = new ArrayList<>();
        Map<Integer, BrokerRegistration> after = new HashMap<>(image.brokers());
        new TreeMap<>(image.brokers()).forEach((id, broker) -> {
            Long since = sinceHeardMs.get(id);
            if (since == null) {
                return;
            }
            boolean alive = since <= sessionTimeoutMs;
            if (!alive && !broker.fenced()) {
                records.add(new FenceBrokerRecord(id, broker.incarnationId(), false));
                after.put(id, broker.withFencing(true, false));
            } else if (alive && broker.fenced() && !broker.inControlledShutdown()) {
                records.add(new UnfenceBrokerRecord(id, broker.incarnationId()));
                after.put(id, broker.withFencing(false, false));
            }
        });
        records.addAll(electAll(image, usable(after)));
        return new Decision<>(records, null);
    }

    /**
     * Controlled shutdown of {@code brokerId}: it is fenced (in controlled shutdown, so that being heard from does
     * not unfence it) and, in the same batch, leadership moves to other ISR members and it leaves every ISR where
     * it is not the last member.
     *
     * @throws BrokerIdNotRegisteredException if the broker is not registered
     */
    public static Decision<Void> controlledShutdown(MetadataImage image, int brokerId) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        if (broker == null) {
            throw new BrokerIdNotRegisteredException("Broker " + brokerId + " is not registered");
        }
        List<MetadataRecord> records = new ArrayList<>();
        Map<Integer, BrokerRegistration> after = new HashMap<>(image.brokers());
        if (!broker.inControlledShutdown()) {
            records.add(new FenceBrokerRecord(brokerId, broker.incarnationId(), true));
            after.put(brokerId, broker.withFencing(true, true));
        }
        records.addAll(electAll(image, usable(after)));
        return new Decision<>(records, null);
    }

    /**
     * Registers or re-registers a broker. A new incarnation of a registered broker means the previous one is gone
     * (a restart, possibly after a crash within the session timeout, possibly with a shorter log): in the same
     * batch its leaderships move to other ISR members and it leaves the ISRs, as if it had been fenced, so the
     * restarted broker never continues a leader epoch it may have lost records of. Where it is the last ISR member
     * it stays leader (there is no other choice) with a new leader epoch.
     *
     * @throws InvalidRequestException for a negative broker id
     */
    public static Decision<Void> registerBroker(MetadataImage image, BrokerRegistration registration) {
        int brokerId = registration.brokerId();
        if (brokerId < 0) {
            throw new InvalidRequestException("Invalid broker id " + brokerId);
        }
        List<MetadataRecord> records = new ArrayList<>();
        records.add(RegisterBrokerRecord.of(registration));
        BrokerRegistration previous = image.brokers().get(brokerId);
        if (previous != null && !previous.incarnationId().equals(registration.incarnationId())) {
            IntPredicate usableBefore = usable(image.brokers());
            IntPredicate withoutIt = id -> id != brokerId && usableBefore.test(id);
            Map<Integer, BrokerRegistration> brokersAfter = new HashMap<>(image.brokers());
            brokersAfter.put(brokerId, registration);
            IntPredicate withIt = usable(brokersAfter);
            records.addAll(changeAll(image, (partition, unclean) ->
                    electAroundRestart(partition, unclean, withoutIt, withIt)));
        }
        return new Decision<>(records, null);
    }

    /**
     * Elects as if the restarted broker were fenced, then lets it lead again where no one else can, as one change
     * (one epoch bump).
     */
    private static Optional<PartitionImage> electAroundRestart(PartitionImage partition, boolean unclean,
                                                               IntPredicate withoutIt, IntPredicate withIt) {
        return LeaderElection.elect(partition, withoutIt, unclean).map(moved -> LeaderElection.elect(moved, withIt,
                        unclean)
                .map(back -> back.withLeaderAndIsr(back.leader(), back.isr(), moved.leaderEpoch(),
                        moved.partitionEpoch()))
                .orElse(moved));
    }

    /**
     * An ISR change requested by a partition's leader (Kafka's AlterPartition). Accepted only if the image still
     * has that leader, leader epoch and partition epoch; the result keeps the leader epoch and bumps the partition
     * epoch. An unchanged ISR is answered with the current state and writes nothing. The ISR may add replicas a
     * reassignment is adding; once it holds every target replica, the same change completes the reassignment
     * ({@link ReassignmentControl#completeIfCaughtUp}).
     *
     * @throws UnknownTopicOrPartitionException if the partition does not exist
     * @throws FencedLeaderEpochException       if {@code leaderEpoch} is not the current leader epoch
     * @throws NotLeaderOrFollowerException     if {@code leaderId} is not the current leader
     * @throws InvalidUpdateVersionException    if {@code partitionEpoch} is not the current partition epoch
     * @throws InvalidRequestException          if the new ISR lacks the leader, has duplicates or non-replicas
     * @throws IneligibleReplicaException       if it adds a broker that is fenced or not registered
     */
    public static Decision<PartitionImage> alterPartition(MetadataImage image, Uuid topicId, int partition,
                                                          int leaderId, int leaderEpoch, int partitionEpoch,
                                                          List<Integer> newIsr) {
        PartitionImage current = image.topic(topicId).map(t -> t.partitions().get(partition))
                .orElseThrow(() -> new UnknownTopicOrPartitionException("Partition " + topicId + "-" + partition
                        + " does not exist."));
        if (leaderEpoch != current.leaderEpoch()) {
            throw new FencedLeaderEpochException("Leader epoch " + leaderEpoch + " of " + topicId + "-" + partition
                    + " is not the current " + current.leaderEpoch());
        }
        if (leaderId != current.leader()) {
            throw new NotLeaderOrFollowerException("Broker " + leaderId + " is not the leader of " + topicId + "-"
                    + partition + " (the leader is " + current.leader() + ")");
        }
        if (partitionEpoch != current.partitionEpoch()) {
            throw new InvalidUpdateVersionException("Partition epoch " + partitionEpoch + " of " + topicId + "-"
                    + partition + " is not the current " + current.partitionEpoch());
        }
        if (!newIsr.contains(leaderId) || new HashSet<>(newIsr).size() != newIsr.size()
                || !current.replicas().containsAll(newIsr)) {
            throw new InvalidRequestException("ISR " + newIsr + " of " + topicId + "-" + partition + " must hold "
                    + "the leader " + leaderId + " and only distinct replicas of " + current.replicas());
        }
        IntPredicate usable = usable(image.brokers());
        for (int replica : newIsr) {
            if (!current.isr().contains(replica) && !usable.test(replica)) {
                throw new IneligibleReplicaException("Broker " + replica + " is fenced or not registered and "
                        + "cannot join the ISR of " + topicId + "-" + partition);
            }
        }
        List<Integer> isr = List.copyOf(newIsr);
        if (isr.equals(current.isr())) {
            return new Decision<>(List.of(), current);
        }
        PartitionImage changed = ReassignmentControl.completeIfCaughtUp(current,
                current.withLeaderAndIsr(current.leader(), isr, current.leaderEpoch(), current.partitionEpoch() + 1),
                usable);
        return new Decision<>(List.of(change(topicId, partition, changed)), changed);
    }

    /** The partition changes {@link LeaderElection} makes in every partition given the usable brokers. */
    private static List<MetadataRecord> electAll(MetadataImage image, IntPredicate usable) {
        return changeAll(image, (partition, unclean) -> LeaderElection.elect(partition, usable, unclean));
    }

    /** The changes {@code decide} makes to every partition (given its unclean-election config), topics by name. */
    private static List<MetadataRecord> changeAll(MetadataImage image,
                                                  BiFunction<PartitionImage, Boolean, Optional<PartitionImage>> decide) {
        List<MetadataRecord> changes = new ArrayList<>();
        image.topicsByName().values().stream().sorted(Comparator.comparing(TopicImage::name)).forEach(topic -> {
            boolean unclean = uncleanLeaderElectionEnabled(image, topic.name());
            topic.partitions().forEach((index, partition) -> decide.apply(partition, unclean)
                    .ifPresent(changed -> changes.add(change(topic.id(), index, changed))));
        });
        return changes;
    }

    /** The topic's {@value #UNCLEAN_LEADER_ELECTION_ENABLE}, else the cluster-wide broker default, else false. */
    static boolean uncleanLeaderElectionEnabled(MetadataImage image, String topic) {
        Optional<String> value = Optional.ofNullable(image.configs(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC,
                        topic)).get(UNCLEAN_LEADER_ELECTION_ENABLE))
                .or(() -> Optional.ofNullable(image.configs(new ConfigResourceKey(ConfigResourceKey.Type.BROKER, ""))
                        .get(UNCLEAN_LEADER_ELECTION_ENABLE)));
        return value.map(Boolean::parseBoolean).orElse(false);
    }

    /** Whether a broker may lead or join an ISR: registered and unfenced. */
    static IntPredicate usable(Map<Integer, BrokerRegistration> brokers) {
        return id -> {
            BrokerRegistration broker = brokers.get(id);
            return broker != null && !broker.fenced();
        };
    }

    static PartitionChangeRecord change(Uuid topicId, int partition, PartitionImage state) {
        return PartitionChangeRecord.of(topicId, partition, state);
    }
}
