package io.strata.metadata.controller;

import static io.strata.metadata.controller.LeaderElection.NO_LEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.image.MetadataConflictException;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.FenceBrokerRecord;
import io.strata.metadata.records.MetadataRecord.PartitionRecord;
import io.strata.metadata.records.MetadataRecord.RegisterBrokerRecord;
import io.strata.metadata.records.MetadataRecord.TopicRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.EligibleLeadersNotAvailableException;
import org.apache.kafka.common.errors.PreferredLeaderNotAvailableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class ElectionControlTest {

    private static final ElectionType PREFERRED = ElectionType.PREFERRED;
    private static final ElectionType UNCLEAN = ElectionType.UNCLEAN;

    private final Uuid topicId = Uuid.randomUuid();
    private final Map<Integer, Uuid> incarnations = Map.of(1, Uuid.randomUuid(), 2, Uuid.randomUuid(), 3,
            Uuid.randomUuid());

    private static TopicPartition tp(int partition) {
        return new TopicPartition("t", partition);
    }

    private static MetadataImage apply(MetadataImage image, List<MetadataRecord> records)
            throws MetadataConflictException {
        return ImageBuilder.applyBatch(image, records, image.version() + 1);
    }

    /** Brokers 1-3 and topic "t" with the given partitions (index = position). */
    private MetadataImage cluster(PartitionImage... partitions) throws MetadataConflictException {
        List<MetadataRecord> records = new ArrayList<>();
        incarnations.forEach((id, incarnation) -> records.add(new RegisterBrokerRecord(id, incarnation, List.of(),
                Optional.empty(), false)));
        records.add(new TopicRecord("t", topicId));
        for (int i = 0; i < partitions.length; i++) {
            PartitionImage p = partitions[i];
            records.add(new PartitionRecord(topicId, i, p.replicas(), p.isr(), p.leader(), p.leaderEpoch(),
                    p.partitionEpoch()));
        }
        return apply(ImageBuilder.emptyImage("c"), records);
    }

    private MetadataImage fence(MetadataImage image, int broker) throws MetadataConflictException {
        return apply(image, List.of(new FenceBrokerRecord(broker, incarnations.get(broker), false)));
    }

    private PartitionImage partition(MetadataImage image, int index) {
        return image.topic(topicId).orElseThrow().partitions().get(index);
    }

    private static PartitionImage state(List<Integer> replicas, List<Integer> isr, int leader, int epoch) {
        return new PartitionImage(replicas, isr, leader, epoch, epoch);
    }

    private static Class<?> errorOf(Map<TopicPartition, Optional<ApiException>> results, TopicPartition tp) {
        return results.get(tp).map(Object::getClass).orElse(null);
    }

    @Test
    void preferredElectionMovesLeadershipBackToTheFirstReplicaWithNewEpochsAndTheSameIsr() throws Exception {
        MetadataImage image = cluster(state(List.of(1, 2, 3), List.of(2, 3, 1), 2, 4));
        Decision<Map<TopicPartition, Optional<ApiException>>> decision =
                ElectionControl.electLeaders(image, PREFERRED, Optional.of(List.of(tp(0))));

        assertThat(decision.result()).containsExactly(Map.entry(tp(0), Optional.empty()));
        MetadataImage elected = apply(image, decision.records());
        assertThat(partition(elected, 0)).isEqualTo(new PartitionImage(List.of(1, 2, 3), List.of(2, 3, 1), 1, 5, 5));
        // a second election is not needed
        assertThat(errorOf(ElectionControl.electLeaders(elected, PREFERRED, Optional.of(List.of(tp(0)))).result(),
                tp(0))).isEqualTo(ElectionNotNeededException.class);
    }

    @Test
    void preferredElectionIsNotNeededWhereThePreferredReplicaLeads() throws Exception {
        MetadataImage image = cluster(state(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0));
        Decision<Map<TopicPartition, Optional<ApiException>>> decision =
                ElectionControl.electLeaders(image, PREFERRED, Optional.of(List.of(tp(0))));
        assertThat(decision.records()).isEmpty();
        assertThat(errorOf(decision.result(), tp(0))).isEqualTo(ElectionNotNeededException.class);
    }

    @Test
    void thePreferredReplicaOutsideTheIsrOrFencedIsNotAvailable() throws Exception {
        MetadataImage image = cluster(state(List.of(1, 2, 3), List.of(2, 3), 2, 1),
                state(List.of(3, 1, 2), List.of(1, 2, 3), 1, 1));
        MetadataImage threeFenced = fence(image, 3);
        Decision<Map<TopicPartition, Optional<ApiException>>> decision = ElectionControl.electLeaders(threeFenced,
                PREFERRED, Optional.of(List.of(tp(0), tp(1))));
        assertThat(decision.records()).isEmpty();
        assertThat(errorOf(decision.result(), tp(0))).isEqualTo(PreferredLeaderNotAvailableException.class);
        assertThat(errorOf(decision.result(), tp(1))).isEqualTo(PreferredLeaderNotAvailableException.class);
    }

    @Test
    void aLeaderlessPartitionGetsAnotherInSyncReplicaWhenThePreferredOneIsFenced() throws Exception {
        MetadataImage image = fence(cluster(state(List.of(1, 2, 3), List.of(1, 3), NO_LEADER, 2)), 1);
        Decision<Map<TopicPartition, Optional<ApiException>>> decision =
                ElectionControl.electLeaders(image, PREFERRED, Optional.of(List.of(tp(0))));
        assertThat(decision.result().get(tp(0))).isEmpty();
        assertThat(partition(apply(image, decision.records()), 0))
                .isEqualTo(new PartitionImage(List.of(1, 2, 3), List.of(1, 3), 3, 3, 3));
    }

    @Test
    void unknownTopicsAndPartitionsFailAloneAndDuplicatesCountOnce() throws Exception {
        MetadataImage image = cluster(state(List.of(1, 2, 3), List.of(1, 2, 3), 2, 0));
        Decision<Map<TopicPartition, Optional<ApiException>>> decision = ElectionControl.electLeaders(image,
                PREFERRED, Optional.of(List.of(tp(0), new TopicPartition("missing", 0), tp(7), tp(0))));
        assertThat(decision.result().keySet()).containsExactly(tp(0), new TopicPartition("missing", 0), tp(7));
        assertThat(decision.result().get(tp(0))).isEmpty();
        assertThat(errorOf(decision.result(), new TopicPartition("missing", 0)))
                .isEqualTo(UnknownTopicOrPartitionException.class);
        assertThat(errorOf(decision.result(), tp(7))).isEqualTo(UnknownTopicOrPartitionException.class);
        assertThat(decision.records()).hasSize(1);
        assertThat(partition(apply(image, decision.records()), 0).leader()).isEqualTo(1);
    }

    @Test
    void everyPartitionIsElectedWithoutAListAndThoseNotNeedingItAreLeftOut() throws Exception {
        MetadataImage image = cluster(state(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0),
                state(List.of(2, 3, 1), List.of(2, 3, 1), 3, 1),
                state(List.of(3, 1, 2), List.of(1, 2), 1, 1));
        Decision<Map<TopicPartition, Optional<ApiException>>> decision =
                ElectionControl.electLeaders(image, PREFERRED, Optional.empty());
        assertThat(decision.result().keySet()).containsExactly(tp(1), tp(2));
        assertThat(decision.result().get(tp(1))).isEmpty();
        assertThat(errorOf(decision.result(), tp(2))).isEqualTo(PreferredLeaderNotAvailableException.class);
        MetadataImage elected = apply(image, decision.records());
        assertThat(partition(elected, 1).leader()).isEqualTo(2);
        assertThat(ElectionControl.electLeaders(elected, PREFERRED, Optional.empty()).result().keySet())
                .containsExactly(tp(2));
    }

    @Test
    void uncleanElectionIsOnlyForLeaderlessPartitionsAndMayShrinkTheIsrToTheNewLeader() throws Exception {
        MetadataImage image = fence(cluster(state(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0),
                state(List.of(1, 2, 3), List.of(1), NO_LEADER, 1)), 1);
        Decision<Map<TopicPartition, Optional<ApiException>>> decision =
                ElectionControl.electLeaders(image, UNCLEAN, Optional.of(List.of(tp(0), tp(1))));
        assertThat(errorOf(decision.result(), tp(0))).isEqualTo(ElectionNotNeededException.class);
        assertThat(decision.result().get(tp(1))).isEmpty();
        assertThat(partition(apply(image, decision.records()), 1))
                .isEqualTo(new PartitionImage(List.of(1, 2, 3), List.of(2), 2, 2, 2));
    }

    @Test
    void uncleanElectionWithoutALiveReplicaFindsNoEligibleLeader() throws Exception {
        MetadataImage image = fence(fence(cluster(state(List.of(1, 2), List.of(1), NO_LEADER, 1)), 1), 2);
        Decision<Map<TopicPartition, Optional<ApiException>>> decision =
                ElectionControl.electLeaders(image, UNCLEAN, Optional.of(List.of(tp(0))));
        assertThat(decision.records()).isEmpty();
        assertThat(errorOf(decision.result(), tp(0))).isEqualTo(EligibleLeadersNotAvailableException.class);
    }

    @Test
    void rebalanceMovesLeadershipBackOnlyWhereABrokersImbalanceExceedsThePercentage() throws Exception {
        // broker 1 is preferred for partitions 0-3 and leads 3 of them (25 % imbalance); broker 2 for 4-5 and
        // leads neither (100 %); broker 3 for 6, outside the ISR
        MetadataImage image = cluster(
                state(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0),
                state(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0),
                state(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0),
                state(List.of(1, 3, 2), List.of(1, 2, 3), 3, 1),
                state(List.of(2, 1, 3), List.of(1, 2, 3), 1, 1),
                state(List.of(2, 3, 1), List.of(1, 2, 3), 3, 1),
                state(List.of(3, 1, 2), List.of(1, 2), 1, 1));

        Decision<Boolean> at25 = ElectionControl.rebalance(image, 25, 1000);
        MetadataImage balanced = apply(image, at25.records());
        assertThat(at25.result()).isFalse();
        assertThat(partition(balanced, 3).leader()).as("25 %% does not exceed 25 %%").isEqualTo(3);
        assertThat(partition(balanced, 4)).isEqualTo(new PartitionImage(List.of(2, 1, 3), List.of(1, 2, 3), 2, 2, 2));
        assertThat(partition(balanced, 5).leader()).isEqualTo(2);
        assertThat(partition(balanced, 6).leader()).as("preferred replica not in the ISR").isEqualTo(1);
        assertThat(ElectionControl.rebalance(balanced, 25, 1000).records()).isEmpty();

        MetadataImage strict = apply(image, ElectionControl.rebalance(image, 0, 1000).records());
        assertThat(partition(strict, 3).leader()).isEqualTo(1);
        assertThat(ElectionControl.rebalance(strict, 0, 1000).records()).isEmpty();
    }

    @Test
    void rebalanceSkipsFencedPreferredReplicasAndStopsAtTheElectionLimit() throws Exception {
        MetadataImage image = cluster(
                state(List.of(1, 2, 3), List.of(1, 2, 3), 2, 1),
                state(List.of(1, 2, 3), List.of(1, 2, 3), 2, 1),
                state(List.of(3, 2, 1), List.of(1, 2, 3), 2, 1));
        assertThat(ElectionControl.rebalance(fence(image, 1), 10, 1000).records()).hasSize(1);

        Decision<Boolean> limited = ElectionControl.rebalance(image, 10, 2);
        assertThat(limited.records()).hasSize(2);
        assertThat(limited.result()).isTrue();
        Decision<Boolean> rest = ElectionControl.rebalance(apply(image, limited.records()), 10, 2);
        assertThat(rest.records()).hasSize(1);
        assertThat(rest.result()).isFalse();
    }

    @Test
    void aStaleElectionIsRejectedWhenApplied() throws Exception {
        MetadataImage image = cluster(state(List.of(1, 2, 3), List.of(1, 2, 3), 2, 0));
        List<MetadataRecord> election =
                ElectionControl.electLeaders(image, PREFERRED, Optional.of(List.of(tp(0)))).records();
        MetadataImage moved = apply(image, ElectionControl.rebalance(image, 10, 1000).records());
        assertThatThrownBy(() -> apply(moved, election)).isInstanceOf(MetadataConflictException.class);
    }
}
