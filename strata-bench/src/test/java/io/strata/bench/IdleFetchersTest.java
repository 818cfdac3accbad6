package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
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
        broker = new FakeBroker(Errors.NONE);
        Queue<String> failures = new ConcurrentLinkedQueue<>();

        IdleFetchers fetchers = IdleFetchers.start("127.0.0.1", broker.port(), "idle", 3, 30, Duration.ofSeconds(30),
                failures::add);

        assertThat(broker.connections.get()).isEqualTo(30);
        assertThat(fetchers.fetches()).isGreaterThanOrEqualTo(30);
        await().atMost(Duration.ofSeconds(30)).until(() -> fetchers.fetches() >= 90); // they keep polling
        assertThat(broker.fetchesByPartition).containsOnlyKeys(0, 1, 2);
        assertThat(broker.maxWaitMs).containsOnly(IdleFetchers.MAX_WAIT_MS);
        fetchers.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.closed.get() == 30);
        assertThat(failures).isEmpty();
    }

    @Test
    void anErrorInTheFirstResponseFailsTheStartAtOnce() throws Exception {
        broker = new FakeBroker(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        Queue<String> failures = new ConcurrentLinkedQueue<>();

        assertThatThrownBy(() -> IdleFetchers.start("127.0.0.1", broker.port(), "idle", 1, 5,
                Duration.ofMinutes(5), failures::add))
                .isInstanceOf(IOException.class)
                .hasMessage("idle fetch partition 0: UNKNOWN_TOPIC_OR_PARTITION");
        assertThat(failures).containsExactly("idle fetch partition 0: UNKNOWN_TOPIC_OR_PARTITION");
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.closed.get() == 5);
    }

    /**
     * Answers every Fetch (v12) after a short wait with no records and the given error for each partition, counts
     * the connections it accepted and saw closed, and which partitions and max waits were asked for.
     */
    private static final class FakeBroker implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final Map<Integer, Integer> fetchesByPartition = new ConcurrentHashMap<>();
        final Queue<Integer> maxWaitMs = new ConcurrentLinkedQueue<>();
        private final ServerSocketChannel server;
        private final Errors error;
        private final Thread acceptor;

        FakeBroker(Errors error) throws IOException {
            this.error = error;
            server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 100);
            acceptor = Thread.ofVirtual().start(this::accept);
        }

        int port() throws IOException {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        }

        private void accept() {
            try {
                while (true) {
                    SocketChannel s = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void serve(SocketChannel s) {
            try (s) {
                ResponseReader in = new ResponseReader(s, 1024);
                while (true) {
                    ByteBuffer request = in.next();
                    RequestHeader header = RequestHeader.parse(request);
                    FetchRequestData fetch = new FetchRequestData(new ByteBufferAccessor(request),
                            header.apiVersion());
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
                    ByteBuffer body = RequestUtils.serialize(header.toResponseHeader().data(),
                            ApiKeys.FETCH.responseHeaderVersion(header.apiVersion()), response, header.apiVersion());
                    ByteBuffer framed = ByteBuffer.allocate(4 + body.remaining()).putInt(body.remaining()).put(body);
                    framed.flip();
                    while (framed.hasRemaining()) {
                        s.write(framed);
                    }
                }
            } catch (IOException | InterruptedException e) {
                closed.incrementAndGet();
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join();
        }
    }
}
