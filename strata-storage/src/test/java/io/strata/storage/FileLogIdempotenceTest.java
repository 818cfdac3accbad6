package io.strata.storage;

import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.idempotent;
import static io.strata.storage.TestSupport.newLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log's idempotent producers: duplicates recognised, sequence and epoch errors, sequence wrap-around and the
 * expiration of idle producers.
 */
class FileLogIdempotenceTest {
    @TempDir
    Path dir;

    private final TestSupport.ManualTime time = new TestSupport.ManualTime(System.currentTimeMillis());

    @Test
    void idempotentProducerDuplicatesAndSequenceErrors() {
        try (FileLog log = newLog(dir, Map.of(), time)) {
            long now = time.milliseconds();
            AppendResult first = log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 0, 0, "a", "b"), 0);
            log.appendAsLeader(batch("other"), 0);
            AppendResult retry = log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 0, 0, "a", "b"), 0);
            assertThat(retry.duplicate()).isTrue();
            assertThat(retry.firstOffset()).isEqualTo(first.firstOffset());
            assertThat(retry.lastOffset()).isEqualTo(first.lastOffset());
            assertThat(log.logEndOffset()).isEqualTo(3);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 0, 5, "x"), 0))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(Compression.NONE, now, 8, (short) 0, 3, "x"), 0))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 1, 0, "c"), 0);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 0, 2, "d"), 0))
                    .isInstanceOf(InvalidProducerEpochException.class);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 2, 1, "d"), 0))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            assertThat(log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 1, 1, "d"), 0).duplicate())
                    .isFalse();
            assertThat(log.logEndOffset()).isEqualTo(5);
        }
    }

    @Test
    void sequenceNumbersWrapAround() {
        try (FileLog log = newLog(dir, Map.of(), time)) {
            long now = time.milliseconds();
            log.appendAsLeader(idempotent(Compression.NONE, now, 9, (short) 0, 0, "a"), 0);
            // Force the producer's last sequence close to the wrap point through a new epoch starting at 0 is
            // impossible, so check the arithmetic directly and a batch spanning the wrap.
            assertThat(BatchHeader.addSequence(Integer.MAX_VALUE, 1)).isZero();
            assertThat(BatchHeader.addSequence(Integer.MAX_VALUE - 1, 3)).isEqualTo(1);
            assertThat(log.appendAsLeader(idempotent(Compression.NONE, now, 9, (short) 0, 1, "b", "c"), 0).lastOffset())
                    .isEqualTo(2);
        }
    }

    @Test
    void producersIdleForTheExpirationAreForgottenAndLeaveTheSnapshots() {
        long now = time.milliseconds();
        try (FileLog log = newLog(dir, Map.of(), time)) {
            log.appendAsLeader(idempotent(Compression.NONE, now - 1_000, 5, (short) 0, 0, "old"), 1);
            log.appendAsLeader(idempotent(Compression.NONE, now, 6, (short) 0, 0, "recent"), 1);
            time.advance(58_999);
            assertThat(log.maintenance().removeExpiredProducers(60_000)).isZero(); // 5 is 60 s - 1 ms old
            time.advance(1);
            assertThat(log.maintenance().removeExpiredProducers(60_000)).isEqualTo(1);
            assertThat(log.activeProducers()).extracting(ActiveProducer::producerId).containsExactly(6L);
            // Forgotten: its next sequence is a gap now, as for any unknown producer.
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(Compression.NONE, now, 5, (short) 0, 1, "x"), 1))
                    .isInstanceOf(OutOfOrderSequenceException.class);
        }
        try (FileLog reopened = newLog(dir, Map.of(), time)) {
            assertThat(reopened.activeProducers()).extracting(ActiveProducer::producerId).containsExactly(6L);
        }
    }
}
