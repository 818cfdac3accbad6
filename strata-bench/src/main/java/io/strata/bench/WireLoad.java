package io.strata.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;

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
 * With {@code --rate} the requests follow a schedule and their latency counts from it (see {@link Pacing});
 * without, each connection sends as fast as its in-flight window allows and the latency is the round trip. With
 * {@code --idle-fetchers} a set of {@link IdleFetchers} is parked in the broker before the load starts and until
 * it ends. Latencies go to one {@link LatencyHistogram} per connection, so no sample is lost however long the run.
 *
 * <p>Every response is checked: an error code in any partition stops the run with exit code 2. Prints
 * {@code WIRE records=.. bytes=.. secs=.. rate=.. mibps=.. p50=.. p99=.. p999=..} (latencies in microseconds),
 * preceded by {@code IDLE fetchers=.. fetches=..} when there were idle fetchers. Run in its own JVM by the harness
 * with the arguments of {@link WireArgs}.
 */
public final class WireLoad {

    private static final int PARTITION_FETCH_BYTES = 1024 * 1024;
    private static final int SOCKET_BUFFER_BYTES = 1 << 20;
    private static final Duration IDLE_READY_WITHIN = Duration.ofSeconds(60);

    private final WireArgs args;
    private final LongAdder recordsDone = new LongAdder();
    private final LongAdder bytesDone = new LongAdder();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final Queue<LatencyHistogram> latencies = new ConcurrentLinkedQueue<>();

    private WireLoad(WireArgs args) {
        this.args = args;
    }

    /**
     * What a run did: records and bytes acknowledged or fetched, its length, every latency, how often the idle
     * fetchers were answered (when there were any), and the first failure, if any.
     */
    record Outcome(long records, long bytes, double secs, LatencyHistogram latencies, OptionalLong idleFetches,
                   Optional<String> failure) {
    }

