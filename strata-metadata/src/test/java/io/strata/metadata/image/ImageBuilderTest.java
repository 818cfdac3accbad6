package io.strata.metadata.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.ClusterIdRecord;
import io.strata.metadata.records.MetadataRecord.ConfigRecord;
import io.strata.metadata.records.MetadataRecord.FeatureLevelRecord;
import io.strata.metadata.records.MetadataRecord.FenceBrokerRecord;
import io.strata.metadata.records.MetadataRecord.PartitionChangeRecord;
import io.strata.metadata.records.MetadataRecord.PartitionRecord;
import io.strata.metadata.records.MetadataRecord.ProducerIdsRecord;
import io.strata.metadata.records.MetadataRecord.RegisterBrokerRecord;
import io.strata.metadata.records.MetadataRecord.RemoveTopicRecord;
import io.strata.metadata.records.MetadataRecord.TopicRecord;
import io.strata.metadata.records.MetadataRecord.UnfenceBrokerRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class ImageBuilderTest {

    private static final ConfigResourceKey.Type TOPIC = ConfigResourceKey.Type.TOPIC;
    private final Uuid id = Uuid.randomUuid();
    private final MetadataImage empty = ImageBuilder.emptyImage("c1");

    private MetadataImage withTopic() throws MetadataConflictException {
        return ImageBuilder.applyBatch(empty, List.of(
                new RegisterBrokerRecord(1, Uuid.randomUuid(), List.of(), Optional.empty(), false),
                new TopicRecord("t", id),
                new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0, 0),
                new PartitionRecord(id, 1, List.of(1), List.of(1), 1, 0, 0),
                new ConfigRecord(TOPIC, "t", "cleanup.policy", Optional.of("compact"))), 5);
    }

    @Test
    void appliesABatchAndLeavesThePreviousImageUntouched() throws Exception {
        MetadataImage image = withTopic();
        assertThat(image.version()).isEqualTo(5);
        assertThat(image.clusterId()).isEqualTo("c1");
        assertThat(image.brokers()).containsOnlyKeys(1);
        assertThat(image.topic("t")).get().satisfies(t -> {
            assertThat(t.id()).isEqualTo(id);
            assertThat(t.partitions()).containsOnlyKeys(0, 1);
            assertThat(t.partitions().get(1)).isEqualTo(new PartitionImage(List.of(1), List.of(1), 1, 0, 0));
        });
        assertThat(image.topic(id)).isEqualTo(image.topic("t"));
        assertThat(image.configs(new ConfigResourceKey(TOPIC, "t"))).containsEntry("cleanup.policy", "compact");
        assertThat(empty.topicsByName()).isEmpty();
        assertThatThrownBy(() -> image.topicsByName().put("x", null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aClusterIdRecordNamesAClusterOnceAndForAll() throws Exception {
        MetadataImage unnamed = ImageBuilder.emptyImage();
        assertThat(unnamed.hasClusterId()).isFalse();

        MetadataImage named = ImageBuilder.applyBatch(unnamed, List.of(new ClusterIdRecord("first")), 1);
        assertThat(named.clusterId()).isEqualTo("first");
        assertThat(named.hasClusterId()).isTrue();
        assertThat(unnamed.clusterId()).isEmpty();

        // the same id again (a node re-proposing the id it already has) is harmless
        assertThat(ImageBuilder.applyBatch(named, List.of(new ClusterIdRecord("first")), 2).clusterId())
                .isEqualTo("first");
        // a later candidate loses, and its whole batch with it
        assertThatThrownBy(() -> ImageBuilder.applyBatch(named, List.of(
                new RegisterBrokerRecord(1, Uuid.randomUuid(), List.of(), Optional.empty(), false),
                new ClusterIdRecord("second")), 2))
                .isInstanceOf(MetadataConflictException.class)
                .hasMessageContaining("first").hasMessageContaining("second");
        assertThat(named.brokers()).isEmpty();
        assertThatThrownBy(() -> ImageBuilder.applyBatch(unnamed, List.of(new ClusterIdRecord(" ")), 1))
                .isInstanceOf(MetadataConflictException.class);
        // records that do not name the cluster keep its id
        assertThat(ImageBuilder.applyBatch(named, List.of(
                new RegisterBrokerRecord(1, Uuid.randomUuid(), List.of(), Optional.empty(), false)), 3).clusterId())
                .isEqualTo("first");
    }

    @Test
    void rejectsConflictsAtomically() throws Exception {
        MetadataImage image = withTopic();
        Uuid other = Uuid.randomUuid();
        List<List<MetadataRecord>> conflicting = List.of(
                List.of(new TopicRecord("u", other), new TopicRecord("t", Uuid.randomUuid())),
                List.of(new TopicRecord("u", id)),
                List.of(new RemoveTopicRecord(other)),
                List.of(new PartitionRecord(id, 3, List.of(1), List.of(1), 1, 0, 0)),
                List.of(new PartitionRecord(other, 0, List.of(1), List.of(1), 1, 0, 0)),
                List.of(new PartitionRecord(id, 2, List.of(1, 1), List.of(1), 1, 0, 0)),
                List.of(new PartitionRecord(id, 2, List.of(1), List.of(1), 2, 0, 0)),
                List.of(new PartitionChangeRecord(id, 0, List.of(1), List.of(1), 1, 1, 2)),
                List.of(new PartitionChangeRecord(id, 9, List.of(1), List.of(1), 1, 1, 1)),
                List.of(new ConfigRecord(TOPIC, "nope", "k", Optional.of("v"))),
                List.of(new ProducerIdsRecord(1, 1000), new ProducerIdsRecord(1, 1000)),
                List.of(new RegisterBrokerRecord(-5, Uuid.randomUuid(), List.of(), Optional.empty(), false)));
        for (List<MetadataRecord> batch : conflicting) {
            assertThatThrownBy(() -> ImageBuilder.applyBatch(image, batch, 6))
                    .as("batch %s", batch).isInstanceOf(MetadataConflictException.class);
        }
        assertThat(image.topicsByName()).containsOnlyKeys("t");
        assertThat(image.nextProducerId()).isZero();
    }

    @Test
    void changesPartitionsOnlyWithTheNextPartitionEpoch() throws Exception {
        MetadataImage image = ImageBuilder.applyBatch(withTopic(), List.of(
                new PartitionChangeRecord(id, 0, List.of(1), List.of(), -1, 1, 1)), 6);
        assertThat(image.topic("t").orElseThrow().partitions().get(0))
                .isEqualTo(new PartitionImage(List.of(1), List.of(), -1, 1, 1));
        assertThat(image.topic(id).orElseThrow().partitions().get(0).partitionEpoch()).isEqualTo(1);
    }

    @Test
    void aReassignmentAddsAndRemovesDistinctReplicasAndKeepsATarget() throws Exception {
        MetadataImage image = ImageBuilder.applyBatch(withTopic(), List.of(
                new RegisterBrokerRecord(2, Uuid.randomUuid(), List.of(), Optional.empty(), false),
                new PartitionChangeRecord(id, 0, List.of(2, 1), List.of(1), 1, 0, 1, List.of(2), List.of(1))), 6);
        PartitionImage moving = image.topic(id).orElseThrow().partitions().get(0);
        assertThat(moving.isReassigning()).isTrue();
        assertThat(moving.targetReplicas()).containsExactly(2);

        for (PartitionChangeRecord invalid : List.of(
                new PartitionChangeRecord(id, 0, List.of(2, 1), List.of(1), 1, 0, 2, List.of(3), List.of(1)),
                new PartitionChangeRecord(id, 0, List.of(2, 1), List.of(1), 1, 0, 2, List.of(2), List.of(2)),
                new PartitionChangeRecord(id, 0, List.of(2, 1), List.of(1), 1, 0, 2, List.of(), List.of(2, 1)))) {
            assertThatThrownBy(() -> ImageBuilder.applyBatch(image, List.of(invalid), 7))
                    .isInstanceOf(MetadataConflictException.class).hasMessageContaining("reassignment");
        }
    }

    @Test
    void removingATopicRemovesItsConfigsAndAllowsTheNameAgain() throws Exception {
        MetadataImage image = ImageBuilder.applyBatch(withTopic(), List.of(new RemoveTopicRecord(id)), 6);
        assertThat(image.topicsByName()).isEmpty();
        assertThat(image.topicsById()).isEmpty();
        assertThat(image.configs()).isEmpty();
        Uuid again = Uuid.randomUuid();
        image = ImageBuilder.applyBatch(image, List.of(new TopicRecord("t", again),
                new PartitionRecord(again, 0, List.of(1), List.of(1), 1, 0, 0)), 7);
        assertThat(image.topic("t").orElseThrow().id()).isEqualTo(again);
        assertThat(image.configs(new ConfigResourceKey(TOPIC, "t"))).isEmpty();
    }

    @Test
    void setsAndDeletesConfigsAndAdvancesProducerIds() throws Exception {
        ConfigResourceKey broker = new ConfigResourceKey(ConfigResourceKey.Type.BROKER, "");
        MetadataImage image = ImageBuilder.applyBatch(empty, List.of(
                new ConfigRecord(broker.type(), "", "a", Optional.of("1")),
                new ConfigRecord(broker.type(), "", "b", Optional.of("2")),
                new ProducerIdsRecord(1, 1000)), 1);
        assertThat(image.configs(broker)).isEqualTo(Map.of("a", "1", "b", "2"));
        assertThat(image.nextProducerId()).isEqualTo(1000);
        image = ImageBuilder.applyBatch(image, List.of(new ConfigRecord(broker.type(), "", "a", Optional.empty())), 2);
        assertThat(image.configs(broker)).isEqualTo(Map.of("b", "2"));
        image = ImageBuilder.applyBatch(image, List.of(new ConfigRecord(broker.type(), "", "b", Optional.empty())), 3);
        assertThat(image.configs()).isEmpty();
    }

    @Test
    void fencesAndUnfencesOnlyTheCurrentIncarnation() throws Exception {
        Uuid incarnation = Uuid.randomUuid();
        MetadataImage image = ImageBuilder.applyBatch(empty, List.of(
                new RegisterBrokerRecord(2, incarnation, List.of(), Optional.empty(), false)), 1);
        MetadataImage fenced = ImageBuilder.applyBatch(image, List.of(new FenceBrokerRecord(2, incarnation, false)), 2);
        assertThat(fenced.brokers().get(2).fenced()).isTrue();
        assertThat(fenced.brokers().get(2).inControlledShutdown()).isFalse();
        MetadataImage unfenced = ImageBuilder.applyBatch(fenced, List.of(new UnfenceBrokerRecord(2, incarnation)), 3);
        assertThat(unfenced.brokers().get(2)).isEqualTo(image.brokers().get(2));

        assertThatThrownBy(() -> ImageBuilder.applyBatch(image, List.of(
                new FenceBrokerRecord(2, Uuid.randomUuid(), false)), 2)).isInstanceOf(MetadataConflictException.class);
        assertThatThrownBy(() -> ImageBuilder.applyBatch(image, List.of(
                new UnfenceBrokerRecord(9, incarnation)), 2)).isInstanceOf(MetadataConflictException.class);
    }

    @Test
    void aBrokerInControlledShutdownIsUnfencedOnlyByRegisteringAgain() throws Exception {
        Uuid incarnation = Uuid.randomUuid();
        MetadataImage image = ImageBuilder.applyBatch(empty, List.of(
                new RegisterBrokerRecord(2, incarnation, List.of(), Optional.empty(), false),
                new FenceBrokerRecord(2, incarnation, true)), 1);
        assertThat(image.brokers().get(2).fenced()).isTrue();
        assertThat(image.brokers().get(2).inControlledShutdown()).isTrue();
        assertThatThrownBy(() -> ImageBuilder.applyBatch(image, List.of(new UnfenceBrokerRecord(2, incarnation)), 2))
                .isInstanceOf(MetadataConflictException.class).hasMessageContaining("controlled shutdown");
        MetadataImage registered = ImageBuilder.applyBatch(image, List.of(
                new RegisterBrokerRecord(2, Uuid.randomUuid(), List.of(), Optional.empty(), false)), 2);
        assertThat(registered.brokers().get(2).fenced()).isFalse();
        assertThat(registered.brokers().get(2).inControlledShutdown()).isFalse();
    }

    @Test
    void aPartitionChangeMayNotMakeAFencedBrokerLeaderOrAddItToTheIsr() throws Exception {
        Uuid incarnation = Uuid.randomUuid();
        MetadataImage image = ImageBuilder.applyBatch(withTopic(), List.of(
                new RegisterBrokerRecord(2, incarnation, List.of(), Optional.empty(), false),
                new PartitionRecord(id, 2, List.of(1, 2), List.of(1), 1, 0, 0),
                new FenceBrokerRecord(2, incarnation, false)), 6);
        assertThatThrownBy(() -> ImageBuilder.applyBatch(image, List.of(
                new PartitionChangeRecord(id, 2, List.of(1, 2), List.of(1, 2), 1, 0, 1)), 7))
                .isInstanceOf(MetadataConflictException.class).hasMessageContaining("fenced");
        assertThatThrownBy(() -> ImageBuilder.applyBatch(image, List.of(
                new PartitionChangeRecord(id, 2, List.of(1, 2), List.of(1, 2), 2, 1, 1)), 7))
                .isInstanceOf(MetadataConflictException.class).hasMessageContaining("fenced");
        // once unfenced in the same batch, it may
        MetadataImage rejoined = ImageBuilder.applyBatch(image, List.of(new UnfenceBrokerRecord(2, incarnation),
                new PartitionChangeRecord(id, 2, List.of(1, 2), List.of(1, 2), 2, 1, 1)), 7);
        assertThat(rejoined.topic(id).orElseThrow().partitions().get(2).leader()).isEqualTo(2);
    }

    @Test
    void aFeatureLevelAppliesOnlyOverTheLevelItWasDecidedFrom() throws Exception {
        MetadataImage finalized = ImageBuilder.applyBatch(empty, List.of(
                new FeatureLevelRecord("transaction.version", (short) 2, Optional.empty())), 1);
        assertThat(finalized.featureLevel("transaction.version")).contains((short) 2);
        // A second start-up's initial level, decided before the first committed, is rejected...
        assertThatThrownBy(() -> ImageBuilder.applyBatch(finalized, List.of(
                new FeatureLevelRecord("transaction.version", (short) 1, Optional.empty())), 2))
                .isInstanceOf(MetadataConflictException.class).hasMessageContaining("finalized at 2");
        // ...and so is an update decided from a level that has changed since.
        assertThatThrownBy(() -> ImageBuilder.applyBatch(finalized, List.of(
                new FeatureLevelRecord("transaction.version", (short) 0, Optional.of((short) 1))), 2))
                .isInstanceOf(MetadataConflictException.class);
        MetadataImage off = ImageBuilder.applyBatch(finalized, List.of(
                new FeatureLevelRecord("transaction.version", (short) 0, Optional.of((short) 2))), 2);
        assertThat(off.featureLevel("transaction.version")).contains((short) 0);
        assertThat(finalized.featureLevel("transaction.version")).contains((short) 2);
        assertThat(empty.featureLevel("transaction.version")).isEmpty();
    }
}
