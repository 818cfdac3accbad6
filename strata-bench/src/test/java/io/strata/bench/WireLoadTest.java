package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class WireLoadTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theSummaryLineCarriesTheHistogramsPercentilesInMicrosecondsAndParsesBack() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 990; i++) {
            h.recordNanos(200_000); // 200 us
        }
        for (int i = 0; i < 10; i++) {
            h.recordNanos(30_000_000); // 30 ms
        }

        String line = WireLoad.summary(1_000_000, 1_048_576_000, 2.0, h);

        assertThat(line).startsWith("WIRE records=1000000 bytes=1048576000 secs=2.000 rate=500000.0 mibps=500.00"
                + " p50=200 p99=200 p999=30");
        ToolOutput.WireSummary s = ToolOutput.wire(line).orElseThrow();
        assertThat(s.p50Us()).isEqualTo(200);
        assertThat(s.p999Us()).isBetween(30_000L, 30_030L);
    }

    @Test
    void everyConnectionNumbersItsOwnRequestsAndEveryResponseIsTimed() throws Exception {
        Map<Integer, List<Integer>> correlationIds = new ConcurrentHashMap<>();
        try (FakeBroker broker = new FakeBroker((connection, header, body) -> {
            correlationIds.computeIfAbsent(connection, c -> new CopyOnWriteArrayList<>()).add(header.correlationId());
            return produceResponse(Errors.NONE);
        })) {
            // 4 connections x 5 in flight sharing one encoded request: 2,000 requests of 2 partitions x 10 records.
            WireLoad.Outcome o = WireLoad.run(produce(broker.port(), 40_000, 0, Optional.empty()));

            assertThat(o.failure()).isEmpty();
            assertThat(o.records()).isEqualTo(40_000);
            assertThat(o.bytes()).isEqualTo(40_000 * 100);
            assertThat(o.latencies().count()).isEqualTo(2_000);
            // A response matched to another connection's send time (or to none) would be absurdly late.
            assertThat(o.latencies().percentiles().maxNanos()).isLessThan(60 * SECOND);
            assertThat(correlationIds).hasSize(4);
            correlationIds.values().forEach(ids -> {
                for (int i = 0; i < ids.size(); i++) {
                    assertThat(ids.get(i)).as("request %d of a connection", i).isEqualTo(i);
                }
            });
            assertThat(o.idleFetches()).isEmpty();
        }
    }

    @Test
    void anErrorCodeInAnyPartitionFailsTheRun() throws Exception {
        try (FakeBroker broker = new FakeBroker((connection, header, body) ->
                produceResponse(Errors.NOT_LEADER_OR_FOLLOWER))) {
            WireLoad.Outcome o = WireLoad.run(produce(broker.port(), 1_000, 0, Optional.empty()));

            assertThat(o.failure()).hasValueSatisfying(f ->
                    assertThat(f).contains("produce partition 0: NOT_LEADER_OR_FOLLOWER"));
        }
    }

    @Test
    void atATargetRateTheRequestsFollowTheScheduleAndIdleFetchersRunAlongside() throws Exception {
        try (FakeBroker broker = new FakeBroker(WireLoadTest::produceOrIdleFetch)) {
            // 40 requests at 200/s over 4 connections: each connection's 10th request is due 90 ms after its 1st.
            WireLoad.Outcome o = WireLoad.run(produce(broker.port(), 800, 200,
                    Optional.of(new WireArgs.Idle(10, "idle", 3))));

            assertThat(o.failure()).isEmpty();
            assertThat(o.latencies().count()).isEqualTo(40);
            assertThat(o.secs()).isGreaterThanOrEqualTo(0.09);
            assertThat(o.idleFetches().orElseThrow()).isGreaterThanOrEqualTo(10);
            assertThat(broker.connections.get()).isEqualTo(14);
        }
    }

    private static WireArgs produce(int port, long records, double rate, Optional<WireArgs.Idle> idle) {
        return new WireArgs(WireArgs.Mode.PRODUCE, "127.0.0.1", port, "t", 2, 100, 10, (short) 1, 4, 5, records, rate,
                idle);
    }

    private static ApiMessage produceOrIdleFetch(int connection, RequestHeader header, ByteBuffer body)
            throws InterruptedException {
        if (header.apiKey() == ApiKeys.PRODUCE) {
            return produceResponse(Errors.NONE);
        }
        FetchRequestData fetch = new FetchRequestData(new ByteBufferAccessor(body), header.apiVersion());
        FetchResponseData.FetchableTopicResponse t = new FetchResponseData.FetchableTopicResponse()
                .setTopic(fetch.topics().get(0).topic());
        t.partitions().add(new FetchResponseData.PartitionData()
                .setPartitionIndex(fetch.topics().get(0).partitions().get(0).partition())
                .setRecords(MemoryRecords.EMPTY));
        FetchResponseData response = new FetchResponseData();
        response.responses().add(t);
        Thread.sleep(5); // nothing arrives
        return response;
    }

    private static ProduceResponseData produceResponse(Errors error) {
        ProduceResponseData.TopicProduceResponse t = new ProduceResponseData.TopicProduceResponse().setName("t");
        t.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(0)
                .setErrorCode(error.code()));
        t.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(1));
        ProduceResponseData data = new ProduceResponseData();
        data.responses().add(t);
        return data;
    }
}