    public static void main(String[] argv) throws Exception {
        WireArgs args;
        try {
            args = WireArgs.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        Outcome outcome = run(args);
        outcome.idleFetches().ifPresent(n -> System.out.printf(Locale.ROOT, "IDLE fetchers=%d fetches=%d%n",
                args.idle().orElseThrow().fetchers(), n));
        if (outcome.failure().isPresent()) {
            System.err.println("WIRE failed: " + outcome.failure().get());
            System.exit(2);
        }
        System.out.println(summary(outcome.records(), outcome.bytes(), outcome.secs(), outcome.latencies()));
    }

    /** Runs the load described by {@code args} to its end (or its first failure), idle fetchers included. */
    static Outcome run(WireArgs args) throws InterruptedException {
        WireLoad load = new WireLoad(args);
        Optional<IdleFetchers> idle = Optional.empty();
        if (args.idle().isPresent()) {
            WireArgs.Idle i = args.idle().get();
            try {
                idle = Optional.of(IdleFetchers.start(args.host(), args.port(), i.topic(), i.partitions(),
                        i.fetchers(), IDLE_READY_WITHIN, load::fail));
            } catch (IOException e) {
                return new Outcome(0, 0, 0, new LatencyHistogram(), OptionalLong.empty(),
                        Optional.of("idle fetchers: " + e.getMessage()));
            }
        }
        long start = System.nanoTime();
        if (args.mode() == WireArgs.Mode.PRODUCE) {
            load.produce();
        } else {
            load.fetch();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        OptionalLong idleFetches = OptionalLong.empty();
        if (idle.isPresent()) {
            idle.get().close();
            idleFetches = OptionalLong.of(idle.get().fetches());
        }
        return new Outcome(load.recordsDone.sum(), load.bytesDone.sum(), secs, load.merged(), idleFetches,
                Optional.ofNullable(load.failure.get()));
    }

    /** The summary line {@link ToolOutput#wire} parses. */
    static String summary(long records, long bytes, double secs, LatencyHistogram latencies) {
        LatencyHistogram.Percentiles p = latencies.percentiles();
        return String.format(Locale.ROOT,
                "WIRE records=%d bytes=%d secs=%.3f rate=%.1f mibps=%.2f p50=%d p99=%d p999=%d", records, bytes, secs,
                records / secs, bytes / secs / (1024 * 1024), LatencyHistogram.Percentiles.micros(p.p50Nanos()),
                LatencyHistogram.Percentiles.micros(p.p99Nanos()), LatencyHistogram.Percentiles.micros(p.p999Nanos()));
    }

    private LatencyHistogram merged() {
        LatencyHistogram all = new LatencyHistogram();
        latencies.forEach(all::add);
        return all;
    }

    private void produce() throws InterruptedException {
        int partitions = args.partitions();
        byte[] value = new byte[args.recordSize()];
        Arrays.fill(value, (byte) 'x');
        SimpleRecord[] batchRecords = new SimpleRecord[args.batch()];
        Arrays.fill(batchRecords, new SimpleRecord(value));
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData()
                .setName(args.topic());
        for (int p = 0; p < partitions; p++) {
            topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(p)
                    .setRecords(MemoryRecords.withRecords(Compression.NONE, batchRecords)));
        }
        ProduceRequestData data = new ProduceRequestData().setAcks(args.acks()).setTimeoutMs(30_000);
        data.topicData().add(topicData);
        byte[] encoded = WireSocket.frame(new ProduceRequest(data, WireRequests.PRODUCE_VERSION), "wire-load");
        long perRequest = (long) args.batch() * partitions;
        long perRequestBytes = perRequest * args.recordSize();
        AtomicLong toSend = new AtomicLong((args.records() + perRequest - 1) / perRequest);
        int inflight = args.inflight();
        runConnections(c -> {
            byte[] request = encoded.clone(); // its own copy: the correlation id is written into it per request
            // The latency origin of each request in flight, by correlation id; the window keeps the ring from
            // wrapping onto a request that is still outstanding.
            AtomicLongArray origins = new AtomicLongArray(WireArgs.MAX_INFLIGHT);
            LatencyHistogram lat = histogram();
            Pacing pacing = pacing();
            Semaphore window = new Semaphore(inflight);
            try (SocketChannel socket = WireSocket.connect(args.host(), args.port(), SOCKET_BUFFER_BYTES)) {
                ResponseReader in = new ResponseReader(socket, 64 * 1024);
                Thread reader = Thread.ofPlatform().name("wire-read-" + c).start(() -> {
                    try {
                        while (true) {
                            ByteBuffer response = in.next();
                            long now = System.nanoTime();
                            int corr = WireRequests.produceCorrelationId(response);
                            Optional<String> error = WireRequests.produceError(response);
                            if (error.isPresent()) {
                                throw new IllegalStateException(error.get());
                            }
                            lat.recordNanos(now - origins.get(corr % WireArgs.MAX_INFLIGHT));
                            recordsDone.add(perRequest);
                            bytesDone.add(perRequestBytes);
                            window.release();
                        }
                    } catch (IOException | RuntimeException e) {
                        if (socket.isOpen()) {
                            fail("read: " + e.getMessage());
                            window.release(inflight); // unblock the writer
                        }
                    }
                });
                for (int sent = 0; failure.get() == null && toSend.getAndDecrement() > 0; sent++) {
                    long due = pacing.awaitSend(sent);
                    window.acquire();
                    WireSocket.withCorrelationId(request, sent);
                    origins.set(sent % WireArgs.MAX_INFLIGHT, pacing.latencyOrigin(due, System.nanoTime()));
                    WireSocket.writeFully(socket, request);
                }
                if (failure.get() == null) {
                    // Every response read. Not after a failure: the reader may be gone, and the writer may have
                    // taken a permit it released for one last send that will never be answered.
                    window.acquire(inflight);
                }
                socket.close();
                reader.join();
            }
        });
    }

    private void fetch() throws InterruptedException {
        int partitions = args.partitions();
        int[] partitionIds = new int[partitions];
        Arrays.setAll(partitionIds, p -> p);
        AtomicLong toRead = new AtomicLong(args.records());
        runConnections(c -> {
            long[] next = new long[partitions];
            long[] ends = new long[partitions];
            LatencyHistogram lat = histogram();
            Pacing pacing = pacing();
            try (SocketChannel socket = WireSocket.connect(args.host(), args.port(), SOCKET_BUFFER_BYTES)) {
                ResponseReader in = new ResponseReader(socket, 64 * 1024);
                for (int i = 0; failure.get() == null && toRead.get() > 0; i++) {
                    byte[] request = WireRequests.fetch(args.topic(), partitionIds, next, 500, PARTITION_FETCH_BYTES,
                            "wire-load");
                    WireSocket.withCorrelationId(request, i);
                    long due = pacing.awaitSend(i);
                    long origin = pacing.latencyOrigin(due, System.nanoTime());
                    WireSocket.writeFully(socket, request);
                    ByteBuffer response = in.next();
                    lat.recordNanos(System.nanoTime() - origin);
                    FetchResponseData resp = WireRequests.fetchResponse(response);
                    Optional<String> error = WireRequests.fetchError(resp);
                    if (error.isPresent()) {
                        fail(error.get());
                        return;
                    }
                    long got = consume(resp, next, ends);
                    toRead.addAndGet(-got);
                    if (got == 0 && Arrays.stream(ends).allMatch(e -> e == 0)) {
                        fail("topic " + args.topic() + " is empty: nothing to fetch");
                    }
                }
            }
        });
    }

    /** Counts a fetch response's records and moves {@code next} past them (to 0 at the end of the log). */
    private long consume(FetchResponseData resp, long[] next, long[] ends) {
        long gotInResponse = 0;
        for (FetchResponseData.FetchableTopicResponse t : resp.responses()) {
            for (FetchResponseData.PartitionData pd : t.partitions()) {
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
                gotInResponse += got;
            }
        }
        return gotInResponse;
    }

    /** A connection's own histogram (one writer), merged with the others' at the end. */
    private LatencyHistogram histogram() {
        LatencyHistogram h = new LatencyHistogram();
        latencies.add(h);
        return h;
    }

    /** One connection's share of the target rate, or as fast as possible. */
    private Pacing pacing() {
        return Pacing.of(args.requestsPerSec() / args.connections(), NanoClock.SYSTEM);
    }

    private interface ConnectionWork {
        void run(int connection) throws IOException, InterruptedException;
    }

    private void runConnections(ConnectionWork work) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < args.connections(); c++) {
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

    private void fail(String why) {
        failure.compareAndSet(null, why);
    }
}
