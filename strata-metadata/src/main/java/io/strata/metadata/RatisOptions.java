package io.strata.metadata;

import java.time.Duration;

/**
 * Tuning of the Ratis metadata quorum; {@link #defaults()} suits production, tests may shorten things.
 *
 * @param electionTimeoutMin   minimum follower election timeout (JVM pauses cause spurious elections below ~1 s)
 * @param electionTimeoutMax   maximum follower election timeout
 * @param snapshotThreshold    entries since the last snapshot after which one is taken automatically; the log is
 *                             purged up to the snapshot
 * @param startTimeout         how long {@link MetadataQuorum#start()} waits for the image to be current (e.g. for a
 *                             quorum of voters to form) before failing
 * @param maxEntryBytes        the largest metadata entry (batch) that can be replicated; larger proposals are
 *                             refused. The Raft log's write buffer (off-heap, resident) is this large, so it is
 *                             kept small: 4 MiB holds a CreateTopics of Kafka's maximum of 10,000 partitions
 *                             several times over
 */
public record RatisOptions(Duration electionTimeoutMin, Duration electionTimeoutMax, long snapshotThreshold,
                           Duration startTimeout, int maxEntryBytes) {

    public static RatisOptions defaults() {
        return new RatisOptions(Duration.ofMillis(1000), Duration.ofMillis(2000), 10_000, Duration.ofMinutes(5),
                4 << 20);
    }

    /** Election timeouts randomised between {@code min} and twice {@code min}, as Raft wants them spread. */
    public RatisOptions withElectionTimeout(Duration min) {
        return new RatisOptions(min, min.multipliedBy(2), snapshotThreshold, startTimeout, maxEntryBytes);
    }

    public RatisOptions withSnapshotThreshold(long threshold) {
        return new RatisOptions(electionTimeoutMin, electionTimeoutMax, threshold, startTimeout, maxEntryBytes);
    }

    public RatisOptions withStartTimeout(Duration timeout) {
        return new RatisOptions(electionTimeoutMin, electionTimeoutMax, snapshotThreshold, timeout, maxEntryBytes);
    }
}
