package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.tools.TopicCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata by topic id (Metadata v10+ naming topics by id), as the Admin client's
 * {@code describeTopics(TopicCollection.ofTopicIds(...))} and {@code kafka-topics --describe --topic-id} use it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicIdMetadataIT {

    private TestNode node;
    private Admin admin;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        node = TestNode.start(dir);
        admin = Clients.admin(node.bootstrap());
        admin.createTopics(List.of(new NewTopic("by-id", 3, (short) 1), new NewTopic("other", 1, (short) 1)))
                .all().get();
    }

    @AfterAll
    void stop() {
        admin.close();
        node.close();
    }

    @Test
    void adminDescribesTopicsByIdWithTheirNames() throws Exception {
        Uuid byId = admin.describeTopics(List.of("by-id")).allTopicNames().get().get("by-id").topicId();
        Uuid other = admin.describeTopics(List.of("other")).allTopicNames().get().get("other").topicId();

        Map<Uuid, TopicDescription> described = admin.describeTopics(TopicCollection.ofTopicIds(List.of(byId, other)))
                .allTopicIds().get();

        assertThat(described).containsOnlyKeys(byId, other);
        assertThat(described.get(byId).name()).isEqualTo("by-id");
        assertThat(described.get(byId).topicId()).isEqualTo(byId);
        assertThat(described.get(byId).partitions()).hasSize(3)
                .allSatisfy(p -> assertThat(p.leader().id()).isEqualTo(1));
        assertThat(described.get(other).name()).isEqualTo("other");
    }

    @Test
    void anUnknownIdIsUnknownTopicId() {
        Uuid unknown = Uuid.randomUuid();
        assertThatThrownBy(() -> admin.describeTopics(TopicCollection.ofTopicIds(List.of(unknown))).allTopicIds()
                .get()).hasCauseInstanceOf(UnknownTopicIdException.class);
    }

    @Test
    void rawMetadataByIdAnswersNamesAndIdsFromV12AndRefusesIdsBefore() throws Exception {
        Uuid byId = admin.describeTopics(List.of("by-id")).allTopicNames().get().get("by-id").topicId();
        Uuid unknown = Uuid.randomUuid();
        try (RawClient raw = new RawClient(node.port())) {
            MetadataResponse v12 = raw.request(new MetadataRequest(byIds(byId, unknown), (short) 12));
            assertThat(v12.data().topics()).hasSize(2);
            MetadataResponseData.MetadataResponseTopic known = v12.data().topics().stream()
                    .filter(t -> t.topicId().equals(byId)).findFirst().orElseThrow();
            assertThat(known.name()).isEqualTo("by-id");
            assertThat(known.errorCode()).isZero();
            assertThat(known.partitions()).hasSize(3);
            MetadataResponseData.MetadataResponseTopic missing = v12.data().topics().stream()
                    .filter(t -> t.topicId().equals(unknown)).findFirst().orElseThrow();
            assertThat(missing.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(missing.name()).isNull();

            MetadataResponse v11 = raw.request(new MetadataRequest(byIds(byId), (short) 11));
            assertThat(v11.data().topics()).allSatisfy(t ->
                    assertThat(t.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code()));
        }
    }

    private static MetadataRequestData byIds(Uuid... ids) {
        MetadataRequestData data = new MetadataRequestData().setAllowAutoTopicCreation(false);
        for (Uuid id : ids) {
            data.topics().add(new MetadataRequestData.MetadataRequestTopic().setTopicId(id).setName(null));
        }
        return data;
    }

    @Test
    void kafkaTopicsDescribesByTopicId() throws Exception {
        Uuid byId = admin.describeTopics(List.of("by-id")).allTopicNames().get().get("by-id").topicId();
        InProcessTool described = InProcessTool.run(() -> TopicCommand.main("--bootstrap-server", node.bootstrap(),
                "--describe", "--topic-id", byId.toString()));
        assertThat(described.status()).as(described.err()).isZero();
        assertThat(described.out()).contains("Topic: by-id", "TopicId: " + byId, "PartitionCount: 3",
                "Partition: 2", "Leader: 1");
    }
}
