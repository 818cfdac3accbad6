package io.strata.metadata.controller;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.PartitionReassignment;
import io.strata.metadata.TopicImage;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.PartitionChangeRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.EligibleLeadersNotAvailableException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Controller decisions about partition reassignment, as Kafka's KIP-455 defines it:
 * <ol>
 *   <li>starting one widens the replicas to the target replicas followed by the replicas being removed, with the
 *       adding and removing replicas recorded; ISR and leader stay, the partition epoch is bumped;</li>
 *   <li>the leader adds the new replicas to the ISR once they have caught up ({@link ReplicationControl#alterPartition});</li>
 *   <li>as soon as the ISR holds every target replica, the same change completes it ({@link #completeIfCaughtUp}):
 *       the replicas become the target, removed replicas leave the ISR, a removed leader is replaced by the first
 *       target replica in the ISR, and the leader epoch is bumped because replicas left.</li>
 * </ol>
 * A reassignment whose targets are already in the ISR (only removing replicas, or reordering them) completes at
 * once. A new target for a partition being reassigned starts from its current (widened) replicas. Cancelling
 * reverts to the replicas before the reassignment: added replicas leave the replicas and the ISR and, if the
 * leader was one of them, leadership returns to the first original replica in the ISR.
 *
 * <p>Pure functions of the {@link MetadataImage}; the records carry their partition epochs, so a decision taken on
 * a stale image is rejected at apply time and decided again. Stateless and thread-safe.
 */
public final class ReassignmentControl {

    private ReassignmentControl() {
    }

    /**
     * Starts, replaces or cancels the reassignment of each partition, in request order (a partition listed twice
     * is changed twice, in one batch). Failures are per partition and do not prevent the others.
     *
     * @param allowReplicationFactorChange false refuses targets whose size differs from the current target's
     *                                     (KIP-860)
     * @return one outcome per requested partition, in order: empty on success, else
     *         {@link UnknownTopicOrPartitionException}, {@link InvalidReplicaAssignmentException},
     *         {@link InvalidReplicationFactorException}, {@link NoReassignmentInProgressException} or
     *         {@link EligibleLeadersNotAvailableException}
     */
    public static Decision<List<Optional<ApiException>>> alter(MetadataImage image,
                                                                List<PartitionReassignment> reassignments,
                                                                boolean allowReplicationFactorChange) {
        IntPredicate usable = ReplicationControl.usable(image.brokers());
        Map<TopicPartition, PartitionImage> changed = new HashMap<>();
        List<MetadataRecord> records = new ArrayList<>();
        List<Optional<ApiException>> outcomes = new ArrayList<>();
        for (PartitionReassignment r : reassignments) {
            try {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                TopicImage topic = image.topic(r.topic()).filter(t -> t.partitions().containsKey(r.partition()))
                        .orElseThrow(() -> new UnknownTopicOrPartitionException("Unable to find partition " + tp
                                + "."));
                PartitionImage current = changed.getOrDefault(tp, topic.partitions().get(r.partition()));
                Optional<PartitionImage> next = r.targetReplicas().isPresent()
                        ? start(image, tp, current, r.targetReplicas().get(), allowReplicationFactorChange, usable)
                        : cancel(image, tp, current, usable);
                next.ifPresent(state -> {
                    changed.put(tp, state);
                    records.add(PartitionChangeRecord.of(topic.id(), r.partition(), state));
                });
                outcomes.add(Optional.empty());
            } catch (ApiException e) {
                outcomes.add(Optional.of(e));
            }
        }
        return new Decision<>(records, outcomes);
    }

    private static Optional<PartitionImage> start(MetadataImage image, TopicPartition tp, PartitionImage current,
                                                  List<Integer> target, boolean allowReplicationFactorChange,
                                                  IntPredicate usable) {
        if (target.isEmpty()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment of " + tp
                    + " includes an empty replica list.");
        }
        if (new HashSet<>(target).size() != target.size()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment of " + tp + " "
                    + target + " includes duplicate replicas.");
        }
        for (int broker : target) {
            if (!image.brokers().containsKey(broker)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment of " + tp
                        + " includes broker " + broker + ", but no broker with that id is registered.");
            }
        }
        int replicationFactor = current.targetReplicas().size();
        if (!allowReplicationFactorChange && target.size() != replicationFactor) {
            throw new InvalidReplicationFactorException("The replication factor of " + tp + " would change from "
                    + replicationFactor + " to " + target.size() + ", which the request does not allow.");
        }
        List<Integer> removing = current.replicas().stream().filter(b -> !target.contains(b)).toList();
        List<Integer> adding = target.stream().filter(b -> !current.replicas().contains(b)).toList();
        List<Integer> replicas = new ArrayList<>(target);
        replicas.addAll(removing);
        PartitionImage widened = new PartitionImage(replicas, current.isr(), current.leader(), current.leaderEpoch(),
                current.partitionEpoch() + 1, adding, removing);
        PartitionImage next = completeIfCaughtUp(current, widened, usable);
        return sameState(current, next) ? Optional.empty() : Optional.of(next);
    }

    private static Optional<PartitionImage> cancel(MetadataImage image, TopicPartition tp, PartitionImage current,
                                                   IntPredicate usable) {
        if (!current.isReassigning()) {
            throw new NoReassignmentInProgressException("No reassignment of partition " + tp + " is in progress.");
        }
        List<Integer> adding = current.addingReplicas();
        List<Integer> original = current.replicas().stream().filter(b -> !adding.contains(b)).toList();
        List<Integer> isr = current.isr().stream().filter(b -> !adding.contains(b)).toList();
        int leader = current.leader();
        if (isr.isEmpty()) {
            // Only added replicas are in sync: reverting means electing an original replica that may lack records.
            if (!ReplicationControl.uncleanLeaderElectionEnabled(image, tp.topic())) {
                throw new EligibleLeadersNotAvailableException("Cancelling the reassignment of " + tp + " would "
                        + "need an unclean leader election: none of its original replicas " + original
                        + " is in the ISR " + current.isr() + ".");
            }
            leader = original.stream().filter(usable::test).findFirst()
                    .orElseThrow(() -> new EligibleLeadersNotAvailableException("Cancelling the reassignment of "
                            + tp + " needs an original replica that is alive; none of " + original + " is."));
            isr = List.of(leader);
        } else if (!isr.contains(leader)) {
            leader = firstUsable(original, isr, usable);
        }
        return Optional.of(bumpLeaderEpochIfNeeded(current, new PartitionImage(original, isr, leader,
                current.leaderEpoch(), current.partitionEpoch() + 1)));
    }

    /**
     * Completes the reassignment of {@code next} if its ISR holds every target replica; otherwise returns it
     * unchanged. {@code next} is a change of {@code current} (with its partition epoch already bumped) that the
     * completion joins, so that one record does both.
     */
    static PartitionImage completeIfCaughtUp(PartitionImage current, PartitionImage next, IntPredicate usable) {
        List<Integer> target = next.targetReplicas();
        if (!next.isReassigning() || !next.isr().containsAll(target)) {
            return next;
        }
        List<Integer> isr = next.isr().stream().filter(target::contains).toList();
        int leader = target.contains(next.leader()) ? next.leader() : firstUsable(target, isr, usable);
        return bumpLeaderEpochIfNeeded(current, new PartitionImage(target, isr, leader, next.leaderEpoch(),
                next.partitionEpoch()));
    }

    /** The first of {@code replicas}, in their order, that is in {@code isr} and usable; else no leader. */
    private static int firstUsable(List<Integer> replicas, List<Integer> isr, IntPredicate usable) {
        return replicas.stream().filter(isr::contains).filter(usable::test).findFirst()
                .orElse(LeaderElection.NO_LEADER);
    }

    /**
     * A new leader, or replicas that left, start a new leader epoch (as in Kafka): the epoch fences the removed
     * replicas and the old leadership.
     */
    private static PartitionImage bumpLeaderEpochIfNeeded(PartitionImage current, PartitionImage next) {
        boolean bump = next.leader() != current.leader() || !next.replicas().containsAll(current.replicas());
        if (!bump || next.leaderEpoch() > current.leaderEpoch()) {
            return next;
        }
        return next.withLeaderAndIsr(next.leader(), next.isr(), current.leaderEpoch() + 1, next.partitionEpoch());
    }

    private static boolean sameState(PartitionImage a, PartitionImage b) {
        return a.replicas().equals(b.replicas()) && a.isr().equals(b.isr()) && a.leader() == b.leader()
                && a.leaderEpoch() == b.leaderEpoch() && a.addingReplicas().equals(b.addingReplicas())
                && a.removingReplicas().equals(b.removingReplicas());
    }

    /** The partitions being reassigned, by topic name and partition index. */
    public static Map<TopicPartition, PartitionImage> ongoing(MetadataImage image) {
        Map<TopicPartition, PartitionImage> ongoing = new LinkedHashMap<>();
        image.topicsByName().values().stream().sorted(Comparator.comparing(TopicImage::name)).forEach(topic ->
                topic.partitions().forEach((index, partition) -> {
                    if (partition.isReassigning()) {
                        ongoing.put(new TopicPartition(topic.name(), index), partition);
                    }
                }));
        return ongoing;
    }
}
