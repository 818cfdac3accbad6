package io.strata.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.cluster.LogConfigResolver;
import io.strata.server.cluster.QuorumWaiter;
import io.strata.server.cluster.TopicService;
import io.strata.server.network.ConnectionInfo;
import io.strata.storage.LogConfig;
import java.net.InetSocketAddress;
import java.util.stream.Collectors;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class CreateTopicsHandlerTest {

    private static final int DEFAULT_PARTITIONS = 20;

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(1);
    private final CreateTopicsHandler handler = new CreateTopicsHandler(quorum,
            new TopicService(quorum, DEFAULT_PARTITIONS, (short) 1, QuorumWaiter.withoutPublishing(5_000)),
            new LogConfigResolver(LogConfig.KEYS.stream().collect(Collectors.toMap(LogConfig.Key::name,
                    LogConfig.Key::defaultValue))),
            DEFAULT_PARTITIONS, new PartitionAdmission(PartitionAdmissionTest.roomForThirtyFourPartitions()));

    private CreateTopicsResponseData create(CreateTopicsRequestData.CreatableTopic... topics) {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(5_000);
        for (CreateTopicsRequestData.CreatableTopic topic : topics) {
            data.topics().add(topic);
        }
        RequestContext context = new RequestContext(new RequestHeader(ApiKeys.CREATE_TOPICS, (short) 7, "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        return (CreateTopicsResponseData) handler.handle(context, new CreateTopicsRequest.Builder(data)
                .build((short) 7));
    }

    private static CreateTopicsRequestData.CreatableTopic topic(String name, int partitions) {
        return new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor((short) -1);
    }

    @Test
    void createsWhatTheNodeHasDescriptorsFor() {
        CreateTopicsResponseData response = create(topic("a", 14), topic("b", -1));
        assertThat(response.topics()).allSatisfy(t -> assertThat(t.errorCode()).isEqualTo(Errors.NONE.code()));
        assertThat(quorum.image().topic("b").orElseThrow().partitions()).hasSize(DEFAULT_PARTITIONS);
    }

    @Test
    void refusesTheWholeRequestWhenTheNodeLacksDescriptorsCountingDefaultPartitions() {
        // 15 + the default 20 = 35 partitions: one more than there are descriptors for.
        CreateTopicsResponseData response = create(topic("a", 15), topic("b", -1));
        assertThat(response.topics()).hasSize(2).allSatisfy(t -> {
            assertThat(t.errorCode()).isEqualTo(Errors.POLICY_VIOLATION.code());
            assertThat(t.errorMessage()).contains("Not enough file descriptors");
        });
        assertThat(quorum.writes()).isZero();
        assertThat(quorum.image().topicsByName()).isEmpty();
    }

    @Test
    void aRequestOverKafkasCapGetsKafkasMessage() {
        CreateTopicsResponseData response = create(topic("a", 10_000), topic("b", 1));
        assertThat(response.topics()).hasSize(2).allSatisfy(t -> {
            assertThat(t.errorCode()).isEqualTo(Errors.POLICY_VIOLATION.code());
            assertThat(t.errorMessage()).isEqualTo("Excessively large number of partitions per request.");
        });
        assertThat(quorum.image().topicsByName()).isEmpty();
    }
}
