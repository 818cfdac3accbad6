package io.strata.server.cluster;

import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.ProducerIdBlock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands out producer ids from blocks that the metadata quorum allocates to this node, so that ids are unique
 * across the cluster and across restarts without a metadata write per producer. Thread-safe.
 */
public final class ProducerIdManager {

    private final int nodeId;
    private final MetadataQuorum quorum;
    private final QuorumWaiter waiter;
    private final ReentrantLock lock = new ReentrantLock();
    private long next;
    private long end;

    public ProducerIdManager(int nodeId, MetadataQuorum quorum, QuorumWaiter waiter) {
        this.nodeId = nodeId;
        this.quorum = quorum;
        this.waiter = waiter;
    }

    /** A producer id never handed out before. Blocks on a metadata write once per block. */
    public long nextProducerId() {
        lock.lock();
        try {
            if (next >= end) {
                // Rare (once per block) and short: holding the lock makes concurrent callers share one allocation.
                ProducerIdBlock block = waiter.await(quorum.allocateProducerIds(nodeId));
                next = block.firstProducerId();
                end = block.firstProducerId() + block.size();
            }
            return next++;
        } finally {
            lock.unlock();
        }
    }
}
