package io.strata.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * One partition's append-only commit log: a sequence of segments of Kafka v2 record batches.
 *
 * <p>Thread-safety: every method may be called from any thread. Appends, truncation and roll are serialized by
 * the log's own lock; reads are lock-free against a volatile end offset and never block appends. No lock is held
 * while the caller waits for anything else.
 *
 * <p>Errors are reported with kafka-clients' public exceptions ({@code org.apache.kafka.common.errors.*}) so that
 * the protocol layer can map them with {@code Errors.forException}.
 */
public interface Log extends AutoCloseable {

    TopicPartition topicPartition();

    Uuid topicId();

    LogConfig config();

    /** Replaces the configuration; takes effect for the next append, roll, flush or retention pass. */
    void updateConfig(LogConfig config);

    /**
     * Validates and appends the batches of a produce request as partition leader.
     *
     * <p>Validation: magic v2 only, CRC32C, batch sizes, {@code max.message.bytes}, then every record of every batch
     * is walked (compressed ones decompressed as a stream) and must match its header, with keys on compacted topics
     * and timestamps inside {@code message.timestamp.*}; each batch's max timestamp is set from its records (or to
     * the append time on {@code LogAppendTime} topics).
     * Batches sent with another codec than the topic's {@code compression.type} are rewritten in it (see
     * {@code Recompressor}); otherwise offsets and the partition leader epoch are assigned in place in
     * {@code records}' buffer. Idempotent batches
     * (producer id >= 0) are checked against the producer state: a duplicate of one of the producer's last five
     * batches is not appended again and its original offsets are returned with {@code duplicate=true}; a gap is
     * rejected with {@code OutOfOrderSequenceException}; a stale epoch with {@code InvalidProducerEpochException}.
     * A transactional batch opens its producer's transaction (which holds the last stable offset back) until the
     * coordinator's marker ({@link #appendTxnMarker}); when the leader verified it, only with a guard that still
     * holds ({@code verification}, KIP-890).
     *
     * @throws org.apache.kafka.common.errors.CorruptRecordException         bad CRC or malformed batch
     * @throws org.apache.kafka.common.InvalidRecordException                 unsupported magic, bad record (a
     *                                                                        {@link RecordErrors} lists refused records)
     * @throws org.apache.kafka.common.errors.UnknownServerException          undecompressable payload, as in Kafka
     * @throws org.apache.kafka.common.errors.RecordTooLargeException         batch over max.message.bytes
     * @throws org.apache.kafka.common.errors.InvalidTimestampException       timestamp out of the allowed window
     *                                                                        (a {@link RecordErrors})
     * @throws org.apache.kafka.common.errors.OutOfOrderSequenceException     sequence gap
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException   stale producer epoch
     * @throws org.apache.kafka.common.errors.InvalidTxnStateException        a non-transactional batch from a
     *                                                                        producer with a transaction open, or a
     *                                                                        transactional one that would start a
     *                                                                        transaction without a held guard
     * @throws org.apache.kafka.common.errors.KafkaStorageException          I/O failure, or the log directory is
     *         full: then nothing was appended and the directory stays online
     */
    AppendResult appendAsLeader(MemoryRecords records, int leaderEpoch, TxnVerification verification);

    /** {@link #appendAsLeader(MemoryRecords, int, TxnVerification)} of batches the leader did not verify. */
    default AppendResult appendAsLeader(MemoryRecords records, int leaderEpoch) {
        return appendAsLeader(records, leaderEpoch, TxnVerification.NONE);
    }

    /**
     * KIP-890, as leader: takes the guard under which a write of {@code producerId} at {@code producerEpoch} is
     * verified with the transaction coordinator, to be presented with its append
     * ({@link TxnVerification#verified}). The guard stops holding when anything ends or changes that producer's
     * transaction here first: a transactional batch or marker of the producer, a newer epoch's verification,
     * truncation, {@link #clearVerificationGuards}, or {@code producer.id.expiration.ms}. Concurrent verifications
     * of one producer and epoch share a guard. Guards are kept in memory only.
     *
     * @param transactionsV2 the producer runs transactions version 2 (KIP-890 part 2), whose markers carry the epoch
     *                       of its next transaction: a marker of the guard's own epoch leaves it held
     * @return empty when the producer's transaction of that epoch is open in this partition: the write continues it
     *         and there is nothing to verify
     */
    Optional<VerificationGuard> startTransactionVerification(long producerId, short producerEpoch,
                                                             boolean transactionsV2);

    /** Drops every verification guard: a new leadership starts, and verifications begun before it do not count. */
    void clearVerificationGuards();

    /**
     * Reads batches starting at the batch containing {@code fetchOffset}.
     *
     * @param maxBytes      soft limit on the slice size
     * @param maxOffset     exclusive upper bound on the offsets returned (the high watermark for consumers,
     *                      the log end offset for replicas)
     * @param minOneMessage when true, the first batch is returned even if it is larger than {@code maxBytes}
     * @return a slice of the segment file (zero-copy), possibly empty
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException if {@code fetchOffset} is below the log
     *         start offset or above the log end offset
     */
    LogReadInfo read(long fetchOffset, int maxBytes, long maxOffset, boolean minOneMessage);

