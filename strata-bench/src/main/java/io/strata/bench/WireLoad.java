package io.strata.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A load generator that saturates the broker rather than itself. Kafka's perf tools spend far more CPU building
 * and parsing records than a broker spends storing them, so on a small machine they measure the client. This tool
 * sends pre-encoded requests over raw sockets, as a fleet of producers or consumers would look to the broker:
 *
 * <ul>
 *   <li>{@code produce}: every request carries one uncompressed batch of {@code batch} records per partition (the
 *       same bytes each time; the broker assigns offsets), {@code inflight} requests outstanding per connection,
 *       as a Kafka producer with {@code max.in.flight.requests.per.connection} would;</li>
 *   <li>{@code fetch}: each connection fetches all partitions (1 MiB per partition, as a consumer's
 *       {@code max.partition.fetch.bytes}) from the next offset of its previous response, and wraps to the start
 *       of the log at its end, so a preloaded topic can be read for as long as needed.</li>
 * </ul>
 *
 * Every response is checked: an error code in any partition stops the run with exit code 2. Prints one line:
 * {@code WIRE records=.. bytes=.. secs=.. rate=.. mibps=.. p50=.. p99=.. p999=..} (latencies in microseconds,
 * request sent to response read). Run in its own JVM by the harness:
 * {@code WireLoad produce|fetch HOST:PORT TOPIC PARTITIONS RECORD_SIZE BATCH ACKS CONNECTIONS INFLIGHT RECORDS}.
 */
public final class WireLoad {

    /** Produce v9 and Fetch v12: the newest versions that name topics (later ones use topic ids). */
    private static final short PRODUCE_VERSION = 9;
    private static final short FETCH_VERSION = 12;
    private static final int PARTITION_FETCH_BYTES = 1024 * 1024;

    private final String host;
    private final int port;
    private final String topic;
    private final int partitions;
    private final long records;
    private final LongAdder recordsDone = new LongAdder();
    private final LongAdder bytesDone = new LongAdder();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final Queue<long[]> latencies = new ConcurrentLinkedQueue<>();

