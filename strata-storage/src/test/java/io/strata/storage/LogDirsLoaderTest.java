package io.strata.storage;

import static io.strata.storage.TestSupport.INLINE;
import static io.strata.storage.TestSupport.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogDirsLoaderTest {
    @TempDir
    Path root;

    private final LogLoader.Env env = new LogLoader.Env(Time.SYSTEM, INLINE, 0,
            LogManagerConfig.DEFAULT_PRODUCER_ID_EXPIRATION_MS, LogDirFailureChannel.standalone(), DiskFaults.NONE,
            new LogDirSpace(0, LogDirSpace.fileStores(), System::nanoTime));

    private static LogManagerConfig config(Path... dirs) {
        return new LogManagerConfig(List.of(dirs), 2, 50, 60_000, 300_000, 0);
    }

    private static void writeLog(Path logDir, TopicPartition tp, int records) {
        FileLog log = LogLoader.load(logDir.resolve(LogLoader.dirName(tp)), tp, TestSupport.TOPIC_ID,
                LogConfig.fromTopicConfigs(Map.of()), LogLoader.Checkpoints.NEW, Time.SYSTEM, INLINE, 0);
        for (int i = 0; i < records; i++) {
            log.appendAsLeader(batch("v" + i), 0);
        }
        log.close();
    }

    @Test
    void loadsEveryPartitionDirectoryHandsBackDeletedOnesAndDropsTheMarker() throws Exception {
        Path d1 = root.resolve("d1");
        Path d2 = root.resolve("d2");
        TopicPartition a = new TopicPartition("a", 0);
        TopicPartition b = new TopicPartition("b", 3);
        writeLog(d1, a, 3);
        writeLog(d2, b, 5);
        Path deleted = Files.createDirectories(d1.resolve("c-0.0123456789abcdef0123456789abcdef-delete"));
        Files.createDirectories(d2.resolve("not a partition"));
        Files.createFile(d1.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE));
        Path d3 = root.resolve("d3"); // not there yet: created

        ConcurrentHashMap<TopicPartition, FileLog> logs = new ConcurrentHashMap<>();
        List<Path> toDelete = new ArrayList<>();
        LogDirsLoader.loadAll(config(d1, d2, d3), tp -> LogConfig.fromTopicConfigs(Map.of()), env, logs,
                toDelete::add);

        assertThat(logs.keySet()).containsExactlyInAnyOrder(a, b);
        assertThat(logs.get(a).logEndOffset()).isEqualTo(3);
        assertThat(logs.get(b).logEndOffset()).isEqualTo(5);
        assertThat(toDelete).containsExactly(deleted);
        assertThat(d1.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
        assertThat(d3).isDirectory();
        logs.values().forEach(FileLog::close);
    }

    @Test
    void refusesAPartitionWithADirectoryInTwoLogDirectories() {
        Path d1 = root.resolve("d1");
        Path d2 = root.resolve("d2");
        TopicPartition tp = new TopicPartition("t", 0);
        writeLog(d1, tp, 1);
        writeLog(d2, tp, 1);

        ConcurrentHashMap<TopicPartition, FileLog> logs = new ConcurrentHashMap<>();
        assertThatThrownBy(() -> LogDirsLoader.loadAll(config(d1, d2), p -> LogConfig.fromTopicConfigs(Map.of()),
                env, logs, dir -> { }))
                .isInstanceOf(KafkaStorageException.class)
                .hasMessageContaining("Duplicate log directories for " + tp);
        logs.values().forEach(FileLog::close);
    }
}
