package io.strata.metadata.controller;

import static io.strata.metadata.controller.LeaderElection.NO_LEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.image.MetadataConflictException;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.ConfigRecord;
import io.strata.metadata.records.MetadataRecord.FenceBrokerRecord;
import io.strata.metadata.records.MetadataRecord.PartitionRecord;
import io.strata.metadata.records.MetadataRecord.RegisterBrokerRecord;
import io.strata.metadata.records.MetadataRecord.TopicRecord;
import io.strata.metadata.records.MetadataRecord.UnfenceBrokerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.IneligibleReplicaException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class ReplicationControlTest {

    private static final long SESSION_MS = 9000;
    private static final Map<Integer, Long> ALL_ALIVE = Map.of(1, 0L, 2, 100L, 3, 200L);
    private static final Map<Integer, Long> ONE_SILENT = Map.of(1, 9001L, 2, 100L, 3, 200L);

    private final Uuid topicId = Uuid.randomUuid();
    private final Map<Integer, Uuid> incarnations = Map.of(1, Uuid.randomUuid(), 2, Uuid.randomUuid(), 3,
            Uuid.randomUuid());

    private static MetadataImage apply(MetadataImage image, List<MetadataRecord> records)
            throws MetadataConflictException {
        return ImageBuilder.applyBatch(image, records, image.version() + 1);
    }

    private static MetadataImage apply(MetadataImage image, Decision<?> decision) throws MetadataConflictException {
        return apply(image, decision.records());
    }

    /**
     * Brokers 1-3 and topic "t": partition 0 led by 1 (ISR 1,2,3), partition 1 led by 2 (ISR 2,3,1), partition 2
     * with broker 1 as its only replica.
     */
    private MetadataImage cluster() throws MetadataConflictException {
        List<MetadataRecord> records = new ArrayList<>();
        incarnations.forEach((id, incarnation) -> records.add(new RegisterBrokerRecord(id, incarnation, List.of(),
                Optional.empty(), false)));
        records.add(new TopicRecord("t", topicId));
        records.add(new PartitionRecord(topicId, 0, List.of(1, 2, 3), List.of(1, 2, 3), 1, 0, 0));
        records.add(new PartitionRecord(topicId, 1, List.of(2, 3, 1), List.of(2, 3, 1), 2, 0, 0));
        records.add(new PartitionRecord(topicId, 2, List.of(1), List.of(1), 1, 0, 0));
        return apply(ImageBuilder.emptyImage("c"), records);
    }

    private PartitionImage partition(MetadataImage image, int index) {
        return image.topic(topicId).orElseThrow().partitions().get(index);
    }

    @Test
    void aSilentBrokerIsFencedWithTheLeaderChangesItCausesInOneBatch() throws Exception {
        MetadataImage image = cluster();
        Decision<Void> decision = ReplicationControl.reconcileLiveness(image, ONE_SILENT, SESSION_MS);
        assertThat(decision.records().get(0)).isEqualTo(new FenceBrokerRecord(1, incarnations.get(1), false));
        MetadataImage fenced = apply(image, decision);

        assertThat(fenced.brokers().get(1).fenced()).isTrue();
        assertThat(partition(fenced, 0)).isEqualTo(new PartitionImage(List.of(1, 2, 3), List.of(2, 3), 2, 1, 1));
        assertThat(partition(fenced, 1)).isEqualTo(new PartitionImage(List.of(2, 3, 1), List.of(2, 3), 2, 1, 1));
        // the last ISR member stays in the ISR, and the partition has no leader
        assertThat(partition(fenced, 2)).isEqualTo(new PartitionImage(List.of(1), List.of(1), NO_LEADER, 1, 1));
        // nothing more to do while it stays silent
        assertThat(ReplicationControl.reconcileLiveness(fenced, ONE_SILENT, SESSION_MS).records()).isEmpty();
    }

    @Test
    void aFencedBrokerHeardFromAgainIsUnfencedAndLeadsWhereItIsTheOnlyIsrMember() throws Exception {
        MetadataImage fenced = apply(cluster(), ReplicationControl.reconcileLiveness(cluster(), ONE_SILENT,
                SESSION_MS));
        Decision<Void> decision = ReplicationControl.reconcileLiveness(fenced, ALL_ALIVE, SESSION_MS);
        assertThat(decision.records().get(0)).isEqualTo(new UnfenceBrokerRecord(1, incarnations.get(1)));
        MetadataImage unfenced = apply(fenced, decision);

        assertThat(unfenced.brokers().get(1).fenced()).isFalse();
        assertThat(partition(unfenced, 2)).isEqualTo(new PartitionImage(List.of(1), List.of(1), 1, 2, 2));
        // elsewhere it is a follower out of the ISR until its leader adds it back (AlterPartition)
        assertThat(partition(unfenced, 0)).isEqualTo(partition(fenced, 0));
        assertThat(ReplicationControl.reconcileLiveness(unfenced, ALL_ALIVE, SESSION_MS).records()).isEmpty();
    }

    @Test
    void brokersWhoseLivenessIsUnknownKeepTheirState() throws Exception {
        MetadataImage image = cluster();
        assertThat(ReplicationControl.reconcileLiveness(image, Map.of(2, 0L), SESSION_MS).records()).isEmpty();
        assertThat(ReplicationControl.reconcileLiveness(image, ALL_ALIVE, SESSION_MS).records()).isEmpty();
    }

    @Test
    void uncleanElectionFollowsTheTopicConfigThenTheClusterDefault() throws Exception {
        MetadataImage image = cluster();
        ConfigResourceKey clusterDefault = new ConfigResourceKey(ConfigResourceKey.Type.BROKER, "");
        MetadataImage uncleanByDefault = apply(image, List.of(new ConfigRecord(clusterDefault.type(),
                clusterDefault.name(), ReplicationControl.UNCLEAN_LEADER_ELECTION_ENABLE, Optional.of("true")),
                new PartitionRecord(topicId, 3, List.of(1, 3), List.of(1), 1, 0, 0)));
        MetadataImage fenced = apply(uncleanByDefault, ReplicationControl.reconcileLiveness(uncleanByDefault,
                ONE_SILENT, SESSION_MS));
        assertThat(partition(fenced, 3)).isEqualTo(new PartitionImage(List.of(1, 3), List.of(3), 3, 1, 1));

        MetadataImage topicOverride = apply(uncleanByDefault, List.of(new ConfigRecord(ConfigResourceKey.Type.TOPIC,
                "t", ReplicationControl.UNCLEAN_LEADER_ELECTION_ENABLE, Optional.of("false"))));
        MetadataImage clean = apply(topicOverride, ReplicationControl.reconcileLiveness(topicOverride, ONE_SILENT,
                SESSION_MS));
        assertThat(partition(clean, 3)).isEqualTo(new PartitionImage(List.of(1, 3), List.of(1), NO_LEADER, 1, 1));

        // enabling it later elects a leader for the leaderless partition at the next check
        MetadataImage enabled = apply(clean, List.of(new ConfigRecord(ConfigResourceKey.Type.TOPIC, "t",
                ReplicationControl.UNCLEAN_LEADER_ELECTION_ENABLE, Optional.of("true"))));
        MetadataImage elected = apply(enabled, ReplicationControl.reconcileLiveness(enabled, ONE_SILENT,
                SESSION_MS));
        assertThat(partition(elected, 3).leader()).isEqualTo(3);
    }

    @Test
    void controlledShutdownMovesLeadershipAtOnceAndBeingHeardFromDoesNotUnfence() throws Exception {
        MetadataImage image = cluster();
        MetadataImage shutDown = apply(image, ReplicationControl.controlledShutdown(image, 1));
        assertThat(shutDown.brokers().get(1).fenced()).isTrue();
        assertThat(shutDown.brokers().get(1).inControlledShutdown()).isTrue();
        assertThat(partition(shutDown, 0)).isEqualTo(new PartitionImage(List.of(1, 2, 3), List.of(2, 3), 2, 1, 1));
        assertThat(partition(shutDown, 2)).isEqualTo(new PartitionImage(List.of(1), List.of(1), NO_LEADER, 1, 1));

        assertThat(ReplicationControl.reconcileLiveness(shutDown, ALL_ALIVE, SESSION_MS).records()).isEmpty();
        assertThat(ReplicationControl.controlledShutdown(shutDown, 1).records()).isEmpty(); // idempotent
        assertThatThrownBy(() -> ReplicationControl.controlledShutdown(image, 7))
                .isInstanceOf(BrokerIdNotRegisteredException.class);

        // registering again (the restarted broker) unfences it; the next check gives it its partition back
        BrokerRegistration restarted = new BrokerRegistration(1, Uuid.randomUuid(), List.of(), Optional.empty(),
                false);
        MetadataImage registered = apply(shutDown, ReplicationControl.registerBroker(shutDown, restarted));
        assertThat(registered.brokers().get(1)).isEqualTo(restarted);
        MetadataImage back = apply(registered, ReplicationControl.reconcileLiveness(registered, ALL_ALIVE,
                SESSION_MS));
        assertThat(partition(back, 2)).isEqualTo(new PartitionImage(List.of(1), List.of(1), 1, 2, 2));
    }

    @Test
    void aNewIncarnationLosesTheLeadershipsOfThePreviousOne() throws Exception {
        MetadataImage image = cluster();
        BrokerRegistration sameIncarnation = image.brokers().get(1);
        assertThat(ReplicationControl.registerBroker(image, sameIncarnation).records()).hasSize(1);

        BrokerRegistration restarted = new BrokerRegistration(1, Uuid.randomUuid(), List.of(), Optional.empty(),
                false);
        MetadataImage registered = apply(image, ReplicationControl.registerBroker(image, restarted));
        assertThat(partition(registered, 0)).isEqualTo(new PartitionImage(List.of(1, 2, 3), List.of(2, 3), 2, 1, 1));
        assertThat(partition(registered, 1)).isEqualTo(new PartitionImage(List.of(2, 3, 1), List.of(2, 3), 2, 1, 1));
        // the only replica keeps leading, in a new leader epoch
        assertThat(partition(registered, 2)).isEqualTo(new PartitionImage(List.of(1), List.of(1), 1, 1, 1));

        assertThatThrownBy(() -> ReplicationControl.registerBroker(image, new BrokerRegistration(-1,
                Uuid.randomUuid(), List.of(), Optional.empty(), false))).isInstanceOf(InvalidRequestException.class);
        BrokerRegistration first = new BrokerRegistration(4, Uuid.randomUuid(), List.of(), Optional.empty(), false);
        assertThat(apply(image, ReplicationControl.registerBroker(image, first)).brokers().get(4)).isEqualTo(first);
    }

    @Test
    void alterPartitionShrinksAndExpandsTheIsrKeepingTheLeaderEpoch() throws Exception {
        MetadataImage image = cluster();
        Decision<PartitionImage> shrink = ReplicationControl.alterPartition(image, topicId, 0, 1, 0, 0, List.of(1, 2));
        PartitionImage shrunk = new PartitionImage(List.of(1, 2, 3), List.of(1, 2), 1, 0, 1);
        assertThat(shrink.result()).isEqualTo(shrunk);
        MetadataImage after = apply(image, shrink);
        assertThat(partition(after, 0)).isEqualTo(shrunk);

        Decision<PartitionImage> expand = ReplicationControl.alterPartition(after, topicId, 0, 1, 0, 1,
                List.of(1, 2, 3));
        assertThat(partition(apply(after, expand), 0)).isEqualTo(new PartitionImage(List.of(1, 2, 3),
                List.of(1, 2, 3), 1, 0, 2));
        Decision<PartitionImage> unchanged = ReplicationControl.alterPartition(after, topicId, 0, 1, 0, 1,
                List.of(1, 2));
        assertThat(unchanged.records()).isEmpty();
        assertThat(unchanged.result()).isEqualTo(shrunk);
    }

    @Test
    void alterPartitionIsRejectedWithKafkasErrors() throws Exception {
        MetadataImage image = cluster();
        assertThatThrownBy(() -> ReplicationControl.alterPartition(image, Uuid.randomUuid(), 0, 1, 0, 0, List.of(1)))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> ReplicationControl.alterPartition(image, topicId, 9, 1, 0, 0, List.of(1)))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> ReplicationControl.alterPartition(image, topicId, 0, 1, 1, 0, List.of(1)))
                .isInstanceOf(FencedLeaderEpochException.class);
        assertThatThrownBy(() -> ReplicationControl.alterPartition(image, topicId, 0, 2, 0, 0, List.of(2)))
                .isInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(() -> ReplicationControl.alterPartition(image, topicId, 0, 1, 0, 3, List.of(1)))
                .isInstanceOf(InvalidUpdateVersionException.class);
        assertThatThrownBy(() -> ReplicationControl.alterPartition(image, topicId, 0, 1, 0, 0, List.of(2, 3)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ReplicationControl.alterPartition(image, topicId, 0, 1, 0, 0, List.of(1, 4)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ReplicationControl.alterPartition(image, topicId, 0, 1, 0, 0, List.of(1, 1)))
                .isInstanceOf(InvalidRequestException.class);

        MetadataImage shrunk = apply(image, ReplicationControl.alterPartition(image, topicId, 0, 1, 0, 0,
                List.of(1, 2)));
        MetadataImage threeFenced = apply(shrunk, List.of(new FenceBrokerRecord(3, incarnations.get(3), false)));
        assertThatThrownBy(() -> ReplicationControl.alterPartition(threeFenced, topicId, 0, 1, 0, 1,
                List.of(1, 2, 3))).isInstanceOf(IneligibleReplicaException.class);
    }

    @Test
    void aStaleAlterPartitionIsRejectedWhenApplied() throws Exception {
        MetadataImage image = cluster();
        Decision<PartitionImage> stale = ReplicationControl.alterPartition(image, topicId, 0, 1, 0, 0, List.of(1, 2));
        MetadataImage moved = apply(image, ReplicationControl.reconcileLiveness(image, ONE_SILENT, SESSION_MS));
        assertThatThrownBy(() -> apply(moved, stale)).isInstanceOf(MetadataConflictException.class);
        // decided again on the newer image, the request fails with Kafka's error
        assertThatThrownBy(() -> ReplicationControl.alterPartition(moved, topicId, 0, 1, 0, 0, List.of(1, 2)))
                .isInstanceOf(FencedLeaderEpochException.class);
    }
}