    long logStartOffset();

    long logEndOffset();

    /** The high watermark; it never exceeds the log end offset and is persisted in a checkpoint. */
    long highWatermark();

    /**
     * Sets the high watermark to the given value, clamped to [log start, log end], even if that moves it back.
     * Only a follower may do this, with the value its leader reported; leaders use
     * {@link #maybeIncrementHighWatermark}.
     */
    void updateHighWatermark(long highWatermark);

    /**
     * Leader only: moves the high watermark forward to {@code highWatermark} (clamped to the log end offset) and
     * never back, atomically with respect to appends and other updates, so that concurrent callers that computed
     * their value at different times cannot move it backwards.
     *
     * @return whether the high watermark moved
     */
    boolean maybeIncrementHighWatermark(long highWatermark);

    /**
     * ListOffsets by timestamp: the first record whose timestamp is at or after {@code timestamp}, with its
     * timestamp and the leader epoch of its batch; empty if every record is older.
     */
    Optional<TimestampAndOffset> offsetForTimestamp(long timestamp);

    /** ListOffsets MAX_TIMESTAMP: the record with the largest timestamp (the first of equals); empty if empty. */
    Optional<TimestampAndOffset> maxTimestampAndOffset();

    /**
     * The last stable offset: the first offset of the oldest transaction that is open, or closed by a marker the
     * high watermark has not passed yet; the high watermark when there is none. read_committed consumers read
     * below it.
     */
    long lastStableOffset();

    /**
     * The aborted transactions that overlap offsets {@code [from, upTo)} (their ABORT marker at or after
     * {@code from}, their first offset below {@code upTo}), from the segments' {@code .txnindex}, in marker order;
     * read_committed consumers drop those transactions' records. May include a few more that do not overlap.
     */
    List<AbortedTxn> abortedTransactions(long from, long upTo);

    /**
     * Appends a transaction marker (a control batch with Kafka's EndTransactionMarker) for {@code producerId} as
     * leader, as the transaction coordinator asks with WriteTxnMarkers: it closes the producer's open transaction
     * (an ABORT is added to the segment's {@code .txnindex}).
     *
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException         an epoch older than the producer's
     * @throws org.apache.kafka.common.errors.TransactionCoordinatorFencedException a coordinator epoch older than the
     *                                                                              last marker's
     * @throws org.apache.kafka.common.errors.KafkaStorageException                 I/O failure or a full directory
     */
    AppendResult appendTxnMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                                 int leaderEpoch);

    /** Moves the log start offset forward (DeleteRecords); whole segments below it become deletable. */
    void advanceLogStartOffset(long newLogStartOffset);

    /**
     * Appends batches replicated from the leader as they are: offsets, leader epochs and producer ids kept as the
     * leader assigned them; batches are checked for structure and CRC; producer state and epochs follow them.
     *
     * @throws org.apache.kafka.common.InvalidRecordException if the batches do not start at or after the log
     *         end offset or go backwards
     */
    AppendResult appendAsFollower(MemoryRecords records);

    /** Removes every batch at or above {@code offset} (follower truncation). */
    void truncateTo(long offset);

    /**
     * Empties the log and restarts it at {@code offset}, which becomes the log start offset (a follower whose log
     * ends below its leader's log start).
     */
    void truncateFullyAndStartAt(long offset);

    /**
     * Records that leader epoch {@code epoch} starts at the current log end offset, as a new leader does when it
     * takes over (Kafka's {@code maybeAssignEpochStartOffset}), so that OffsetForLeaderEpoch answers for the
     * epoch before its first append. An epoch not newer than the latest one is ignored.
     *
     * @return the start offset recorded for {@code epoch}, or empty if it was not newer
     */
    Optional<EpochEntry> assignEpochStartOffset(int epoch);

    /** The latest leader epoch and its start offset, per the leader epoch cache; empty if none. */
    Optional<EpochEntry> latestEpoch();

    /**
     * OffsetForLeaderEpoch: the end offset of {@code epoch} (the start offset of the next larger epoch, or the log
     * end offset for the latest), with the largest epoch at or below the requested one; empty if unknown.
     */
    Optional<EpochEntry> endOffsetForEpoch(int epoch);

    /** The partition's directory ({@code <log dir>/<topic>-<partition>}); its parent is the log directory. */
    Path dir();

    /**
     * The idempotent producers whose state the log keeps (DescribeProducers), in no particular order. A snapshot:
     * later appends do not change the returned list.
     */
    List<ActiveProducer> activeProducers();

    /** Size in bytes of all segments. */
    long sizeInBytes();

    /** The number of segments, the active one included (Kafka's {@code NumLogSegments}); a log is never without one. */
    int numberOfSegments();

    /** Forces everything appended so far to disk and advances the recovery point. */
    void flush();

    /** Flushes, writes checkpoints and closes files. */
    @Override
    void close();
}
