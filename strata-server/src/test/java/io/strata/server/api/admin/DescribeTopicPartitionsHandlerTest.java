package io.strata.server.api.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.NewTopic;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.RequestContext;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DescribeTopicPartitionsHandlerTest {

    private static final String LISTENER = "PLAINTEXT";

    private final ControllerQuorum quorum = new ControllerQuorum();

    private DescribeTopicPartitionsHandlerTest() {
        for (int id = 1; id <= 3; id++) {
            register(id, false);
        }
        quorum.createTopics(List.of(topic("b", 2, 3), topic("a", 3, 2), topic("c", 1, 1)), false).join();
    }

    private void register(int id, boolean fenced) {
        quorum.registerBroker(new BrokerRegistration(id, Uuid.randomUuid(), List.of(new BrokerRegistration.Endpoint(
                LISTENER, "127.0.0.1", 9000 + id, "PLAINTEXT")), Optional.empty(), fenced)).join();
    }

    private static NewTopic topic(String name, int partitions, int rf) {
        return new NewTopic(name, partitions, (short) rf, Map.of(), Map.of());
    }

    private DescribeTopicPartitionsResponseData describe(DescribeTopicPartitionsRequestData data) {
        return describe(new DescribeTopicPartitionsHandler(1, quorum, tp -> false, 2000), data);
    }

    private static DescribeTopicPartitionsResponseData describe(DescribeTopicPartitionsHandler handler,
                                                                DescribeTopicPartitionsRequestData data) {
        RequestContext context = new RequestContext(new RequestHeader(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, (short) 0,
                "c", 1), new ConnectionInfo("c1", LISTENER, new InetSocketAddress("127.0.0.1", 5555)));
        return (DescribeTopicPartitionsResponseData) handler.handle(context,
                new DescribeTopicPartitionsRequest.Builder(data).build((short) 0));
    }

    private static DescribeTopicPartitionsRequestData request(int limit, String cursorTopic, int cursorPartition,
                                                              String... topics) {
        DescribeTopicPartitionsRequestData data = new DescribeTopicPartitionsRequestData()
                .setResponsePartitionLimit(limit);
        for (String t : topics) {
            data.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName(t));
        }
        if (cursorTopic != null) {
            data.setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName(cursorTopic)
                    .setPartitionIndex(cursorPartition));
        }
        return data;
    }

    /** The response's partitions as "topic-partition" strings, in order. */
    private static List<String> partitions(DescribeTopicPartitionsResponseData response) {
        return response.topics().stream().flatMap(t -> t.partitions().stream()
                .map(p -> t.name() + "-" + p.partitionIndex())).toList();
    }

    @Test
    void describesEveryTopicInNameOrderAsTheMetadataHasIt() {
        DescribeTopicPartitionsResponseData response = describe(request(2000, null, 0));
        assertThat(response.topics().stream().map(DescribeTopicPartitionsResponseTopic::name))
                .containsExactly("a", "b", "c");
        assertThat(response.nextCursor()).isNull();
        DescribeTopicPartitionsResponseTopic b = response.topics().find("b");
        assertThat(b.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(b.topicId()).isEqualTo(quorum.image().topic("b").orElseThrow().id());
        assertThat(b.isInternal()).isFalse();
        assertThat(b.partitions()).hasSize(2).allSatisfy(p -> {
            var image = quorum.image().topic("b").orElseThrow().partitions().get(p.partitionIndex());
            assertThat(p.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(p.leaderId()).isEqualTo(image.leader());
            assertThat(p.leaderEpoch()).isEqualTo(image.leaderEpoch());
            assertThat(p.replicaNodes()).isEqualTo(image.replicas()).hasSize(3);
            assertThat(p.isrNodes()).isEqualTo(image.isr());
            assertThat(p.eligibleLeaderReplicas()).isEmpty();
            assertThat(p.lastKnownElr()).isEmpty();
            assertThat(p.offlineReplicas()).isEmpty();
        });
    }

    @Test
    void pagesWithTheCursorAsKafkaDoes() {
        DescribeTopicPartitionsResponseData page = describe(request(2, null, 0));
        assertThat(partitions(page)).containsExactly("a-0", "a-1");
        assertThat(page.nextCursor().topicName()).isEqualTo("a");
        assertThat(page.nextCursor().partitionIndex()).isEqualTo(2);

        page = describe(request(2, "a", 2));
        assertThat(partitions(page)).containsExactly("a-2", "b-0");
        assertThat(page.nextCursor().topicName()).isEqualTo("b");
        assertThat(page.nextCursor().partitionIndex()).isEqualTo(1);

        // the limit is reached exactly at the end of a topic: the cursor names the next topic's first partition
        page = describe(request(1, "b", 1));
        assertThat(partitions(page)).containsExactly("b-1");
        assertThat(page.nextCursor().topicName()).isEqualTo("c");
        assertThat(page.nextCursor().partitionIndex()).isZero();

        page = describe(request(1, "c", 0));
        assertThat(partitions(page)).containsExactly("c-0");
        assertThat(page.nextCursor()).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
    void followingTheCursorsListsEveryPartitionOnceInOrder(int limit) {
        List<String> all = partitions(describe(request(2000, null, 0)));
        assertThat(all).hasSize(6);
        List<String> paged = new ArrayList<>();
        DescribeTopicPartitionsResponseData page = describe(request(limit, null, 0));
        for (int pages = 1; ; pages++) {
            assertThat(partitions(page)).hasSizeLessThanOrEqualTo(limit);
            paged.addAll(partitions(page));
            if (page.nextCursor() == null) {
                break;
            }
            assertThat(pages).isLessThan(all.size());
            page = describe(request(limit, page.nextCursor().topicName(), page.nextCursor().partitionIndex()));
        }
        assertThat(paged).isEqualTo(all);
    }

    @Test
    void theNodesLimitCapsTheRequestsLimit() {
        DescribeTopicPartitionsHandler handler = new DescribeTopicPartitionsHandler(1, quorum, tp -> false, 3);
        DescribeTopicPartitionsResponseData page = describe(handler, request(2000, null, 0, "c", "a"));
        assertThat(partitions(page)).containsExactly("a-0", "a-1", "a-2");
        assertThat(page.nextCursor().topicName()).isEqualTo("c");
    }

    @Test
    void namedTopicsThatDoNotExistAreAnsweredWithTheirErrorAndACursorOutsideTheListIsInvalid() {
        DescribeTopicPartitionsResponseData response = describe(request(2000, null, 0, "c", "missing", "bad/name"));
        assertThat(response.topics().find("c").partitions()).hasSize(1);
        assertThat(response.topics().find("missing").errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(response.topics().find("missing").topicId()).isEqualTo(Uuid.ZERO_UUID);
        assertThat(response.topics().find("bad/name").errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
        // listing every topic leaves the unknown ones out, as there are none to name
        assertThat(describe(request(2000, "zzz", 0)).topics()).isEmpty();

        assertThatThrownBy(() -> describe(request(2000, "a", 0, "b", "c")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("cursor topic: a");
    }

    @Test
    void reportsReplicasOnFencedBrokersAndUnusableLocalLogsAsOffline() {
        register(3, true); // a new incarnation of broker 3 that is fenced
        // "a" has three partitions placed round-robin over the three brokers: exactly one is led by this node (1)
        int ledHere = quorum.image().topic("a").orElseThrow().partitions().entrySet().stream()
                .filter(e -> e.getValue().leader() == 1).findFirst().orElseThrow().getKey();
        Predicate<TopicPartition> offlineHere = Set.of(new TopicPartition("a", ledHere))::contains;
        DescribeTopicPartitionsHandler handler = new DescribeTopicPartitionsHandler(1, quorum, offlineHere, 2000);
        DescribeTopicPartitionsResponseData response = describe(handler, request(2000, null, 0, "a", "b"));

        assertThat(response.topics().find("b").partitions()).allSatisfy(p -> {
            assertThat(p.offlineReplicas()).containsExactly(3);
            assertThat(p.errorCode()).isEqualTo(Errors.NONE.code());
        });
        DescribeTopicPartitionsResponsePartition local = response.topics().find("a").partitions().get(ledHere);
        assertThat(local.offlineReplicas()).contains(1);
        assertThat(local.errorCode()).isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
        assertThat(local.leaderId()).isEqualTo(-1);
    }
}
