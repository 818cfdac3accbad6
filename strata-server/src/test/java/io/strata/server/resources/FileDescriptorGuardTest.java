package io.strata.server.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FileDescriptorGuardTest {

    private final AtomicLong open = new AtomicLong();
    private final AtomicLong max = new AtomicLong(10_000);
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicLong now = new AtomicLong();
    private final FileDescriptorGuard guard = new FileDescriptorGuard(() -> {
        reads.incrementAndGet();
        return Optional.of(new FileDescriptorGuard.Usage(open.get(), max.get()));
    }, now::get);

    @Test
    void reservesFivePercentButAtLeastAFewHundredAndAtMostHalf() {
        assertThat(FileDescriptorGuard.reserve(1_048_576)).isEqualTo(52_428);
        assertThat(FileDescriptorGuard.reserve(10_000)).isEqualTo(500);
        assertThat(FileDescriptorGuard.reserve(1024)).isEqualTo(FileDescriptorGuard.MIN_RESERVE);
        assertThat(FileDescriptorGuard.reserve(100)).isEqualTo(50);
    }

    @Test
    void refusesPartitionsThatWouldEatIntoTheReserve() {
        // 10,000 max, 500 reserved, 1,000 open: room for 8,500 descriptors, one per partition.
        open.set(1_000);
        assertThat(guard.checkPartitions(8_500)).isEmpty();
        assertThat(guard.checkPartitions(8_501)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("8501 new partition(s)", "1000 of 10000", "500 are kept in reserve"));
        open.set(9_500); // no descriptor left before the reserve: not enough for a partition
        assertThat(guard.checkPartitions(1)).isPresent();
        assertThat(guard.checkPartitions(0)).isEmpty();
        assertThat(guard.checkPartitions(Long.MAX_VALUE)).isPresent();
    }

    @Test
    void connectionsMayUseHalfTheReserveThatPartitionsMayNot() {
        open.set(9_500); // partitions' share used up; connections may go up to 9,750
        assertThat(guard.checkPartitions(1)).isPresent();
        assertThat(guard.checkConnection()).isEmpty();
        open.set(9_750);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(FileDescriptorGuard.CONNECTION_SAMPLE_MILLIS + 1));
        assertThat(guard.checkConnection()).isPresent();
    }

    @Test
    void connectionsBetweenReadingsCountAsOpenDescriptors() {
        open.set(9_740);
        for (int i = 0; i < 10; i++) {
            assertThat(guard.checkConnection()).as("connection %d", i).isEmpty();
        }
        assertThat(guard.checkConnection()).isPresent();
        assertThat(reads).hasValue(1);

        open.set(100); // connections closed: seen at the next reading
        assertThat(guard.checkConnection()).isPresent();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(FileDescriptorGuard.CONNECTION_SAMPLE_MILLIS + 1));
        assertThat(guard.checkConnection()).isEmpty();
        assertThat(reads).hasValue(2);
    }

    @Test
    void refusesNothingWhereThePlatformDoesNotTell() {
        FileDescriptorGuard blind = new FileDescriptorGuard(Optional::empty, System::nanoTime);
        assertThat(blind.checkPartitions(Long.MAX_VALUE / 4)).isEmpty();
        assertThat(blind.checkConnection()).isEmpty();
    }

    @Test
    void theProcessGuardReadsThisJvm() {
        // A test JVM has far more room than one partition needs; on a Unix this reads real counts.
        assertThat(FileDescriptorGuard.processWide().checkPartitions(1)).isEmpty();
        assertThat(FileDescriptorGuard.processWide().checkConnection()).isEmpty();
    }
}
