package io.strata.storage;

import static io.strata.storage.TestSupport.INLINE;
import static io.strata.storage.TestSupport.TOPIC_ID;
import static io.strata.storage.TestSupport.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCloserTest {

    @TempDir
    Path root;

    /** Three logs with one record each in each of two log directories. */
    private List<FileLog> logs() {
        List<FileLog> logs = new ArrayList<>();
        for (String dir : List.of("d1", "d2")) {
            for (int p = 0; p < 3; p++) {
                TopicPartition tp = new TopicPartition(dir, p);
                FileLog log = LogLoader.load(root.resolve(dir).resolve(LogLoader.dirName(tp)), tp, TOPIC_ID,
                        LogConfig.fromTopicConfigs(Map.of()), LogLoader.Checkpoints.NEW, Time.SYSTEM, INLINE, 0);
                log.appendAsLeader(batch("v" + p), 0);
                logs.add(log);
            }
        }
        return logs;
    }

    private static void assertClosed(FileLog log) {
        assertThatThrownBy(() -> log.appendAsLeader(batch("late"), 0)).isInstanceOf(KafkaStorageException.class)
                .hasMessageContaining("is closed");
        // A clean close leaves the producer snapshot at the log end, which the next load starts from.
        assertThat(log.producerStateForTesting().snapshots().file(1)).exists();
    }

    @Test
    void closesEveryLogOfEveryDirectory() {
        List<FileLog> logs = logs();
        assertThat(LogCloser.closeAll(logs, 1)).isEmpty();
        logs.forEach(LogCloserTest::assertClosed);
        assertThat(LogCloser.closeAll(List.of(), 2)).isEmpty();
    }

    @Test
    void aLogThatFailsToCloseIsReportedAndTheOthersStillClose() throws Exception {
        List<FileLog> logs = logs();
        FileLog failing = logs.get(4);
        // A non-empty directory where the closing log's producer snapshot goes: the snapshot cannot be written.
        Files.createDirectories(failing.producerStateForTesting().snapshots().file(1).resolve("blocker"));
        assertThat(LogCloser.closeAll(logs, 2)).hasValueSatisfying(e -> assertThat(e)
                .isInstanceOf(KafkaStorageException.class).hasMessageContaining(failing.topicPartition().toString()));
        logs.stream().filter(l -> l != failing).forEach(LogCloserTest::assertClosed);
    }

    @Test
    void anInterruptedCallerStillWaitsForEveryLogAndKeepsItsInterrupt() {
        List<FileLog> logs = logs();
        Thread.currentThread().interrupt();
        try {
            assertThat(LogCloser.closeAll(logs, 0)).isEmpty();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        logs.forEach(LogCloserTest::assertClosed);
    }
}
