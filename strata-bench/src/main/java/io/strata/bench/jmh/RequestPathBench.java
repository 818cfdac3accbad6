package io.strata.bench.jmh;

import io.strata.server.api.RequestDispatcher;
import io.strata.server.network.ConnectionInfo;
import io.strata.server.network.RequestChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request parse and response write through Strata's {@link RequestDispatcher}: a request frame in, header and
 * body parsed, version checked, handler called, response serialised and written out. The handlers return fixed
 * responses so that only the protocol path is measured; the "write" is to a channel that discards the bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class RequestPathBench {

    private final ConnectionInfo connection = new ConnectionInfo("jmh", "PLAINTEXT",
            new InetSocketAddress("127.0.0.1", 50000));
    private final DiscardChannel sink = new DiscardChannel();
    private RequestDispatcher dispatcher;
    private ByteBuffer produceFrame;
    private ByteBuffer fetchFrame;

    @Setup
    public void setUp() {
        Uuid topicId = Uuid.randomUuid();
        MemoryRecords batch = MemoryRecords.readableRecords(LogFixture.batch(16, 1024));
        ProduceResponseData produceResponse = new ProduceResponseData();
        produceResponse.responses().add(new ProduceResponseData.TopicProduceResponse().setTopicId(topicId)
                .setPartitionResponses(List.of(new ProduceResponseData.PartitionProduceResponse().setIndex(0)
                        .setBaseOffset(1234))));
        FetchResponseData fetchResponse = new FetchResponseData().setResponses(List.of(
                new FetchResponseData.FetchableTopicResponse().setTopicId(topicId).setPartitions(List.of(
                        new FetchResponseData.PartitionData().setPartitionIndex(0).setHighWatermark(99_999)
                                .setRecords(batch)))));
        dispatcher = new RequestDispatcher()
                .register(ApiKeys.PRODUCE, 3, ApiKeys.PRODUCE.latestVersion(), (ctx, req) -> produceResponse)
                .register(ApiKeys.FETCH, 4, ApiKeys.FETCH.latestVersion(), (ctx, req) -> fetchResponse);

        ProduceRequestData produce = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000);
        produce.topicData().add(new ProduceRequestData.TopicProduceData().setTopicId(topicId).setPartitionData(
                List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch))));
        produceFrame = frame(new ProduceRequest.Builder(ApiKeys.PRODUCE.latestVersion(),
                ApiKeys.PRODUCE.latestVersion(), produce).build());
        FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(500).setMinBytes(1)
                .setMaxBytes(50 << 20).setTopics(List.of(new FetchRequestData.FetchTopic().setTopicId(topicId)
                        .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0)
                                .setFetchOffset(1000).setPartitionMaxBytes(1 << 20)))));
        fetchFrame = frame(new FetchRequest.SimpleBuilder(fetch).build(ApiKeys.FETCH.latestVersion()));
    }

    private static ByteBuffer frame(AbstractRequest request) {
        return request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(), "jmh", 1));
    }

    /** A 16 x 1 KiB produce request: parse, dispatch, and the ProduceResponse written out. */
    @Benchmark
    public long produce() throws IOException {
        return respond(dispatcher.handle(connection, produceFrame.duplicate()));
    }

    /** A one-partition fetch request: parse, dispatch, and a FetchResponse with 16 KiB of records written out. */
    @Benchmark
    public long fetch() throws IOException {
        return respond(dispatcher.handle(connection, fetchFrame.duplicate()));
    }

    private long respond(RequestChannel.Outcome outcome) throws IOException {
        if (!(outcome instanceof RequestChannel.Respond respond)) {
            throw new IllegalStateException("unexpected " + outcome);
        }
        Send send = respond.send();
        long written = 0;
        while (!send.completed()) {
            written += send.writeTo(sink);
        }
        return written;
    }

    /** Accepts every byte and keeps none: the cost of the write is the serialisation, not a socket. */
    static final class DiscardChannel implements TransferableChannel {
        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long transferFrom(FileChannel fileChannel, long position, long count) {
            return count;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += srcs[i].remaining();
                srcs[i].position(srcs[i].limit());
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
