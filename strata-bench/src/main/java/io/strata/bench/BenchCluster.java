package io.strata.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A 3-node cluster under benchmark (every node broker and controller), on 127.0.0.1 ports of its own, with its data in
 * a temporary directory: started, its nodes killed ({@code kill -9}) and restarted one at a time, stopped by PID.
 *
 * <p>Not thread-safe: driven by the harness thread.
 */
sealed interface BenchCluster extends AutoCloseable permits KafkaCluster, StrataCluster {

    /** The node ids, 1..3. */
    List<Integer> NODES = List.of(1, 2, 3);

    /** "kafka" or "strata", as in the other bench reports. */
    String name();

    /**
     * Starts every node and waits (at most {@code timeout}) until each serves Metadata; returns how long that took.
     */
    Duration start(Duration timeout) throws IOException, InterruptedException;

    /** Every node's client address, comma separated: a client's bootstrap.servers. */
    String bootstrap();

    /** The PID of a running node. */
    long pid(int node);

    /** The PIDs of the three nodes, for CPU accounting. */
    default List<Long> pids() {
        return NODES.stream().map(this::pid).toList();
    }

    /** The nodes' data directories, deleted after the run unless {@code --keep}. */
    List<Path> dataDirs();

    /** True when every node's process is alive. */
    boolean allAlive();

    /** SIGKILL to a node: no shutdown hook runs, nothing is flushed. Returns once the signal has been sent. */
    void kill9(int node) throws IOException, InterruptedException;

    /** Starts a node again after {@link #kill9} and waits (at most {@code timeout}) until it serves Metadata. */
    void restart(int node, Duration timeout) throws IOException, InterruptedException;

    /** The node id of the active controller (the metadata quorum's leader), from DescribeQuorum, if it answers. */
    default Optional<Integer> activeController() throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        try (Admin admin = Admin.create(p)) {
            int leader = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
            return leader >= 0 ? Optional.of(leader) : Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** A line for the report's notes: how the nodes run (launcher, JVM flags, failure detection). */
    String description();

    /** Stops every node (SIGTERM, then SIGKILL after a grace period). */
    @Override
    void close() throws IOException, InterruptedException;
}
