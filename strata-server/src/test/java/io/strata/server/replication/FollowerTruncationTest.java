package io.strata.server.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.storage.EpochEntry;
import io.strata.storage.FileLogManager;
import io.strata.storage.Log;
import io.strata.storage.LogConfig;
import io.strata.storage.LogManager;
import io.strata.storage.LogManagerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Divergent logs after leader changes, on real logs: the follower truncates to where its leader's epochs and its
 * own agree, never keeping a suffix the leader does not have, never dropping what they share.
 */
class FollowerTruncationTest {

    @TempDir
    Path dir;

    private final List<LogManager> managers = new ArrayList<>();

    @AfterEach
    void close() {
        managers.forEach(LogManager::close);
    }

    private Log log(String name) {
        LogManager manager = new FileLogManager(new LogManagerConfig(List.of(dir.resolve(name)), 1, 60_000, 60_000,
                300_000, 0));
        manager.startup(tp -> LogConfig.DEFAULT);
        managers.add(manager);
        return manager.getOrCreate(new TopicPartition("t", 0), Uuid.randomUuid(), LogConfig.DEFAULT);
    }

    /** Appends {@code count} records, one batch each, in leader epoch {@code epoch}. */
    private static void append(Log log, int epoch, int count) {
        for (int i = 0; i < count; i++) {
            log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(("e" + epoch + "-" + i).getBytes(StandardCharsets.UTF_8))), epoch);
        }
    }

    private static void truncate(Log follower, Log leader) throws Exception {
        FollowerTruncation.truncate(follower, epoch -> leader.endOffsetForEpoch(epoch)
                .orElse(new EpochEntry(-1, -1)), follower::truncateTo);
    }

    private static List<Integer> epochsOfBatches(Log log) {
        List<Integer> epochs = new ArrayList<>();
        for (RecordBatch batch : log.read(log.logStartOffset(), Integer.MAX_VALUE, log.logEndOffset(), true)
                .records().batches()) {
            epochs.add(batch.partitionLeaderEpoch());
        }
        return epochs;
    }

    @Test
    void aFollowerWithADivergentSuffixTruncatesToTheEpochBoundary() throws Exception {
        // Both wrote epoch 0; the follower then led epoch 1 alone (never replicated), the leader led epoch 2.
        Log leader = log("leader");
        Log follower = log("follower");
        append(leader, 0, 5);
        append(follower, 0, 5);
        append(follower, 1, 3);
        append(leader, 2, 4);

        truncate(follower, leader);

        assertThat(follower.logEndOffset()).isEqualTo(5);
        assertThat(epochsOfBatches(follower)).containsExactly(0, 0, 0, 0, 0);
        assertThat(follower.latestEpoch()).contains(new EpochEntry(0, 0));
    }

    @Test
    void aSharedEpochIsCutWhereTheLeaderEndedIt() throws Exception {
        // Epoch 1 started at 3 on both; the follower got two more records of it than the leader kept.
        Log leader = log("leader");
        Log follower = log("follower");
        append(leader, 0, 3);
        append(follower, 0, 3);
        append(leader, 1, 2);
        append(follower, 1, 4);
        append(leader, 3, 1);

        truncate(follower, leader);

        assertThat(follower.logEndOffset()).isEqualTo(5);
        assertThat(epochsOfBatches(follower)).containsExactly(0, 0, 0, 1, 1);
    }

    @Test
    void severalRoundsWhenTheFollowerLacksTheLeadersEpoch() throws Exception {
        // Leader: epochs 0 (0-3), 2 (4-5), 4 (6). Follower: epochs 0 (0-3), 1 (4-6), 3 (7-8): it asks for 3, the
        // leader answers epoch 2 ending at 6; the follower has no epoch 2, cuts to min(its end of epoch 1 = 7, 6) = 6
        // and asks again for its epoch 1: the leader answers epoch 0 ending at 4, where both agree.
        Log leader = log("leader");
        Log follower = log("follower");
        append(leader, 0, 4);
        append(follower, 0, 4);
        append(follower, 1, 3);
        append(follower, 3, 2);
        append(leader, 2, 2);
        append(leader, 4, 1);

        truncate(follower, leader);

        assertThat(follower.logEndOffset()).isEqualTo(4);
        assertThat(epochsOfBatches(follower)).containsExactly(0, 0, 0, 0);
    }

    @Test
    void aFollowerThatIsOnlyBehindKeepsEverything() throws Exception {
        Log leader = log("leader");
        Log follower = log("follower");
        append(leader, 0, 6);
        append(follower, 0, 4);
        truncate(follower, leader);
        assertThat(follower.logEndOffset()).isEqualTo(4);
    }

    @Test
    void withoutEpochAnswersItFallsBackToTheHighWatermark() {
        FollowerTruncation.Decision d = FollowerTruncation.decide(-1, -1, e -> Optional.empty(), 10, 7);
        assertThat(d).isEqualTo(new FollowerTruncation.Decision(7, true));
    }
}
