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
 * @param maxEntryBytes        the largest metadata entry (batch) that can be replicated; the Raft log's write
 *                             buffer (off-heap) is this large
 */
public record RatisOptions(Duration electionTimeoutMin, Duration electionTimeoutMax, long snapshotThreshold,
                           Duration startTimeout, int maxEntryBytes) {

    public static RatisOptions defaults() {
        return new RatisOptions(Duration.ofMillis(1000), Duration.ofMillis(2000), 10_000, Duration.ofMinutes(5),
                16 << 20);
    }

    public RatisOptions withSnapshotThreshold(long threshold) {
        return new RatisOptions(electionTimeoutMin, electionTimeoutMax, threshold, startTimeout, maxEntryBytes);
    }

    public RatisOptions withStartTimeout(Duration timeout) {
        return new RatisOptions(electionTimeoutMin, electionTimeoutMax, snapshotThreshold, timeout, maxEntryBytes);
    }
}
