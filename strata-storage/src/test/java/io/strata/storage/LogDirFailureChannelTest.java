package io.strata.storage;

import static io.strata.storage.TestSupport.TOPIC_ID;
import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An I/O error takes its log directory offline, through {@link FileLogManager}'s {@link LogDirFailureChannel}. */
class LogDirFailureChannelTest {
    @TempDir
    Path root;

    /** Fails the chosen operation in the chosen log directory once armed. */
    private static final class FailingDisk implements DiskFaults {
        private volatile Op op;
        private volatile Path dir;

        void arm(Op failing, Path logDir) {
            this.op = failing;
            this.dir = logDir;
        }

        void disarm() {
            this.op = null;
        }

        @Override
        public void check(Op attempted, Path file) throws IOException {
            Op failing = op;
            if (failing == attempted && file.startsWith(dir)) {
                throw new IOException("Input/output error (injected " + attempted + ")");
            }
        }
    }

    private final FailingDisk disk = new FailingDisk();
    private final TopicPartition tp0 = new TopicPartition("t", 0);
    private final TopicPartition tp1 = new TopicPartition("t", 1);

    private FileLogManager manager(DiskFaults faults, Path... dirs) {
        // No background flush or checkpoint: the test decides when they happen.
        return new FileLogManager(new LogManagerConfig(List.of(dirs), 1, Long.MAX_VALUE, Long.MAX_VALUE,
                Long.MAX_VALUE, 0), Time.SYSTEM, faults);
    }

    private static LogConfig small() {
        return LogConfig.fromTopicConfigs(Map.of("internal.segment.bytes", "400", "index.interval.bytes", "100"));
    }

    @Test
    void aFailedFlushTakesTheDirectoryOfflineForGoodAndTheNextStartRecoversIt() throws Exception {
        Path d = root.resolve("d");
        FileLogManager manager = manager(disk, d);
        List<LogDirFailure> told = new CopyOnWriteArrayList<>();
        manager.onLogDirFailure(told::add);
        manager.startup(tp -> small());
        FileLog log = (FileLog) manager.getOrCreate(tp0, TOPIC_ID, small());
        Log sibling = manager.getOrCreate(tp1, TOPIC_ID, small());
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(batch("v" + i), 1);
        }
        log.flush();
        assertThat(log.recoveryPoint()).isEqualTo(10);
        for (int i = 10; i < 20; i++) {
            log.appendAsLeader(batch("v" + i), 1);
        }
        // A roll flushes the segment it completes in the background: let those flushes finish first, so that they
        // cannot race with the fault armed below.
        long activeBase = log.segments().get(log.segments().size() - 1).baseOffset;
        await().atMost(Duration.ofSeconds(10)).until(() -> log.recoveryPoint() >= activeBase);
        long durable = log.recoveryPoint();
        assertThat(durable).isLessThan(20);

        disk.arm(DiskFaults.Op.FLUSH, d);
        assertThatThrownBy(log::flush).isInstanceOf(KafkaStorageException.class);
        disk.disarm();

        assertThat(log.recoveryPoint()).isEqualTo(durable);
        assertThat(manager.offlineLogDirs()).containsExactly(d);
        assertThat(manager.isOnline(d)).isFalse();
        // A flush that failed once is never reported as done, even if the disk now answers.
        assertThatThrownBy(log::flush).isInstanceOf(KafkaStorageException.class);
        assertThat(log.recoveryPoint()).isEqualTo(durable);
        // Nothing is acknowledged from the directory any more, in any of its logs.
        assertThatThrownBy(() -> log.appendAsLeader(batch("late"), 1)).isInstanceOf(KafkaStorageException.class);
        assertThatThrownBy(() -> sibling.appendAsLeader(batch("late"), 1))
                .isInstanceOf(KafkaStorageException.class);
        assertThatThrownBy(() -> log.read(0, 1000, Long.MAX_VALUE, true)).isInstanceOf(KafkaStorageException.class);
        assertThatThrownBy(() -> manager.getOrCreate(new TopicPartition("t", 2), TOPIC_ID, small()))
                .isInstanceOf(KafkaStorageException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> !told.isEmpty());
        assertThat(told).containsExactly(new LogDirFailure(d, Set.of(d), true));

        manager.close();
        assertThat(d.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();

        FileLogManager restarted = manager(DiskFaults.NONE, d);
        restarted.startup(tp -> small());
        Log recovered = restarted.get(tp0).orElseThrow();
        assertThat(recovered.logEndOffset()).isEqualTo(20);
        assertThat(readAll(recovered, 0)).hasSize(20).endsWith("19:v19");
        assertThat(restarted.isOnline(d)).isTrue();
        restarted.close();
        assertThat(d.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE)).exists();
    }

    @Test
    void aFailedAppendTakesOnlyItsDirectoryOfflineAndTheOthersCloseCleanly() throws Exception {
        Path d1 = root.resolve("d1");
        Path d2 = root.resolve("d2");
        FileLogManager manager = manager(disk, d1, d2);
        List<LogDirFailure> told = new CopyOnWriteArrayList<>();
        manager.onLogDirFailure(told::add);
        manager.startup(tp -> small());
        Log a = manager.getOrCreate(tp0, TOPIC_ID, small());
        Log b = manager.getOrCreate(tp1, TOPIC_ID, small());
        Path failing = a.dir().getParent();
        Path healthy = b.dir().getParent();
        assertThat(failing).isNotEqualTo(healthy);
        a.appendAsLeader(batch("a0"), 1);

        disk.arm(DiskFaults.Op.APPEND, failing);
        assertThatThrownBy(() -> a.appendAsLeader(batch("a1"), 1)).isInstanceOf(KafkaStorageException.class);
        disk.disarm();

        assertThat(a.logEndOffset()).isEqualTo(1);
        assertThat(b.appendAsLeader(batch("b0"), 1).firstOffset()).isZero();
        assertThat(manager.offlineLogDirs()).containsExactly(failing);
        assertThat(manager.isOnline(healthy)).isTrue();
        // New logs go to the directory still online.
        assertThat(manager.getOrCreate(new TopicPartition("t", 2), TOPIC_ID, small()).dir().getParent())
                .isEqualTo(healthy);
        await().atMost(Duration.ofSeconds(10)).until(() -> !told.isEmpty());
        assertThat(told).containsExactly(new LogDirFailure(failing, Set.of(failing), false));

        manager.close();
        assertThat(failing.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
        assertThat(healthy.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE)).exists();
    }

    @Test
    void aFailedCheckpointWriteTakesTheDirectoryOfflineAndLeavesNoMarker() throws Exception {
        Path d = root.resolve("d");
        FileLogManager manager = manager(disk, d);
        manager.startup(tp -> small());
        Log log = manager.getOrCreate(tp0, TOPIC_ID, small());
        log.appendAsLeader(batch("v"), 1);
        disk.arm(DiskFaults.Op.CHECKPOINT, d);
        manager.writeCheckpoints();
        assertThat(manager.isOnline(d)).isFalse();
        assertThatThrownBy(() -> log.appendAsLeader(batch("late"), 1)).isInstanceOf(KafkaStorageException.class);
        manager.close();
        assertThat(d.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
        assertThat(Files.exists(d.resolve(LogDirLock.FILE_NAME))).isTrue();
    }
}
