package io.strata.server.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.NewTopic;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.RequestContext;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AddPartitionsToTxnHandlerTest {

    private final TxnTestKit kit = new TxnTestKit();
    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(1);
    private final AddPartitionsToTxnHandler handler = new AddPartitionsToTxnHandler(kit.coordinator, quorum);

    @AfterEach
    void close() {
        kit.close();
    }

    private Map<TopicPartition, Errors> add(short version, long producerId, short epoch, TopicPartition... tps) {
        AddPartitionsToTxnRequest request = AddPartitionsToTxnRequest.Builder.forClient("t", producerId, epoch,
                List.of(tps)).build(version);
        RequestContext context = new RequestContext(new RequestHeader(ApiKeys.ADD_PARTITIONS_TO_TXN, version, "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        AddPartitionsToTxnResponseData response = (AddPartitionsToTxnResponseData) handler.handle(context, request);
        return AddPartitionsToTxnResponse.errorsForTransaction(response.resultsByTopicV3AndBelow());
    }

    @Test
    void partitionsAreAddedOrTheUnknownOnesNamed() {
        quorum.createTopics(List.of(new NewTopic("a", 2, (short) 1, Map.of(), Map.of())), false).join();
        var init = kit.coordinator.initProducerId("t", TxnTestKit.TIMEOUT_MS, -1, (short) -1);
        TopicPartition a0 = new TopicPartition("a", 0);
        TopicPartition a5 = new TopicPartition("a", 5);
        TopicPartition x0 = new TopicPartition("x", 0);

        assertThat(add((short) 3, init.producerId(), init.producerEpoch(), a0, a5, x0)).isEqualTo(Map.of(
                a0, Errors.OPERATION_NOT_ATTEMPTED, a5, Errors.UNKNOWN_TOPIC_OR_PARTITION,
                x0, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        assertThat(add((short) 3, init.producerId(), init.producerEpoch(), a0)).isEqualTo(Map.of(a0, Errors.NONE));
        assertThat(kit.store.latest("t").orElseThrow().partitions()).containsExactly(a0);
    }

    @Test
    void olderVersionsAreToldInvalidProducerEpochInsteadOfProducerFenced() {
        quorum.createTopics(List.of(new NewTopic("a", 1, (short) 1, Map.of(), Map.of())), false).join();
        var init = kit.coordinator.initProducerId("t", TxnTestKit.TIMEOUT_MS, -1, (short) -1);
        kit.coordinator.initProducerId("t", TxnTestKit.TIMEOUT_MS, -1, (short) -1);
        TopicPartition a0 = new TopicPartition("a", 0);
        assertThat(add((short) 1, init.producerId(), init.producerEpoch(), a0))
                .isEqualTo(Map.of(a0, Errors.INVALID_PRODUCER_EPOCH));
        assertThat(add((short) 2, init.producerId(), init.producerEpoch(), a0))
                .isEqualTo(Map.of(a0, Errors.PRODUCER_FENCED));
    }
}
