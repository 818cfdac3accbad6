package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogDirLockTest {
    @TempDir
    Path root;

    @Test
    void aLockedDirectoryIsRefusedWithKafkasMessageUntilReleased() {
        Path dir = root.resolve("logs");
        LogDirLock first = LogDirLock.acquire(dir);
        assertThat(dir.resolve(LogDirLock.FILE_NAME)).exists();

        assertThatThrownBy(() -> LogDirLock.acquire(dir))
                .isInstanceOf(KafkaException.class)
                .hasMessage("Failed to acquire lock on file .lock in " + dir
                        + ". A Kafka instance in another process or thread is using this directory.");

        first.close();
        first.close(); // idempotent
        LogDirLock.acquire(dir).close();
    }

    @Test
    void acquireAllReleasesWhatItTookWhenOneDirectoryIsBusy() {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        try (LogDirLock busy = LogDirLock.acquire(b)) {
            assertThatThrownBy(() -> LogDirLock.acquireAll(List.of(a, b))).isInstanceOf(KafkaException.class)
                    .hasMessageContaining(b.toString());
            // a was released on the failure: it can be taken again.
            LogDirLock.acquire(a).close();
        }
        LogDirLock.acquireAll(List.of(a, b)).forEach(LogDirLock::close);
    }
}
