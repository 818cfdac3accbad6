package io.strata.bench;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Idle consumers as the broker sees them: {@code count} connections that each long-poll one partition of a topic
 * nobody writes to (Fetch with {@value #MAX_WAIT_MS} ms max wait and 1 byte min, partition {@code i % partitions}
 * for connection {@code i}) in a loop, until closed. They measure nothing themselves; they are the background
 * against which a produce load shows whether parked fetches cost the broker anything when other partitions are
 * written.
 *
 * <p>Each connection is served by a virtual thread blocked in a socket read, so a thousand of them cost the client
 * next to no CPU. An error code in a response, or a connection the broker closes, ends that fetcher; the first such
 * failure is reported to {@code onFailure}. {@link #start} and {@link #close} are called by one controlling thread;
 * {@link #fetches()} from any.
 */
final class IdleFetchers implements AutoCloseable {

    static final int MAX_WAIT_MS = 500;
    /** An empty Fetch response is about a hundred bytes; keep a thousand idle buffers small. */
    private static final int RESPONSE_BUFFER_BYTES = 4 * 1024;
    private static final int PARTITION_FETCH_BYTES = 64 * 1024;

    private final List<SocketChannel> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder fetches = new LongAdder();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final Consumer<String> onFailure;
    private volatile boolean closing;

    private IdleFetchers(Consumer<String> onFailure) {
        this.onFailure = onFailure;
    }

    /**
     * Opens the connections, starts the fetchers and returns once every one of them has had its first response,
     * so that all are parked in the broker before the measured load starts.
     *
     * @throws IOException when a connection fails, a first response is an error, or not every fetcher was answered
     *                     within {@code readyWithin} (the connections are closed again)
     */
    static IdleFetchers start(String host, int port, String topic, int partitions, int count, Duration readyWithin,
                              Consumer<String> onFailure) throws IOException, InterruptedException {
        IdleFetchers fetchers = new IdleFetchers(onFailure);
        CountDownLatch answered = new CountDownLatch(count);
        try {
            for (int i = 0; i < count; i++) {
                fetchers.sockets.add(WireSocket.connect(host, port, 0));
            }
            for (int i = 0; i < count; i++) {
                SocketChannel socket = fetchers.sockets.get(i);
                int partition = i % partitions;
                fetchers.threads.add(Thread.ofVirtual().name("idle-fetch-" + i)
                        .start(() -> fetchers.poll(socket, topic, partition, answered)));
            }
            if (!answered.await(readyWithin.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException((count - answered.getCount()) + " of " + count
                        + " idle fetchers were answered within " + readyWithin);
            }
            if (fetchers.firstFailure.get() != null) {
                throw new IOException(fetchers.firstFailure.get());
            }
            return fetchers;
        } catch (IOException | InterruptedException | RuntimeException e) {
            fetchers.close();
            throw e;
        }
    }

    /** Fetch responses received so far, over all connections. */
    long fetches() {
        return fetches.sum();
    }

    /**
     * One fetcher's loop. Counts {@code answered} down exactly once: at its first response, or when it ends before
     * one (so that a failed first fetch does not leave {@link #start} waiting).
     */
    private void poll(SocketChannel socket, String topic, int partition, CountDownLatch answered) {
        int[] partitions = {partition};
        long[] offset = {0};
        ResponseReader in = new ResponseReader(socket, RESPONSE_BUFFER_BYTES);
        byte[] request = WireRequests.fetch(topic, partitions, offset, MAX_WAIT_MS, PARTITION_FETCH_BYTES,
                "idle-fetch");
        int i = 0;
        try {
            for (; !closing; i++) {
                WireSocket.withCorrelationId(request, i);
                WireSocket.writeFully(socket, request);
                FetchResponseData response = WireRequests.fetchResponse(in.next());
                Optional<String> error = WireRequests.fetchError(response);
                if (error.isPresent()) {
                    fail("idle " + error.get());
                    return;
                }
                fetches.increment();
                if (i == 0) {
                    answered.countDown();
                }
                long next = nextOffset(response, offset[0]);
                if (next != offset[0]) { // someone wrote to the idle topic: follow, so as not to spin on old data
                    offset[0] = next;
                    request = WireRequests.fetch(topic, partitions, offset, MAX_WAIT_MS, PARTITION_FETCH_BYTES,
                            "idle-fetch");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                fail("idle fetcher on partition " + partition + ": " + e);
            }
        } finally {
            if (i == 0) {
                answered.countDown();
            }
        }
    }

    private void fail(String why) {
        if (firstFailure.compareAndSet(null, why)) {
            onFailure.accept(why);
        }
    }

    private static long nextOffset(FetchResponseData response, long current) {
        long next = current;
        for (FetchResponseData.FetchableTopicResponse t : response.responses()) {
            for (FetchResponseData.PartitionData p : t.partitions()) {
                if (p.records() instanceof MemoryRecords records) {
                    for (RecordBatch b : records.batches()) {
                        next = b.lastOffset() + 1;
                    }
                }
            }
        }
        return next;
    }

    /** Closes every connection (which ends the blocked reads) and waits for the fetchers to end. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        for (SocketChannel s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // Nothing to do: the fetcher ends either way.
            }
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
