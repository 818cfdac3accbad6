package io.strata.metadata.controller;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.TopicImage;
import io.strata.metadata.records.MetadataRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.EligibleLeadersNotAvailableException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.PreferredLeaderNotAvailableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Controller decisions that move leadership on request rather than on failure: Kafka's ElectLeaders (KIP-183
 * preferred and KIP-460 unclean elections) and the periodic preferred-leader rebalance
 * ({@code auto.leader.rebalance.enable}). The preferred replica of a partition is its first replica. Like every
 * leader change, an election bumps the leader epoch and the partition epoch, and the records carry their epochs as
 * preconditions that the state machine re-checks at apply time.
 *
 * <p>Stateless and thread-safe.
 */
public final class ElectionControl {

    /**
     * The most elections one rebalance writes (as Kafka's controller, 1,000): one metadata entry stays small, and a
     * larger imbalance is worked off by the next rounds.
     */
    public static final int MAX_ELECTIONS_PER_REBALANCE = 1000;

    private ElectionControl() {
    }

    /**
     * ElectLeaders as Kafka's controller answers it, per partition:
     * <ul>
     *   <li>{@code PREFERRED}: {@link ElectionNotNeededException} if the preferred replica already leads; else the
     *       preferred replica leads if it is in the ISR and unfenced; else {@link PreferredLeaderNotAvailableException}
     *       (a leaderless partition gets, as in Kafka, the first usable ISR member instead, if any);</li>
     *   <li>{@code UNCLEAN}: {@link ElectionNotNeededException} if the partition has a leader; else the first usable
     *       ISR member, or failing that the first usable replica with an ISR of itself (acknowledged records may be
     *       lost); else {@link EligibleLeadersNotAvailableException};</li>
     *   <li>{@link UnknownTopicOrPartitionException} for a partition that does not exist.</li>
     * </ul>
     *
     * @param partitions the partitions to elect (duplicates count once), or empty for every partition of the
     *                   cluster: then, as in Kafka, partitions whose election is not needed are left out of the result
     * @return per partition, in request (or topic name and index) order, its error or none if it got a new leader
     * @throws InvalidRequestException for an election type other than PREFERRED and UNCLEAN
     */
    public static Decision<Map<TopicPartition, Optional<ApiException>>> electLeaders(
            MetadataImage image, ElectionType type, Optional<List<TopicPartition>> partitions) {
        if (type != ElectionType.PREFERRED && type != ElectionType.UNCLEAN) {
            throw new InvalidRequestException("Unsupported election type " + type);
        }
        IntPredicate usable = ReplicationControl.usable(image.brokers());
        List<MetadataRecord> records = new ArrayList<>();
        Map<TopicPartition, Optional<ApiException>> results = new LinkedHashMap<>();
        if (partitions.isPresent()) {
            for (TopicPartition tp : new LinkedHashSet<>(partitions.get())) {
                Optional<TopicImage> topic = image.topic(tp.topic());
                Optional<PartitionImage> partition = topic.map(t -> t.partitions().get(tp.partition()));
                results.put(tp, partition.isEmpty()
                        ? Optional.of(new UnknownTopicOrPartitionException("No such partition as " + tp))
                        : elect(topic.get(), tp.partition(), partition.get(), type, usable, records));
            }
        } else {
            sortedTopics(image).forEach(topic -> topic.partitions().forEach((index, partition) -> {
                Optional<ApiException> error = elect(topic, index, partition, type, usable, records);
                if (!(error.orElse(null) instanceof ElectionNotNeededException)) {
                    results.put(new TopicPartition(topic.name(), index), error);
                }
            }));
        }
        return new Decision<>(records, results);
    }

    /** Elects one partition's leader, adding the change to {@code records}; returns the partition's error. */
    private static Optional<ApiException> elect(TopicImage topic, int index, PartitionImage partition,
                                                ElectionType type, IntPredicate usable,
                                                List<MetadataRecord> records) {
        TopicPartition tp = new TopicPartition(topic.name(), index);
        Optional<PartitionImage> changed;
        if (type == ElectionType.PREFERRED) {
            if (partition.leader() == preferred(partition)) {
                return Optional.of(new ElectionNotNeededException("Replica " + partition.leader()
                        + " is already the preferred leader of " + tp));
            }
            changed = electPreferred(partition, usable);
            if (changed.isEmpty()) {
                return Optional.of(new PreferredLeaderNotAvailableException("The preferred leader "
                        + preferred(partition) + " of " + tp + " is not in the ISR " + partition.isr()
                        + " or is fenced"));
            }
        } else {
            if (partition.leader() != LeaderElection.NO_LEADER) {
                return Optional.of(new ElectionNotNeededException(tp + " already has leader " + partition.leader()));
            }
            changed = LeaderElection.elect(partition, usable, true)
                    .filter(elected -> elected.leader() != LeaderElection.NO_LEADER);
            if (changed.isEmpty()) {
                return Optional.of(new EligibleLeadersNotAvailableException("No replica of " + tp + " "
                        + partition.replicas() + " is registered and unfenced"));
            }
        }
        records.add(ReplicationControl.change(topic.id(), index, changed.get()));
        return Optional.empty();
    }

