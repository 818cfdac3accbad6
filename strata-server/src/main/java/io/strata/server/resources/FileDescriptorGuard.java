package io.strata.server.resources;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node away from its open-file limit: new partitions and new connections are refused while there is
 * still room, so that the files of the partitions it already has, segment rolls, checkpoints and the metadata log
 * never fail with "Too many open files".
 *
 * <p>The limit is split in three. The last {@link #reserve} descriptors below the maximum are never given to
 * partitions; connections may use the upper half of that reserve, and the lower half is left to the node itself.
 * So partitions are refused first (they hold files for good), then connections (a client can still connect to
 * delete topics after partitions are refused), and the node keeps descriptors for its own work throughout.
 *
 * <p>Each new partition is counted as {@value #FDS_PER_PARTITION} descriptor: a partition keeps one file open per
 * log segment, its active segment's log (its indexes are memory-mapped and their files closed, its
 * aborted-transaction index opened only to write; measured: 1,000 new partitions opened 1,000 descriptors). A
 * segment roll keeps the old segment's log open too, as Kafka does; those descriptors count against later checks,
 * which read the process's usage afresh.
 *
 * <p>Partition checks read the count afresh; they are rare. Connection checks reuse a reading for up to
 * {@value #CONNECTION_SAMPLE_MILLIS} ms, counting each connection let in since as one more open descriptor, since
 * reading the count lists the process's descriptors and a burst of connections should not pay for that each time.
 *
 * <p>Where the platform does not report descriptors (not a Unix), nothing is refused. Thread-safe.
 */
public final class FileDescriptorGuard {

    private static final Logger log = LoggerFactory.getLogger(FileDescriptorGuard.class);

    /** The descriptors a new partition is expected to take on this node. */
    public static final int FDS_PER_PARTITION = 1;

    /** The smallest reserve (unless the limit itself is tiny: at most half of it is reserved). */
    static final long MIN_RESERVE = 256;

    static final long CONNECTION_SAMPLE_MILLIS = 100;

    private static final FileDescriptorGuard PROCESS = new FileDescriptorGuard(processCounter(), System::nanoTime);

    /** The process's open and maximum file descriptors. */
    public record Usage(long open, long max) {
    }

    /** Reads the current usage; empty where the platform cannot tell. Must be thread-safe. */
    @FunctionalInterface
    public interface Counter {
        Optional<Usage> read();
    }

    private final Counter counter;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private Optional<Usage> sample = Optional.empty();
    private long sampledAtNanos;
    private boolean sampled;

    /**
     * @param counter  where the usage comes from
     * @param nanoTime the clock that ages connection samples
     */
    public FileDescriptorGuard(Counter counter, LongSupplier nanoTime) {
        this.counter = counter;
        this.nanoTime = nanoTime;
    }

    /** The guard of this process, reading the JVM's own descriptor counts; one per process, as the limit is. */
    public static FileDescriptorGuard processWide() {
        return PROCESS;
    }

    /** Descriptors kept below {@code max}: 5%, at least {@value #MIN_RESERVE}, at most half of a tiny limit. */
    static long reserve(long max) {
        return Math.min(max / 2, Math.max(MIN_RESERVE, max / 20));
    }

    /**
     * Checks that this node can host {@code partitions} more partitions and keep its reserve; logs a refusal.
     *
     * @return empty to go ahead, or why not, for the client
     */
    public Optional<String> checkPartitions(long partitions) {
        Optional<Usage> usage = counter.read();
        if (usage.isEmpty() || partitions <= 0) {
            return Optional.empty();
        }
        long open = usage.get().open();
        long max = usage.get().max();
        long available = max - reserve(max) - open;
        // Divided rather than multiplied, so that no partition count can overflow into "fits".
        if (partitions <= available / FDS_PER_PARTITION) {
            return Optional.empty();
        }
        String reason = "Not enough file descriptors on this node for " + partitions + " new partition(s): "
                + open + " of " + max + " are open, " + reserve(max) + " are kept in reserve, and each partition"
                + " needs " + FDS_PER_PARTITION + " (one per log segment). Raise the open-file limit (ulimit -n) or delete topics.";
        log.warn("Refusing to create partitions: {}", reason);
        return Optional.of(reason);
    }

    /**
     * Checks that one more connection leaves half the reserve free; when it does, counts the connection against
     * the current sample. The caller logs a refusal (a connection flood must not flood the log).
     *
     * @return empty to accept, or why not
     */
    public Optional<String> checkConnection() {
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            if (!sampled || now - sampledAtNanos > TimeUnit.MILLISECONDS.toNanos(CONNECTION_SAMPLE_MILLIS)) {
                sample = counter.read();
                sampledAtNanos = now;
                sampled = true;
            }
            if (sample.isEmpty()) {
                return Optional.empty();
            }
            Usage usage = sample.get();
            if (usage.open() + 1 > usage.max() - reserve(usage.max()) / 2) {
                return Optional.of(usage.open() + " of " + usage.max() + " file descriptors are open");
            }
            sample = Optional.of(new Usage(usage.open() + 1, usage.max()));
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    private static Counter processCounter() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return () -> {
                long open = unix.getOpenFileDescriptorCount();
                long max = unix.getMaxFileDescriptorCount();
                return open < 0 || max <= 0 ? Optional.empty() : Optional.of(new Usage(open, max));
            };
        }
        return Optional::empty;
    }
}
