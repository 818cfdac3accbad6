package io.strata.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.PartitionReassignment;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.image.MetadataConflictException;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.ConfigRecord;
import io.strata.metadata.records.MetadataRecord.PartitionRecord;
import io.strata.metadata.records.MetadataRecord.RegisterBrokerRecord;
import io.strata.metadata.records.MetadataRecord.TopicRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.EligibleLeadersNotAvailableException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class ReassignmentControlTest {

    private final Uuid topicId = Uuid.randomUuid();

    private static MetadataImage apply(MetadataImage image, Decision<?> decision) throws MetadataConflictException {
        return ImageBuilder.applyBatch(image, decision.records(), image.version() + 1);
    }

    /** Brokers 1-4 and topic "t" with partition 0 on [1, 2] led by 1, plus whatever partitions are given. */
    private MetadataImage cluster(PartitionRecord... more) throws MetadataConflictException {
        List<MetadataRecord> records = new ArrayList<>();
        for (int id = 1; id <= 4; id++) {
            records.add(new RegisterBrokerRecord(id, Uuid.randomUuid(), List.of(), Optional.empty(), false));
        }
        records.add(new TopicRecord("t", topicId));
        records.add(new PartitionRecord(topicId, 0, List.of(1, 2), List.of(1, 2), 1, 0, 0));
        records.addAll(List.of(more));
        return ImageBuilder.applyBatch(ImageBuilder.emptyImage("c"), records, 1);
    }

    private PartitionImage partition(MetadataImage image, int index) {
        return image.topic(topicId).orElseThrow().partitions().get(index);
    }

    private static PartitionReassignment move(int partition, Integer... target) {
        return new PartitionReassignment("t", partition, Optional.of(List.of(target)));
    }

    private static PartitionReassignment cancel(int partition) {
        return new PartitionReassignment("t", partition, Optional.empty());
    }

    private static MetadataImage reassign(MetadataImage image, PartitionReassignment... reassignments)
            throws MetadataConflictException {
        Decision<List<Optional<ApiException>>> decision = ReassignmentControl.alter(image, List.of(reassignments),
                true);
        assertThat(decision.result()).allMatch(Optional::isEmpty);
        return apply(image, decision);
    }

    private MetadataImage alterIsr(MetadataImage image, List<Integer> isr) throws MetadataConflictException {
        PartitionImage p = partition(image, 0);
        return apply(image, ReplicationControl.alterPartition(image, topicId, 0, p.leader(), p.leaderEpoch(),
                p.partitionEpoch(), isr));
    }

    @Test
    void aMoveWidensTheReplicasThenCompletesWhenTheNewReplicaJoinsTheIsrAndMovesALeaderThatLeft()
            throws Exception {
        MetadataImage moving = reassign(cluster(), move(0, 2, 3));
        assertThat(partition(moving, 0)).isEqualTo(new PartitionImage(List.of(2, 3, 1), List.of(1, 2), 1, 0, 1,
                List.of(3), List.of(1)));

        MetadataImage done = alterIsr(moving, List.of(1, 2, 3));
        assertThat(partition(done, 0)).isEqualTo(new PartitionImage(List.of(2, 3), List.of(2, 3), 2, 1, 2));
        assertThat(ReassignmentControl.ongoing(done)).isEmpty();
    }

    @Test
    void aLeaderThatStaysKeepsLeadingInANewEpochOnceAReplicaLeft() throws Exception {
        MetadataImage moving = reassign(cluster(), move(0, 1, 3));
        MetadataImage done = alterIsr(moving, List.of(1, 2, 3));
        assertThat(partition(done, 0)).isEqualTo(new PartitionImage(List.of(1, 3), List.of(1, 3), 1, 1, 2));
    }

    @Test
    void addingOnlyCompletesWithoutANewLeaderEpoch() throws Exception {
        MetadataImage moving = reassign(cluster(), move(0, 1, 2, 3));
        assertThat(partition(moving, 0).addingReplicas()).containsExactly(3);
        assertThat(partition(moving, 0).removingReplicas()).isEmpty();
        MetadataImage done = alterIsr(moving, List.of(1, 2, 3));
        assertThat(partition(done, 0)).isEqualTo(new PartitionImage(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0, 2));
    }

    @Test
    void aTargetAlreadyInSyncCompletesAtOnce() throws Exception {
        MetadataImage shrunk = reassign(cluster(), move(0, 2));
        assertThat(partition(shrunk, 0)).isEqualTo(new PartitionImage(List.of(2), List.of(2), 2, 1, 1));

        MetadataImage reordered = reassign(cluster(), move(0, 2, 1));
        assertThat(partition(reordered, 0)).isEqualTo(new PartitionImage(List.of(2, 1), List.of(1, 2), 1, 0, 1));

        Decision<List<Optional<ApiException>>> same = ReassignmentControl.alter(cluster(), List.of(move(0, 1, 2)),
                true);
        assertThat(same.records()).isEmpty();
        assertThat(same.result()).containsExactly(Optional.empty());
    }

    @Test
    void anIsrChangeShortOfEveryTargetKeepsTheReassignmentGoing() throws Exception {
        MetadataImage moving = reassign(cluster(), move(0, 3, 4));
        MetadataImage oneIn = alterIsr(moving, List.of(1, 2, 3));
        assertThat(partition(oneIn, 0)).isEqualTo(new PartitionImage(List.of(3, 4, 1, 2), List.of(1, 2, 3), 1, 0,
                2, List.of(3, 4), List.of(1, 2)));
        MetadataImage done = alterIsr(oneIn, List.of(1, 2, 3, 4));
        assertThat(partition(done, 0)).isEqualTo(new PartitionImage(List.of(3, 4), List.of(3, 4), 3, 1, 3));
    }

    @Test
    void aNewTargetReplacesAnOngoingReassignment() throws Exception {
        MetadataImage moving = reassign(cluster(), move(0, 2, 3));
        MetadataImage redirected = reassign(moving, move(0, 2, 4));
        assertThat(partition(redirected, 0)).isEqualTo(new PartitionImage(List.of(2, 4, 3, 1), List.of(1, 2), 1,
                0, 2, List.of(4), List.of(3, 1)));
    }

    @Test
    void cancellingRevertsToTheOriginalReplicasAndTheirLeader() throws Exception {
        MetadataImage cancelled = reassign(reassign(cluster(), move(0, 2, 3)), cancel(0));
        assertThat(partition(cancelled, 0)).isEqualTo(new PartitionImage(List.of(2, 1), List.of(1, 2), 1, 1, 2));

        // An added replica that leads hands leadership back to the first original replica in the ISR.
        MetadataImage ledByNew = cluster(new PartitionRecord(topicId, 1, List.of(3, 4, 1, 2), List.of(3, 1), 3, 5,
                7, List.of(3, 4), List.of(1, 2)));
        MetadataImage reverted = reassign(ledByNew, cancel(1));
        assertThat(partition(reverted, 1)).isEqualTo(new PartitionImage(List.of(1, 2), List.of(1), 1, 6, 8));
    }

    @Test
    void cancellingWhenOnlyAddedReplicasAreInSyncNeedsUncleanElection() throws Exception {
        PartitionRecord onlyNewInSync = new PartitionRecord(topicId, 1, List.of(3, 1), List.of(3), 3, 2, 4,
                List.of(3), List.of(1));
        Decision<List<Optional<ApiException>>> refused = ReassignmentControl.alter(cluster(onlyNewInSync),
                List.of(cancel(1)), true);
        assertThat(refused.records()).isEmpty();
        assertThat(refused.result().get(0)).containsInstanceOf(EligibleLeadersNotAvailableException.class);

        MetadataImage unclean = ImageBuilder.applyBatch(cluster(onlyNewInSync), List.of(new ConfigRecord(
                ConfigResourceKey.Type.TOPIC, "t",
                ReplicationControl.UNCLEAN_LEADER_ELECTION_ENABLE, Optional.of("true"))), 2);
        MetadataImage reverted = reassign(unclean, cancel(1));
        assertThat(partition(reverted, 1)).isEqualTo(new PartitionImage(List.of(1), List.of(1), 1, 3, 5));
    }

    @Test
    void refusesWhatKafkaRefusesPartitionByPartition() throws Exception {
        MetadataImage image = cluster();
        Decision<List<Optional<ApiException>>> decision = ReassignmentControl.alter(image, List.of(
                move(0, 2, 3),
                move(7, 1),
                new PartitionReassignment("nope", 0, Optional.of(List.of(1))),
                move(0),
                move(0, 3, 3),
                move(0, 3, 9),
                cancel(0),
                new PartitionReassignment("nope", 0, Optional.empty())), true);
        List<Optional<ApiException>> outcomes = decision.result();
        assertThat(outcomes.get(0)).isEmpty();
        assertThat(outcomes.get(1)).containsInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(outcomes.get(2)).containsInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(outcomes.get(3)).containsInstanceOf(InvalidReplicaAssignmentException.class);
        assertThat(outcomes.get(4)).containsInstanceOf(InvalidReplicaAssignmentException.class);
        assertThat(outcomes.get(5)).containsInstanceOf(InvalidReplicaAssignmentException.class);
        assertThat(outcomes.get(6)).isEmpty(); // cancels the move decided first in the same request
        assertThat(outcomes.get(7)).containsInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(partition(apply(image, decision), 0)).isEqualTo(new PartitionImage(List.of(2, 1),
                List.of(1, 2), 1, 1, 2));

        Decision<List<Optional<ApiException>>> nothingToCancel = ReassignmentControl.alter(image,
                List.of(cancel(0)), true);
        assertThat(nothingToCancel.result().get(0)).containsInstanceOf(NoReassignmentInProgressException.class);

        Decision<List<Optional<ApiException>>> factorChange = ReassignmentControl.alter(image,
                List.of(move(0, 1, 2, 3)), false);
        assertThat(factorChange.result().get(0)).containsInstanceOf(InvalidReplicationFactorException.class);
        assertThat(ReassignmentControl.alter(image, List.of(move(0, 3, 4)), false).result().get(0)).isEmpty();
    }

    @Test
    void failoverKeepsAnOngoingReassignment() throws Exception {
        MetadataImage moving = reassign(cluster(), move(0, 2, 3));
        MetadataImage failedOver = apply(moving, ReplicationControl.reconcileLiveness(moving,
                Map.of(1, 60_000L, 2, 0L, 3, 0L, 4, 0L), 9000));
        assertThat(partition(failedOver, 0)).isEqualTo(new PartitionImage(List.of(2, 3, 1), List.of(2), 2, 1, 2,
                List.of(3), List.of(1)));
        assertThat(ReassignmentControl.ongoing(failedOver)).containsOnlyKeys(new TopicPartition("t", 0));
    }

    @Test
    void aDecisionOnAStaleImageIsRejectedWhenApplied() throws Exception {
        MetadataImage image = cluster();
        Decision<List<Optional<ApiException>>> stale = ReassignmentControl.alter(image, List.of(move(0, 2, 3)),
                true);
        MetadataImage moved = alterIsr(image, List.of(1));
        assertThatThrownBy(() -> apply(moved, stale))
                .isInstanceOf(MetadataConflictException.class);
    }
}
