package io.strata.server.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.cluster.IsrChanges;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.coordinator.group.GroupCoordinator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A node's metrics, in one Prometheus registry of its own (several nodes in one JVM, as in tests, do not mix): the
 * counters the request path updates ({@link #topics}, {@link #requests}), the families read from the node's
 * services at scrape time (partitions, groups and lag, quorum, connections), and the JVM's (memory, GC, threads).
 *
 * <p>Thread-safe. The {@code register...} methods are called while the node starts.
 */
public final class BrokerMetrics {

    /**
     * The JVM's metrics, registered once per JVM: they describe the process, not a node, and the JDK keeps the GC
     * listeners that the allocation metrics add forever, so registering them per node would leak with every node a
     * test starts.
     */
    private static final PrometheusRegistry JVM = jvmRegistry();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final BrokerTopicMetrics topics;
    private final RequestMetrics requests;

    /** A node's metrics, recorded on the request path. */
    public BrokerMetrics() {
        this(true);
    }

    /**
     * @param recording false when nothing can read the metrics (the node has no HTTP listener): the produce, fetch
     *                  and request counters then cost the request path nothing; scrape-time families are unaffected
     */
    public BrokerMetrics(boolean recording) {
        topics = new BrokerTopicMetrics(recording);
        topics.register(registry);
        requests = new RequestMetrics(registry, recording);
        registry.register((MultiCollector) JVM::scrape);
    }

    private static PrometheusRegistry jvmRegistry() {
        PrometheusRegistry jvm = new PrometheusRegistry();
        JvmMetrics.builder().register(jvm);
        return jvm;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public BrokerTopicMetrics topics() {
        return topics;
    }

    public RequestMetrics requests() {
        return requests;
    }

    /** {@code delegate}, counting the ISR shrinks and expansions the controller accepts. */
    public IsrChanges countingIsrChanges(IsrChanges delegate, MetadataQuorum quorum) {
        return new IsrChangeMetrics(delegate, quorum::image, registry);
    }

    /** The hosted partitions' log gauges and the replica manager's counts. */
    public void registerPartitions(ReplicaManager replicas) {
        registry.register(new PartitionMetrics(
                () -> replicas.partitions().stream().map(PartitionMetrics.Sample::of).toList(),
                () -> replicas.offlinePartitions().size()));
    }

    /** The metadata quorum's state as this node sees it; deleted topics' counters are dropped by its image. */
    public void registerQuorum(int nodeId, MetadataQuorum quorum) {
        registry.register(new QuorumMetrics(nodeId, quorum::image, quorum::describeQuorum));
        topics.retainExisting(topic -> quorum.image().topic(topic).isPresent());
    }

    /** Lag, state and members of the groups {@code coordinator} coordinates, end offsets read from {@code replicas}. */
    public void registerGroups(GroupCoordinator coordinator, ReplicaManager replicas) {
        registry.register(new GroupMetrics(coordinator::summaries, tp -> replicas.partition(tp)
                .map(Partition::log).map(l -> OptionalLong.of(l.highWatermark())).orElse(OptionalLong.empty())));
    }

    /** Open client connections per listener ({@code connection-count} of Kafka's socket-server-metrics). */
    public void registerConnections(Supplier<Map<String, Integer>> byListener) {
        GaugeWithCallback.builder().name("kafka_server_socket_server_metrics_connection_count")
                .help("Open client connections, per listener (connection-count).").labelNames("listener")
                .callback(cb -> byListener.get().forEach((listener, count) -> cb.call(count, listener)))
                .register(registry);
    }
}
