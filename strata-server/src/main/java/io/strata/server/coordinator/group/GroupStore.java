package io.strata.server.coordinator.group;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Where the group coordinator keeps its state: the partitions of {@code __consumer_offsets}. Maps groups to
 * partitions, reads a partition's groups back, and appends records whose commit it reports. The seam between the
 * coordinator's state machines and replication; tests substitute a store whose writes they hold pending, commit or
 * fail.
 *
 * <p>Implementations are thread-safe.
 */
interface GroupStore {

    /** The partition that holds a group. */
    int partitionFor(String groupId);

    /**
     * The groups stored in a partition (with their offsets), replayed from its log start to its end; empty while
     * this node has no log for the partition yet (the caller tries again shortly).
     */
    Optional<List<ClassicGroup>> load(int partition);

    /**
     * Appends records (key, value or null for a tombstone) to a partition in one batch, as its leader. Called under
     * the writing group's lock, so that a group's records reach the log in the order of its changes. Never blocks
     * on replication and never throws.
     *
     * @return completes once the high watermark has passed the records; fails with an
     *         {@link org.apache.kafka.common.errors.ApiException}: {@code NotCoordinatorException} if this node does
     *         not lead the partition, {@code TimeoutException} if the records did not commit within
     *         {@code offsets.commit.timeout.ms}, or the append's own error
     */
    CompletableFuture<Void> append(int partition, List<SimpleRecord> records);

    /**
     * As {@link #append}, in one transactional batch of {@code producerId} (TxnOffsetCommit): the records count
     * only once the producer's COMMIT marker follows them in the partition.
     */
    CompletableFuture<Void> appendTransactional(int partition, long producerId, short producerEpoch,
                                                List<SimpleRecord> records);
}