    /**
     * The preferred replica as leader if it is in the ISR and usable; else, for a leaderless partition only, the
     * first usable ISR member in replica order (Kafka's preferred election does the same); the ISR is kept.
     */
    private static Optional<PartitionImage> electPreferred(PartitionImage partition, IntPredicate usable) {
        int preferred = preferred(partition);
        int leader;
        if (eligible(partition, preferred, usable)) {
            leader = preferred;
        } else if (partition.leader() == LeaderElection.NO_LEADER) {
            leader = partition.replicas().stream().filter(r -> eligible(partition, r, usable)).findFirst()
                    .orElse(LeaderElection.NO_LEADER);
        } else {
            leader = LeaderElection.NO_LEADER;
        }
        if (leader == LeaderElection.NO_LEADER || leader == partition.leader()) {
            return Optional.empty();
        }
        return Optional.of(partition.withLeaderAndIsr(leader, partition.isr(), partition.leaderEpoch() + 1,
                partition.partitionEpoch() + 1));
    }

    /**
     * The automatic preferred-leader rebalance with Kafka's {@code leader.imbalance.per.broker.percentage}: for each
     * broker, the share of the partitions it is the preferred replica of that another broker (or nobody) leads is
     * its imbalance; where that exceeds {@code imbalancePerBrokerPercentage} percent, leadership of each such
     * partition moves back to it wherever it is in the ISR and unfenced. At most {@code maxElections} partitions
     * change per decision.
     *
     * @return whether more elections were due than {@code maxElections} (the caller should rebalance again soon)
     */
    public static Decision<Boolean> rebalance(MetadataImage image, int imbalancePerBrokerPercentage,
                                              int maxElections) {
        Map<Integer, Integer> preferredCount = new TreeMap<>();
        Map<Integer, Integer> notLeading = new TreeMap<>();
        sortedTopics(image).forEach(topic -> topic.partitions().values().forEach(partition -> {
            int preferred = preferred(partition);
            preferredCount.merge(preferred, 1, Integer::sum);
            if (partition.leader() != preferred) {
                notLeading.merge(preferred, 1, Integer::sum);
            }
        }));
        IntPredicate imbalanced = broker -> notLeading.getOrDefault(broker, 0) * 100L
                > (long) imbalancePerBrokerPercentage * preferredCount.getOrDefault(broker, 0);
        IntPredicate usable = ReplicationControl.usable(image.brokers());
        List<MetadataRecord> records = new ArrayList<>();
        boolean more = false;
        topics:
        for (TopicImage topic : sortedTopics(image)) {
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                PartitionImage partition = entry.getValue();
                int preferred = preferred(partition);
                if (partition.leader() == preferred || !imbalanced.test(preferred)
                        || !eligible(partition, preferred, usable)) {
                    continue;
                }
                if (records.size() == maxElections) {
                    more = true;
                    break topics;
                }
                records.add(ReplicationControl.change(topic.id(), entry.getKey(), partition.withLeaderAndIsr(
                        preferred, partition.isr(), partition.leaderEpoch() + 1, partition.partitionEpoch() + 1)));
            }
        }
        return new Decision<>(records, more);
    }

    private static int preferred(PartitionImage partition) {
        return partition.replicas().isEmpty() ? LeaderElection.NO_LEADER : partition.replicas().get(0);
    }

    /** Whether {@code replica} may become leader: in the ISR, registered and unfenced. */
    private static boolean eligible(PartitionImage partition, int replica, IntPredicate usable) {
        return replica != LeaderElection.NO_LEADER && partition.isr().contains(replica) && usable.test(replica);
    }

    private static List<TopicImage> sortedTopics(MetadataImage image) {
        return image.topicsByName().values().stream().sorted(Comparator.comparing(TopicImage::name)).toList();
    }
}
