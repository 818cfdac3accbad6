package io.strata.server.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.api.RequestContext;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListTransactionsHandlerTest {

    private final TxnTestKit kit = new TxnTestKit();
    private final ListTransactionsHandler handler = new ListTransactionsHandler(kit.coordinator);

    @BeforeEach
    void transactions() {
        kit.coordinator.initProducerId("idle", TxnTestKit.TIMEOUT_MS, -1, (short) -1);
        var open = kit.coordinator.initProducerId("open", TxnTestKit.TIMEOUT_MS, -1, (short) -1);
        kit.coordinator.addPartitions("open", open.producerId(), open.producerEpoch(),
                Set.of(new TopicPartition("a", 0)));
        kit.time.sleep(5000);
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private ListTransactionsResponseData list(short version, ListTransactionsRequestData data) {
        RequestContext context = new RequestContext(new RequestHeader(ApiKeys.LIST_TRANSACTIONS, version, "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        return (ListTransactionsResponseData) handler.handle(context,
                new ListTransactionsRequest.Builder(data).build(version));
    }

    private static List<String> ids(ListTransactionsResponseData response) {
        return response.transactionStates().stream().map(ListTransactionsResponseData.TransactionState::transactionalId)
                .sorted().toList();
    }

    @Test
    void filtersByStateProducerIdDurationAndPattern() {
        assertThat(ids(list((short) 0, new ListTransactionsRequestData()))).containsExactly("idle", "open");
        assertThat(ids(list((short) 0, new ListTransactionsRequestData().setStateFilters(List.of("Ongoing")))))
                .containsExactly("open");
        assertThat(ids(list((short) 0, new ListTransactionsRequestData().setProducerIdFilters(List.of(1000L)))))
                .containsExactly("idle");
        assertThat(ids(list((short) 1, new ListTransactionsRequestData().setDurationFilter(4999))))
                .containsExactly("open");
        assertThat(ids(list((short) 1, new ListTransactionsRequestData().setDurationFilter(5000)))).isEmpty();
        assertThat(ids(list((short) 2, new ListTransactionsRequestData().setTransactionalIdPattern("id.*"))))
                .containsExactly("idle");
    }

    @Test
    void unknownStatesAreEchoedAndBadPatternsRefused() {
        ListTransactionsResponseData unknown = list((short) 0,
                new ListTransactionsRequestData().setStateFilters(List.of("Sleeping")));
        assertThat(unknown.unknownStateFilters()).containsExactly("Sleeping");
        assertThat(unknown.transactionStates()).isEmpty();
        assertThat(list((short) 2, new ListTransactionsRequestData().setTransactionalIdPattern("(")).errorCode())
                .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION.code());
    }
}
