package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdleFetchersTest {

    private FakeBroker broker;

    @AfterEach
    void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyFetcherIsParkedBeforeStartReturnsAndKeepsPollingItsPartitionUntilClosed() throws Exception {
        Map<Integer, Integer> fetchesByPartition = new ConcurrentHashMap<>();
        Queue<Integer> maxWaitMs = new ConcurrentLinkedQueue<>();
        broker = fetchBroker(Errors.NONE, fetchesByPartition, maxWaitMs);
        Queue<String> failures = new ConcurrentLinkedQueue<>();

        IdleFetchers fetchers = IdleFetchers.start("127.0.0.1", broker.port(), "idle", 3, 30, Duration.ofSeconds(30),
                failures::add);

        assertThat(broker.connections.get()).isEqualTo(30);
        assertThat(fetchers.fetches()).isGreaterThanOrEqualTo(30);
        await().atMost(Duration.ofSeconds(30)).until(() -> fetchers.fetches() >= 90); // they keep polling
        assertThat(fetchesByPartition).containsOnlyKeys(0, 1, 2);
        assertThat(maxWaitMs).containsOnly(IdleFetchers.MAX_WAIT_MS);
        fetchers.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.closed.get() == 30);
        assertThat(failures).isEmpty();
    }

    @Test
    void anErrorInTheFirstResponseFailsTheStartAtOnce() throws Exception {
        broker = fetchBroker(Errors.UNKNOWN_TOPIC_OR_PARTITION, new ConcurrentHashMap<>(),
                new ConcurrentLinkedQueue<>());
        Queue<String> failures = new ConcurrentLinkedQueue<>();

        assertThatThrownBy(() -> IdleFetchers.start("127.0.0.1", broker.port(), "idle", 1, 5,
                Duration.ofMinutes(5), failures::add))
                .isInstanceOf(IOException.class)
                .hasMessage("idle fetch partition 0: UNKNOWN_TOPIC_OR_PARTITION");
        assertThat(failures).containsExactly("idle fetch partition 0: UNKNOWN_TOPIC_OR_PARTITION");
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.closed.get() == 5);
    }

    /**
     * A broker that answers every Fetch after a short wait with no records and {@code error} for each partition,
     * noting which partitions and max waits were asked for.
     */
    private static FakeBroker fetchBroker(Errors error, Map<Integer, Integer> fetchesByPartition,
                                          Queue<Integer> maxWaitMs) throws IOException {
        return new FakeBroker((connection, header, body) -> {
            FetchRequestData fetch = new FetchRequestData(new ByteBufferAccessor(body), header.apiVersion());
            maxWaitMs.add(fetch.maxWaitMs());
            FetchResponseData response = new FetchResponseData();
            for (FetchRequestData.FetchTopic t : fetch.topics()) {
                FetchResponseData.FetchableTopicResponse tr = new FetchResponseData.FetchableTopicResponse()
                        .setTopic(t.topic());
                for (FetchRequestData.FetchPartition p : t.partitions()) {
                    fetchesByPartition.merge(p.partition(), 1, Integer::sum);
                    tr.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(p.partition())
                            .setErrorCode(error.code()).setHighWatermark(0).setRecords(MemoryRecords.EMPTY));
                }
                response.responses().add(tr);
            }
            Thread.sleep(10); // a (short) long poll: nothing arrives
            return response;
        });
    }
}
