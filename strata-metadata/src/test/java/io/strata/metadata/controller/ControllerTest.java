package io.strata.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.NewTopic;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.ProducerIdBlock;
import io.strata.metadata.TopicOutcome;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.ConfigRecord;
import io.strata.metadata.records.MetadataRecord.RegisterBrokerRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class ControllerTest {

    private final Controller controller = new Controller(new ReplicaPlacer(new SplittableRandom()), Uuid::randomUuid);

    private static MetadataImage apply(MetadataImage image, List<MetadataRecord> records) throws Exception {
        return ImageBuilder.applyBatch(image, records, image.version() + 1);
    }

    private static MetadataImage brokers(int... ids) throws Exception {
        MetadataImage image = ImageBuilder.emptyImage("c");
        for (int id : ids) {
            image = apply(image, List.of(new RegisterBrokerRecord(id, Uuid.randomUuid(), List.of(), Optional.empty(),
                    false)));
        }
        return image;
    }

    private static NewTopic topic(String name, int partitions, int rf) {
        return new NewTopic(name, partitions, (short) rf, Map.of(), Map.of());
    }

    private static Class<? extends ApiException> errorOf(TopicOutcome outcome) {
        return outcome.error().map(ApiException::getClass).orElse(null);
    }

    @Test
    void createsTopicsInOneBatchWithFullIsrAndFirstReplicaLeading() throws Exception {
        MetadataImage image = brokers(1, 2, 3);
        Decision<Map<String, TopicOutcome>> decision = controller.createTopics(image, List.of(
                topic("a", 6, 3), new NewTopic("b", 2, (short) 1, Map.of(), Map.of("retention.ms", "10"))), false);
        assertThat(decision.result().values()).allSatisfy(o -> assertThat(o.error()).isEmpty());
        assertThat(decision.records()).hasSize(1 + 6 + 1 + 2 + 1);

        MetadataImage after = apply(image, decision.records());
        assertThat(after.topic("a")).get().satisfies(t -> {
            assertThat(t.id()).isEqualTo(decision.result().get("a").topicId());
            assertThat(t.partitions()).hasSize(6);
            for (PartitionImage p : t.partitions().values()) {
                assertThat(p.replicas()).hasSize(3).doesNotHaveDuplicates();
                assertThat(p.isr()).isEqualTo(p.replicas());
                assertThat(p.leader()).isEqualTo(p.replicas().get(0));
                assertThat(p.leaderEpoch()).isZero();
                assertThat(p.partitionEpoch()).isZero();
            }
        });
        assertThat(decision.result().get("a").numPartitions()).isEqualTo(6);
        assertThat(decision.result().get("a").replicationFactor()).isEqualTo((short) 3);
        assertThat(after.configs(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, "b")))
                .containsEntry("retention.ms", "10");
    }

    @Test
    void validatesEachTopicOnItsOwn() throws Exception {
        MetadataImage image = apply(brokers(1, 2), controller.createTopics(brokers(1, 2),
                List.of(topic("exists", 1, 1)), false).records());
        Map<String, TopicOutcome> outcomes = controller.createTopics(image, List.of(
                topic("ok", 2, 2),
                topic("exists", 1, 1),
                topic("no-defaults", -1, -1),
                topic("rf-default", 3, -1),
                topic("zero", 0, 1),
                topic("rf-too-big", 1, 3),
                topic("rf-zero", 1, 0),
                topic("bad/name", 1, 1),
                topic("dup", 1, 1), topic("dup", 1, 1)), false).result();
        assertThat(outcomes.get("ok").error()).isEmpty();
        assertThat(errorOf(outcomes.get("exists"))).isEqualTo(TopicExistsException.class);
        assertThat(errorOf(outcomes.get("no-defaults"))).isEqualTo(InvalidRequestException.class);
        assertThat(errorOf(outcomes.get("rf-default"))).isEqualTo(InvalidRequestException.class);
        assertThat(errorOf(outcomes.get("zero"))).isEqualTo(InvalidPartitionsException.class);
        assertThat(errorOf(outcomes.get("rf-too-big"))).isEqualTo(InvalidReplicationFactorException.class);
        assertThat(errorOf(outcomes.get("rf-zero"))).isEqualTo(InvalidReplicationFactorException.class);
        assertThat(errorOf(outcomes.get("bad/name"))).isEqualTo(InvalidTopicException.class);
        assertThat(errorOf(outcomes.get("dup"))).isEqualTo(InvalidRequestException.class);
    }

    @Test
    void fencedBrokersDoNotCount() throws Exception {
        MetadataImage image = apply(brokers(1), List.of(
                new RegisterBrokerRecord(2, Uuid.randomUuid(), List.of(), Optional.empty(), true)));
        assertThat(errorOf(controller.createTopics(image, List.of(topic("t", 1, 2)), false).result().get("t")))
                .isEqualTo(InvalidReplicationFactorException.class);
        assertThat(errorOf(controller.createTopics(ImageBuilder.emptyImage("c"), List.of(topic("t", 1, 1)), false)
                .result().get("t"))).isEqualTo(InvalidReplicationFactorException.class);
    }

    @Test
    void placesTopicsAndNewPartitionsAcrossTheBrokersRacks() throws Exception {
        MetadataImage image = ImageBuilder.emptyImage("c");
        for (int id = 1; id <= 4; id++) {
            image = apply(image, List.of(new RegisterBrokerRecord(id, Uuid.randomUuid(), List.of(),
                    Optional.of(id <= 2 ? "east" : "west"), false)));
        }
        image = apply(image, controller.createTopics(image, List.of(topic("t", 4, 2)), false).records());
        image = apply(image, controller.createPartitions(image, Map.of("t", 8), false).records());
        assertThat(image.topic("t").orElseThrow().partitions().values()).hasSize(8).allSatisfy(p ->
                assertThat(p.replicas()).satisfiesExactlyInAnyOrder(b -> assertThat(b).isBetween(1, 2),
                        b -> assertThat(b).isBetween(3, 4)));
    }

    @Test
    void aRequestForMoreThanTenThousandPartitionsFailsAsAWhole() throws Exception {
        MetadataImage image = brokers(1);
        Decision<Map<String, TopicOutcome>> tooMany = controller.createTopics(image,
                List.of(topic("a", 5_000, 1), topic("b", 5_001, 1), topic("c", 1, 1)), false);
        assertThat(tooMany.records()).isEmpty();
        assertThat(tooMany.result()).hasSize(3).allSatisfy((name, o) -> {
            assertThat(errorOf(o)).isEqualTo(PolicyViolationException.class);
            assertThat(o.error().get().getMessage()).isEqualTo("Excessively large number of partitions per request.");
        });

        Decision<Map<String, TopicOutcome>> atTheLimit = controller.createTopics(image,
                List.of(topic("a", 5_000, 1), topic("b", 5_000, 1)), false);
        assertThat(atTheLimit.result().values()).allSatisfy(o -> assertThat(o.error()).isEmpty());
    }

    @Test
    void validateOnlyProducesNoRecords() throws Exception {
        Decision<Map<String, TopicOutcome>> decision = controller.createTopics(brokers(1), List.of(topic("t", 4, 1)),
                true);
        assertThat(decision.records()).isEmpty();
        assertThat(decision.result().get("t").error()).isEmpty();
        assertThat(decision.result().get("t").numPartitions()).isEqualTo(4);
    }

    @Test
    void honoursAndChecksManualAssignments() throws Exception {
        MetadataImage image = brokers(1, 2, 3);
        Map<Integer, List<Integer>> good = Map.of(0, List.of(3, 1), 1, List.of(2, 3));
        Decision<Map<String, TopicOutcome>> decision = controller.createTopics(image, List.of(
                new NewTopic("good", -1, (short) -1, good, Map.of()),
                new NewTopic("gap", -1, (short) -1, Map.of(0, List.of(1), 2, List.of(2)), Map.of()),
                new NewTopic("unknown-broker", -1, (short) -1, Map.of(0, List.of(9)), Map.of()),
                new NewTopic("dup-replica", -1, (short) -1, Map.of(0, List.of(1, 1)), Map.of()),
                new NewTopic("uneven", -1, (short) -1, Map.of(0, List.of(1), 1, List.of(1, 2)), Map.of()),
                new NewTopic("both", 2, (short) -1, good, Map.of())), false);
        Map<String, TopicOutcome> outcomes = decision.result();
        assertThat(outcomes.get("good").error()).isEmpty();
        assertThat(errorOf(outcomes.get("gap"))).isEqualTo(InvalidReplicaAssignmentException.class);
        assertThat(errorOf(outcomes.get("unknown-broker"))).isEqualTo(InvalidReplicaAssignmentException.class);
        assertThat(errorOf(outcomes.get("dup-replica"))).isEqualTo(InvalidReplicaAssignmentException.class);
        assertThat(errorOf(outcomes.get("uneven"))).isEqualTo(InvalidReplicaAssignmentException.class);
        assertThat(errorOf(outcomes.get("both"))).isEqualTo(InvalidRequestException.class);
        MetadataImage after = apply(image, decision.records());
        assertThat(after.topic("good").orElseThrow().partitions().get(0).replicas()).containsExactly(3, 1);
        assertThat(after.topic("good").orElseThrow().partitions().get(1).leader()).isEqualTo(2);
    }

    @Test
    void deletesTopicsById() throws Exception {
        MetadataImage image = brokers(1);
        Decision<Map<String, TopicOutcome>> created = controller.createTopics(image, List.of(topic("t", 2, 1)), false);
        image = apply(image, created.records());
        Uuid id = created.result().get("t").topicId();
        Uuid unknown = Uuid.randomUuid();
        Decision<Map<Uuid, TopicOutcome>> deleted = controller.deleteTopics(image, List.of(id, unknown));
        assertThat(deleted.result().get(id).name()).isEqualTo("t");
        assertThat(deleted.result().get(id).error()).isEmpty();
        assertThat(errorOf(deleted.result().get(unknown))).isEqualTo(UnknownTopicIdException.class);
        assertThat(apply(image, deleted.records()).topicsById()).isEmpty();
    }

    @Test
    void createsPartitionsOnlyUpwards() throws Exception {
        MetadataImage image = brokers(1, 2);
        image = apply(image, controller.createTopics(image, List.of(topic("t", 2, 2)), false).records());
        Decision<Map<String, TopicOutcome>> decision = controller.createPartitions(image,
                Map.of("t", 5, "missing", 3), false);
        assertThat(decision.result().get("t").error()).isEmpty();
        assertThat(errorOf(decision.result().get("missing"))).isEqualTo(UnknownTopicOrPartitionException.class);
        MetadataImage after = apply(image, decision.records());
        assertThat(after.topic("t").orElseThrow().partitions()).hasSize(5)
                .allSatisfy((p, state) -> assertThat(state.replicas()).hasSize(2));
        assertThat(errorOf(controller.createPartitions(after, Map.of("t", 5), false).result().get("t")))
                .isEqualTo(InvalidPartitionsException.class);
        assertThat(errorOf(controller.createPartitions(after, Map.of("t", 2), false).result().get("t")))
                .isEqualTo(InvalidPartitionsException.class);
        assertThat(controller.createPartitions(after, Map.of("t", 9), true).records()).isEmpty();
    }

    @Test
    void aCreatePartitionsRequestForMoreThanTenThousandNewPartitionsFailsAsAWhole() throws Exception {
        MetadataImage image = brokers(1);
        image = apply(image, controller.createTopics(image, List.of(topic("a", 100, 1), topic("b", 1, 1)), false)
                .records());
        // Existing partitions do not count: a to 5,100 and b to 5,001 is 10,000 new ones, the most allowed.
        Decision<Map<String, TopicOutcome>> atTheLimit = controller.createPartitions(image,
                Map.of("a", 5_100, "b", 5_001), true);
        assertThat(atTheLimit.result().values()).allSatisfy(o -> assertThat(o.error()).isEmpty());

        Map<String, Integer> tooMany = new java.util.LinkedHashMap<>();
        tooMany.put("a", 5_101);
        tooMany.put("b", 5_001);
        tooMany.put("missing", 3);
        Decision<Map<String, TopicOutcome>> refused = controller.createPartitions(image, tooMany, false);
        assertThat(refused.records()).isEmpty();
        assertThat(refused.result()).hasSize(3).allSatisfy((name, o) -> {
            assertThat(errorOf(o)).isEqualTo(PolicyViolationException.class);
            assertThat(o.error().get().getMessage()).isEqualTo("Excessively large number of partitions per request.");
        });

        // Counts near Integer.MAX_VALUE must not wrap around to a small total.
        Decision<Map<String, TopicOutcome>> huge = controller.createPartitions(image,
                Map.of("a", Integer.MAX_VALUE, "b", Integer.MAX_VALUE), false);
        assertThat(huge.records()).isEmpty();
        assertThat(huge.result().values()).allSatisfy(o -> assertThat(errorOf(o))
                .isEqualTo(PolicyViolationException.class));
    }

    @Test
    void altersConfigsWithNullMeaningDelete() throws Exception {
        MetadataImage image = brokers(1);
        Map<String, String> changes = new HashMap<>();
        changes.put("a", "1");
        changes.put("b", null);
        ConfigResourceKey broker = new ConfigResourceKey(ConfigResourceKey.Type.BROKER, "1");
        assertThat(controller.alterConfigs(image, broker, changes).records()).containsExactlyInAnyOrder(
                new ConfigRecord(ConfigResourceKey.Type.BROKER, "1", "a", Optional.of("1")),
                new ConfigRecord(ConfigResourceKey.Type.BROKER, "1", "b", Optional.empty()));
        assertThatThrownBy(() -> controller.alterConfigs(image,
                new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, "missing"), Map.of("a", "1")))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void allocatesConsecutiveProducerIdBlocks() throws Exception {
        MetadataImage image = brokers(1);
        Decision<ProducerIdBlock> first = controller.allocateProducerIds(image, 1);
        image = apply(image, first.records());
        Decision<ProducerIdBlock> second = controller.allocateProducerIds(image, 2);
        assertThat(first.result()).isEqualTo(new ProducerIdBlock(1, 0, 1000));
        assertThat(second.result()).isEqualTo(new ProducerIdBlock(2, 1000, 1000));
        assertThat(apply(image, second.records()).nextProducerId()).isEqualTo(2000);
    }
}
