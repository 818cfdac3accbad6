package io.strata.server.replication;

import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaFollowing;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * The replica fetchers of this node: {@code num.replica.fetchers} per source broker, a followed partition always
 * on the same one (by hash), each fetching its partitions in one request. A partition moves between fetchers when
 * its leader changes.
 *
 * <p>Thread-safe.
 */
public final class ReplicaFetcherManager implements ReplicaFollowing {

    /** A fetcher's key: the leader it fetches from and its index among that leader's fetchers. */
    private record FetcherId(int leaderId, int index) {
    }

    private final int localNodeId;
    private final ReplicationConfig config;
    private final IntFunction<Optional<InetSocketAddress>> endpoints;
    private final Map<FetcherId, ReplicaFetcher> fetchers = new ConcurrentHashMap<>();
    private final Map<TopicPartition, FetcherId> assignment = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param endpoints a broker's address on {@code config.listenerName()}, from the current metadata
     */
    public ReplicaFetcherManager(int localNodeId, ReplicationConfig config,
                                 IntFunction<Optional<InetSocketAddress>> endpoints) {
        this.localNodeId = localNodeId;
        this.config = config;
        this.endpoints = endpoints;
    }

    @Override
    public void follow(Partition partition, int leaderId, int leaderEpoch) {
        if (closed) {
            return;
        }
        TopicPartition tp = partition.topicPartition();
        FetcherId id = new FetcherId(leaderId, Utils.toPositive(tp.hashCode()) % config.fetchersPerBroker());
        FetcherId previous = assignment.put(tp, id);
        if (previous != null && !previous.equals(id)) {
            fetchers.get(previous).unfollow(tp);
        }
        fetchers.computeIfAbsent(id, k -> {
            ReplicaFetcher fetcher = new ReplicaFetcher(localNodeId, k.leaderId(), k.index(), config, endpoints);
            fetcher.start();
            return fetcher;
        }).follow(partition, leaderEpoch);
    }

    @Override
    public void unfollow(TopicPartition tp) {
        FetcherId id = assignment.remove(tp);
        if (id != null) {
            fetchers.get(id).unfollow(tp);
        }
    }

    @Override
    public void close() {
        closed = true;
        fetchers.values().forEach(ReplicaFetcher::close);
        fetchers.clear();
        assignment.clear();
    }
}