    private WireLoad(String bootstrap, String topic, int partitions, long records) {
        int colon = bootstrap.lastIndexOf(':');
        this.host = bootstrap.substring(0, colon);
        this.port = Integer.parseInt(bootstrap.substring(colon + 1));
        this.topic = topic;
        this.partitions = partitions;
        this.records = records;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 10 || !(args[0].equals("produce") || args[0].equals("fetch"))) {
            System.err.println("usage: WireLoad produce|fetch HOST:PORT TOPIC PARTITIONS RECORD_SIZE BATCH ACKS"
                    + " CONNECTIONS INFLIGHT RECORDS");
            System.exit(1);
        }
        WireLoad load = new WireLoad(args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[9]));
        int connections = Integer.parseInt(args[7]);
        long start = System.nanoTime();
        if (args[0].equals("produce")) {
            load.produce(Integer.parseInt(args[4]), Integer.parseInt(args[5]), args[6].equals("all") ? (short) -1
                    : Short.parseShort(args[6]), connections, Integer.parseInt(args[8]));
        } else {
            load.fetch(connections);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        if (load.failure.get() != null) {
            System.err.println("WIRE failed: " + load.failure.get());
            System.exit(2);
        }
        long[] all = load.latencies.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
        long n = load.recordsDone.sum();
        long bytes = load.bytesDone.sum();
        System.out.printf(java.util.Locale.ROOT,
                "WIRE records=%d bytes=%d secs=%.3f rate=%.1f mibps=%.2f p50=%d p99=%d p999=%d%n", n, bytes, secs,
                n / secs, bytes / secs / (1024 * 1024), pct(all, 0.50), pct(all, 0.99), pct(all, 0.999));
    }

    private void produce(int recordSize, int batch, short acks, int connections, int inflight)
            throws InterruptedException {
        byte[] value = new byte[recordSize];
        Arrays.fill(value, (byte) 'x');
        SimpleRecord[] batchRecords = new SimpleRecord[batch];
        Arrays.fill(batchRecords, new SimpleRecord(value));
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        for (int p = 0; p < partitions; p++) {
            topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(p)
                    .setRecords(MemoryRecords.withRecords(Compression.NONE, batchRecords)));
        }
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000);
        data.topicData().add(topicData);
        byte[] request = frame(new ProduceRequest(data, PRODUCE_VERSION));
        long perRequest = (long) batch * partitions;
        long requests = (records + perRequest - 1) / perRequest;
        AtomicLong toSend = new AtomicLong(requests);
        runConnections(connections, c -> {
            long[] sentAt = new long[1 << 16];
            long[] lat = new long[(int) Math.min(Integer.MAX_VALUE - 8, requests)];
            latencies.add(lat);
            Semaphore window = new Semaphore(inflight);
            try (SocketChannel socket = connect()) {
                ResponseReader in = new ResponseReader(socket);
                Thread reader = Thread.ofPlatform().name("wire-read-" + c).start(() -> {
                    try {
                        for (int i = 0; ; i++) {
                            ByteBuffer body = in.next();
                            long now = System.nanoTime();
                            int corr = ResponseHeader.parse(body, ApiKeys.PRODUCE.responseHeaderVersion(
                                    PRODUCE_VERSION)).correlationId();
                            checkProduce((ProduceResponse) AbstractResponse.parseResponse(ApiKeys.PRODUCE, new ByteBufferAccessor(body),
                                    PRODUCE_VERSION));
                            lat[corr] = now - sentAt[corr & 0xffff];
                            recordsDone.add(perRequest);
                            bytesDone.add(perRequest * recordSize);
                            window.release();
                        }
                    } catch (IOException | RuntimeException e) {
                        if (socket.isOpen()) {
                            fail("read: " + e);
                            window.release(inflight); // unblock the writer
                        }
                    }
                });
                int sent = 0;
                while (failure.get() == null && toSend.getAndDecrement() > 0) {
                    window.acquire();
                    ByteBuffer.wrap(request).putInt(8, sent);
                    sentAt[sent & 0xffff] = System.nanoTime();
                    writeFully(socket, request);
                    sent++;
                }
                window.acquire(inflight); // every response read
                socket.close();
                reader.join();
            }
        });
    }

    private void fetch(int connections) throws InterruptedException {
        long[] ends = new long[partitions];
        AtomicLong toRead = new AtomicLong(records);
        runConnections(connections, c -> {
            long[] next = new long[partitions];
            long[] lat = new long[1 << 20];
            latencies.add(lat);
            try (SocketChannel socket = connect()) {
                ResponseReader in = new ResponseReader(socket);
                for (int i = 0; failure.get() == null && toRead.get() > 0; i++) {
                    FetchRequestData.FetchTopic ft = new FetchRequestData.FetchTopic().setTopic(topic);
                    for (int p = 0; p < partitions; p++) {
                        ft.partitions().add(new FetchRequestData.FetchPartition().setPartition(p)
                                .setFetchOffset(next[p]).setPartitionMaxBytes(PARTITION_FETCH_BYTES));
                    }
                    FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(500)
                            .setMinBytes(1).setMaxBytes(50 * 1024 * 1024).setSessionId(0).setSessionEpoch(-1)
                            .setTopics(List.of(ft));
                    byte[] request = frame(new FetchRequest(data, FETCH_VERSION));
                    ByteBuffer.wrap(request).putInt(8, i);
                    long sentAt = System.nanoTime();
                    writeFully(socket, request);
                    ByteBuffer body = in.next();
                    lat[i & ((1 << 20) - 1)] = System.nanoTime() - sentAt;
                    ResponseHeader.parse(body, ApiKeys.FETCH.responseHeaderVersion(FETCH_VERSION));
                    FetchResponseData resp = ((FetchResponse) AbstractResponse.parseResponse(ApiKeys.FETCH, new ByteBufferAccessor(body),
                            FETCH_VERSION)).data();
                    check(Errors.forCode(resp.errorCode()), "fetch");
                    long gotInResponse = 0;
                    for (FetchResponseData.FetchableTopicResponse t : resp.responses()) {
                        for (FetchResponseData.PartitionData pd : t.partitions()) {
                            check(Errors.forCode(pd.errorCode()), "fetch partition " + pd.partitionIndex());
                            int p = pd.partitionIndex();
                            ends[p] = pd.highWatermark();
                            long got = 0;
                            long bytes = 0;
                            for (RecordBatch b : ((MemoryRecords) pd.records()).batches()) {
                                got += b.lastOffset() - b.baseOffset() + 1;
                                bytes += b.sizeInBytes();
                                next[p] = b.lastOffset() + 1;
                            }
                            if (next[p] >= ends[p]) {
                                next[p] = 0; // read the log again from its start
                            }
                            recordsDone.add(got);
                            bytesDone.add(bytes);
                            toRead.addAndGet(-got);
                            gotInResponse += got;
                        }
                    }
                    if (gotInResponse == 0 && Arrays.stream(ends).allMatch(e -> e == 0)) {
                        fail("topic " + topic + " is empty: nothing to fetch");
                    }
                }
            }
        });
    }

    private interface ConnectionWork {
        void run(int connection) throws IOException, InterruptedException;
    }

    private void runConnections(int connections, ConnectionWork work) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int id = c;
            threads.add(Thread.ofPlatform().name("wire-" + c).start(() -> {
                try {
                    work.run(id);
                } catch (IOException | InterruptedException | RuntimeException e) {
                    fail("connection " + id + ": " + e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private void checkProduce(ProduceResponse response) {
        for (ProduceResponseData.TopicProduceResponse t : response.data().responses()) {
            for (ProduceResponseData.PartitionProduceResponse p : t.partitionResponses()) {
                check(Errors.forCode(p.errorCode()), "produce partition " + p.index());
            }
        }
    }

    private void check(Errors error, String what) {
        if (error != Errors.NONE) {
            fail(what + ": " + error);
            throw new IllegalStateException(what + ": " + error);
        }
    }

    private void fail(String why) {
        failure.compareAndSet(null, why);
    }

    private SocketChannel connect() throws IOException {
        SocketChannel socket = SocketChannel.open();
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        socket.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        socket.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    private static void writeFully(SocketChannel socket, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            socket.write(buffer);
        }
    }

    /**
     * Reads size-prefixed responses into one direct buffer it reuses, so that the load generator neither zeroes
     * nor copies a fetched megabyte more than the kernel does. A response is valid until the next call.
     */
    private static final class ResponseReader {
        private final SocketChannel socket;
        private final ByteBuffer size = ByteBuffer.allocateDirect(4);
        private ByteBuffer body = ByteBuffer.allocateDirect(64 * 1024);

        ResponseReader(SocketChannel socket) {
            this.socket = socket;
        }

        ByteBuffer next() throws IOException {
            readFully(size.clear());
            int n = size.getInt(0);
            if (n > body.capacity()) {
                body = ByteBuffer.allocateDirect(Integer.highestOneBit(n) << 1);
            }
            readFully(body.clear().limit(n));
            return body.flip();
        }

        private void readFully(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                if (socket.read(buffer) < 0) {
                    throw new EOFException("broker closed the connection");
                }
            }
        }
    }

    /** The request with its size prefix; the correlation id is at byte 8 (size, api key, api version). */
    private static byte[] frame(AbstractRequest request) {
        ByteBuffer body = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(),
                "wire-load", 0));
        byte[] framed = new byte[4 + body.remaining()];
        ByteBuffer.wrap(framed).putInt(body.remaining()).put(body);
        return framed;
    }

    private static long pct(long[] sortedNs, double q) {
        return sortedNs.length == 0 ? -1 : sortedNs[Math.min(sortedNs.length - 1, (int) (q * sortedNs.length))] / 1000;
    }
}
