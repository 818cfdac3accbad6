package io.strata.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.PartitionImage;
import io.strata.storage.AppendResult;
import io.strata.storage.EpochEntry;
import io.strata.storage.FileLogManager;
import io.strata.storage.LogConfig;
import io.strata.storage.LogManager;
import io.strata.storage.LogManagerConfig;
import io.strata.storage.TxnVerification;
import io.strata.storage.VerificationGuard;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionTest {

    private static final int LOCAL = 1;
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final long LAG_MS = 30_000;

    @TempDir
    Path dir;

    private LogManager logs;
    private final ManualTime time = new ManualTime();
    private final List<List<Integer>> proposedIsrs = new CopyOnWriteArrayList<>();
    private final IsrChanges recordingIsrChanges = (topicId, partition, leaderId, leaderEpoch, partitionEpoch, isr) -> {
        proposedIsrs.add(isr);
        return new CompletableFuture<>();
    };

    @BeforeEach
    void setUp() {
        logs = new FileLogManager(new LogManagerConfig(List.of(dir), 1, 60_000, 60_000, 300_000, 0));
        logs.startup(tp -> LogConfig.DEFAULT);
    }

    @AfterEach
    void tearDown() {
        logs.close();
    }

    private Partition partition(LogConfig config) {
        return new Partition(TP, Uuid.randomUuid(), logs.getOrCreate(TP, Uuid.randomUuid(), config), LOCAL, time,
                recordingIsrChanges, LAG_MS);
    }

    private Partition partition() {
        return partition(LogConfig.DEFAULT);
    }

    private static PartitionImage leader(int epoch, int partitionEpoch, List<Integer> replicas, List<Integer> isr) {
        return new PartitionImage(replicas, isr, LOCAL, epoch, partitionEpoch);
    }

    private static MemoryRecords records(String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    private static long deadline(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void readCommittedStopsAtTheLastStableOffsetUntilTheMarker() {
        Partition p = partition();
        p.applyState(leader(0, 0, List.of(LOCAL), List.of(LOCAL)));
        p.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, 5, (short) 0, 0,
                new SimpleRecord("t".getBytes(StandardCharsets.UTF_8))));
        assertThat(p.read(0, 1 << 16, true, -1, -1, true).records().sizeInBytes()).isZero();
        assertThat(p.read(0, 1 << 16, true, -1, -1, false).records().sizeInBytes()).isPositive();
        AppendResult marker = p.appendTxnMarker(5, (short) 0, 0, true);
        assertThat(marker.firstOffset()).isEqualTo(1);
        assertThat(p.isCommitted(2)).isTrue();
        assertThat(p.read(0, 1 << 16, true, -1, -1, true).lastStableOffset()).isEqualTo(2);
        assertThat(p.read(0, 1 << 16, true, -1, -1, true).records().sizeInBytes()).isPositive();
    }

    /**
     * KIP-890: a verification begun under one leadership does not count under the next, since markers may have
     * come and gone meanwhile; only a leader verifies.
     */
    @Test
    void aNewLeadershipDropsTheVerificationGuards() {
        Partition p = partition();
        p.applyState(leader(0, 0, List.of(LOCAL, 2), List.of(LOCAL, 2)));
        VerificationGuard guard = p.startTransactionVerification(5, (short) 0, false).orElseThrow();
        p.applyState(new PartitionImage(List.of(LOCAL, 2), List.of(LOCAL, 2), 2, 1, 1));
        assertThatThrownBy(() -> p.startTransactionVerification(5, (short) 0, false))
                .isInstanceOf(NotLeaderOrFollowerException.class);
        p.applyState(leader(2, 2, List.of(LOCAL, 2), List.of(LOCAL, 2)));
        assertThatThrownBy(() -> p.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, 5,
                (short) 0, 0, new SimpleRecord("t".getBytes(StandardCharsets.UTF_8))), (short) 1,
                TxnVerification.verified(Optional.of(guard)))).isInstanceOf(InvalidTxnStateException.class);
        assertThat(p.log().logEndOffset()).isZero();
    }

    @Test
    void transactionMarkersNeedMinInSyncReplicas() {
        Partition p = partition(LogConfig.fromTopicConfigs(Map.of("min.insync.replicas", "2")));
        p.applyState(leader(0, 0, List.of(LOCAL, 2), List.of(LOCAL)));
        assertThatThrownBy(() -> p.appendTxnMarker(5, (short) 0, 0, false))
                .isInstanceOf(NotEnoughReplicasException.class);
        assertThat(p.log().logEndOffset()).isZero();
    }

    /**
     * Many producers on one partition, each waiting as acks=all does: the high watermark, sampled all along, never
     * goes back, and every wait completes. Reading the log end without the log's lock and setting a clamped value
     * (the old code) moved it backwards in every run.
     */
    @Test
    void highWatermarkNeverGoesBackUnderConcurrentAppends() throws Exception {
        Partition p = partition();
        p.applyState(leader(0, 0, List.of(LOCAL), List.of(LOCAL)));
        int threads = 16;
        int appendsPerThread = 1_500;
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> regressions = new ConcurrentLinkedQueue<>();
        Thread sampler = Thread.ofPlatform().start(() -> {
            long last = -1;
            while (running.get()) {
                long hw = p.log().highWatermark();
                if (hw < last) {
                    regressions.add(last + " -> " + hw);
                }
                last = Math.max(last, hw);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                start.await();
                int committed = 0;
                for (int i = 0; i < appendsPerThread; i++) {
                    AppendResult r = p.appendAsLeader(records("v" + i));
                    if (p.awaitCommitted(r.lastOffset() + 1, deadline(30_000))) {
                        committed++;
                    }
                }
                return committed;
            }));
        }
        start.countDown();
        int committed = 0;
        for (Future<Integer> f : results) {
            committed += f.get(2, TimeUnit.MINUTES);
        }
        running.set(false);
        sampler.join();
        pool.shutdown();
        assertThat(regressions).isEmpty();
        assertThat(committed).isEqualTo(threads * appendsPerThread);
        assertThat(p.log().highWatermark()).isEqualTo(threads * appendsPerThread);
    }

    @Test
    void aNewLeaderRecordsWhereItsEpochStartsBeforeItsFirstAppend() {
        Partition p = partition();
        p.applyState(leader(0, 0, List.of(LOCAL), List.of(LOCAL)));
        p.appendAsLeader(records("a", "b"));
        p.applyState(leader(3, 1, List.of(LOCAL), List.of(LOCAL)));
        assertThat(p.log().latestEpoch()).contains(new EpochEntry(3, 2));
        assertThat(p.log().endOffsetForEpoch(0)).contains(new EpochEntry(0, 2));
        assertThat(p.role()).isEqualTo(new PartitionRole.Leader(3, 1, List.of(LOCAL), List.of(LOCAL)));
    }

    @Test
    void staleImagesAreIgnored() {
        Partition p = partition();
        assertThat(p.applyState(leader(2, 5, List.of(LOCAL), List.of(LOCAL)))).isTrue();
        assertThat(p.applyState(new PartitionImage(List.of(LOCAL, 2), List.of(2), 2, 1, 9))).isFalse();
        assertThat(p.applyState(leader(2, 4, List.of(LOCAL), List.of(LOCAL)))).isFalse();
        assertThat(p.applyState(leader(2, 5, List.of(LOCAL), List.of(LOCAL)))).isFalse();
        assertThat(p.isLeader()).isTrue();
        assertThat(p.leaderEpoch()).isEqualTo(2);
    }

    @Test
    void aFollowerRefusesClientsAndTheEpochIsChecked() {
        Partition p = partition();
        p.applyState(new PartitionImage(List.of(LOCAL, 2), List.of(LOCAL, 2), 2, 4, 0));
        assertThat(p.role()).isEqualTo(new PartitionRole.Follower(2, 4, 0));
        assertThatThrownBy(() -> p.appendAsLeader(records("x"))).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(() -> p.read(0, 1024, true, -1, -1)).isInstanceOf(NotLeaderOrFollowerException.class);

        p.applyState(leader(5, 1, List.of(LOCAL, 2), List.of(LOCAL)));
        p.checkLeader(5);
        p.checkLeader(-1);
        assertThatThrownBy(() -> p.checkLeader(4)).isInstanceOf(FencedLeaderEpochException.class);
        assertThatThrownBy(() -> p.checkLeader(6)).isInstanceOf(UnknownLeaderEpochException.class);
    }

    @Test
    void theHighWatermarkWaitsForEveryInSyncFollower() throws Exception {
        Partition p = partition();
        p.applyState(leader(0, 0, List.of(LOCAL, 2, 3), List.of(LOCAL, 2)));
        AppendResult r = p.appendAsLeader(records("a", "b", "c"));
        assertThat(p.log().highWatermark()).isZero();
        assertThat(p.read(0, 1024, true, -1, -1).records().sizeInBytes()).isZero();

        // Replica 3 is not in the ISR: its fetches do not hold the high watermark back nor move it.
        p.read(3, 1024, true, 0, 3);
        assertThat(p.log().highWatermark()).isZero();
        p.read(2, 1024, true, 0, 2);
        assertThat(p.log().highWatermark()).isEqualTo(2);
        assertThat(p.awaitCommitted(r.lastOffset() + 1, deadline(0))).isFalse();

        // A waiter is woken by the follower's next fetch, not by a timer.
        Future<Boolean> waiter = Executors.newVirtualThreadPerTaskExecutor()
                .submit(() -> p.awaitCommitted(r.lastOffset() + 1, deadline(60_000)));
        p.read(3, 1024, true, 0, 2);
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.followerStates().get(2).logEndOffset()).isEqualTo(3);
        assertThat(p.followerStates().get(3).logEndOffset()).isEqualTo(3);

        assertThatThrownBy(() -> p.read(0, 1024, true, 0, 7)).isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void losingLeadershipFailsWaitersAtOnce() throws Exception {
        Partition p = partition();
        p.applyState(leader(0, 0, List.of(LOCAL, 2), List.of(LOCAL, 2)));
        AppendResult r = p.appendAsLeader(records("a"));
        Future<Boolean> waiter = Executors.newVirtualThreadPerTaskExecutor()
                .submit(() -> p.awaitCommitted(r.lastOffset() + 1, deadline(60_000)));
        p.applyState(new PartitionImage(List.of(LOCAL, 2), List.of(2), 2, 1, 1));
        assertThatThrownBy(() -> waiter.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void aStoppedReplicaFailsWaitersAtOnceAndServesNoOne() throws Exception {
        Partition p = partition();
        p.applyState(leader(0, 0, List.of(LOCAL, 2), List.of(LOCAL, 2)));
        AppendResult r = p.appendAsLeader(records("a"));
        Future<Boolean> waiter = Executors.newVirtualThreadPerTaskExecutor()
                .submit(() -> p.awaitCommitted(r.lastOffset() + 1, deadline(60_000)));
        p.stop(); // the reassignment that removed this replica moved leadership elsewhere
        assertThatThrownBy(() -> waiter.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(() -> p.appendAsLeader(records("b"))).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThat(p.followerStates()).isEmpty();
    }

    @Test
    void appendsWakeOnlyTheWaitersOfTheirPartition() throws Exception {
        Partition p = partition();
        p.applyState(leader(0, 0, List.of(LOCAL), List.of(LOCAL)));
        Wakeup watching = new Wakeup();
        p.watch(watching);
        p.appendAsLeader(records("a"));
        assertThat(watching.await(deadline(0))).isTrue();
        assertThat(watching.await(deadline(0))).isFalse();
        p.unwatch(watching);
        p.appendAsLeader(records("b"));
        assertThat(watching.await(deadline(0))).isFalse();
    }

    @Test
    void deleteRecordsMovesTheLogStartUpToTheHighWatermark() {
        Partition p = partition();
        p.applyState(leader(0, 0, List.of(LOCAL), List.of(LOCAL)));
        p.appendAsLeader(records("a", "b", "c"));
        assertThat(p.deleteRecords(2)).isEqualTo(2);
        assertThat(p.deleteRecords(-1)).isEqualTo(3);
        assertThatThrownBy(() -> p.deleteRecords(4)).isInstanceOf(OffsetOutOfRangeException.class);

        Partition compacted = new Partition(new TopicPartition("compacted", 0), Uuid.randomUuid(),
                logs.getOrCreate(new TopicPartition("compacted", 0), Uuid.randomUuid(),
                        LogConfig.fromTopicConfigs(Map.of("cleanup.policy", "compact"))), LOCAL, time,
                IsrChanges.NONE, LAG_MS);
        compacted.applyState(leader(0, 0, List.of(LOCAL), List.of(LOCAL)));
        assertThatThrownBy(() -> compacted.deleteRecords(0)).isInstanceOf(PolicyViolationException.class);
    }

    @Test
    void aFollowerThatStopsFetchingLeavesTheIsrAfterTheLagTime() {
        Partition p = partition();
        p.applyState(leader(0, 0, List.of(LOCAL, 2, 3), List.of(LOCAL, 2, 3)));
        p.appendAsLeader(records("a"));
        time.advance(LAG_MS / 2);
        p.read(1, 1024, true, 0, 2);
        p.read(1, 1024, true, 0, 3);
        time.advance(LAG_MS / 2 + 1);
        p.read(1, 1024, true, 0, 2);
        p.maybeShrinkIsr();
        assertThat(proposedIsrs).isEmpty();

        time.advance(LAG_MS / 2);
        p.maybeShrinkIsr();
        assertThat(proposedIsrs).containsExactly(List.of(LOCAL, 2));
        // One proposal at a time: nothing more until the metadata answers.
        time.advance(LAG_MS);
        p.maybeShrinkIsr();
        assertThat(proposedIsrs).hasSize(1);
    }

    @Test
    void aCaughtUpReplicaIsProposedForTheIsr() {
        Partition p = partition();
        p.applyState(leader(0, 0, List.of(LOCAL, 2), List.of(LOCAL)));
        p.appendAsLeader(records("a", "b"));
        p.read(0, 1024, true, 0, 2);
        assertThat(proposedIsrs).isEmpty();
        p.read(2, 1024, true, 0, 2);
        assertThat(proposedIsrs).containsExactly(List.of(LOCAL, 2));
    }

    @Test
    void acksAllNeedsMinInSyncReplicas() {
        Partition p = partition(LogConfig.fromTopicConfigs(Map.of("min.insync.replicas", "2")));
        p.applyState(leader(0, 0, List.of(LOCAL, 2), List.of(LOCAL)));
        assertThatThrownBy(() -> p.appendAsLeader(records("a"), (short) -1))
                .isInstanceOf(NotEnoughReplicasException.class);
        assertThat(p.log().logEndOffset()).isZero();
        p.appendAsLeader(records("a"), (short) 1);
        assertThatThrownBy(() -> p.checkMinInSyncReplicas(true))
                .isInstanceOf(NotEnoughReplicasAfterAppendException.class);

        p.applyState(leader(0, 1, List.of(LOCAL, 2), List.of(LOCAL, 2)));
        p.appendAsLeader(records("b"), (short) -1);
        p.checkMinInSyncReplicas(true);
    }

    /** A clock the test moves. */
    private static final class ManualTime implements Time {
        private final AtomicLong millis = new AtomicLong(1_000_000);

        void advance(long ms) {
            millis.addAndGet(ms);
        }

        @Override
        public long milliseconds() {
            return millis.get();
        }

        @Override
        public long nanoseconds() {
            return TimeUnit.MILLISECONDS.toNanos(millis.get());
        }

        @Override
        public void sleep(long ms) {
            advance(ms);
        }

        @Override
        public void waitObject(Object obj, java.util.function.Supplier<Boolean> condition, long deadlineMs) {
            throw new IllegalStateException("not used");
        }
    }
}
