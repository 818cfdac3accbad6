package io.strata.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * Three Strata nodes ({@link StrataBroker}s: real {@code strata server} JVMs on ephemeral ports, data under
 * {@code dir/node-N}), every one a voter of one {@code controller.quorum.voters} list, configured as the reference
 * Kafka cluster of {@code cluster.sh} is: replication factor 3, {@code min.insync.replicas=2}, fenced after
 * {@link KafkaCluster#SESSION_TIMEOUT_MS} ms without being heard from.
 *
 * <p>Not thread-safe: driven by the harness thread.
 */
final class StrataCluster implements BenchCluster {

    /** The line a node logs when it learns of a new metadata quorum leader (its Ratis state machine). */

    private final List<StrataBroker> nodes = new ArrayList<>();
    private final String heap;

    StrataCluster(Jvm jvm, Path dir, ChildProcesses children, String heap) {
        this.heap = heap;
        for (int id : NODES) {
            nodes.add(new StrataBroker(jvm, dir.resolve("node-" + id), children));
        }
        String voters = nodes.stream().map(n -> (nodes.indexOf(n) + 1) + "@" + Broker.HOST + ":" + n.controllerPort)
                .collect(Collectors.joining(","));
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).heap(heap)
                    .config("node.id", Integer.toString(i + 1))
                    .config("controller.quorum.voters", voters)
                    .config("default.replication.factor", "3")
                    .config("min.insync.replicas", "2")
                    .config("offsets.topic.replication.factor", "3")
                    .config("unclean.leader.election.enable", "false")
                    .config("broker.session.timeout.ms", Integer.toString(KafkaCluster.SESSION_TIMEOUT_MS))
                    .config("group.initial.rebalance.delay.ms", "0");
        }
    }

    @Override
    public String name() {
        return "strata";
    }

    /** Starts the nodes together: each waits at start until the quorum has a majority. */
    @Override
    public Duration start(Duration timeout) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        List<Thread> starters = new ArrayList<>();
        for (StrataBroker node : nodes) {
            starters.add(Thread.ofPlatform().start(() -> {
                try {
                    node.start(timeout);
                } catch (IOException | InterruptedException | RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : starters) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IOException("a Strata node did not start: " + failures.peek().getMessage(), failures.peek());
        }
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    @Override
    public String bootstrap() {
        return nodes.stream().map(Broker::bootstrap).collect(Collectors.joining(","));
    }

    @Override
    public long pid(int node) {
        return nodes.get(node - 1).pid();
    }

    @Override
    public List<Path> dataDirs() {
        return nodes.stream().map(Broker::dataDir).toList();
    }

    @Override
    public boolean allAlive() {
        return nodes.stream().allMatch(Broker::alive);
    }

    @Override
    public void kill9(int node) throws InterruptedException {
        nodes.get(node - 1).kill9();
    }

    @Override
    public void restart(int node, Duration timeout) throws IOException, InterruptedException {
        nodes.get(node - 1).start(timeout);
    }

    @Override
    public String description() {
        return "strata: 3 x io.strata.cli.StrataCli server (JVM flags " + String.join(" ", Jvm.brokerFlags(heap))
                + ", plus its class-data archive), broker.session.timeout.ms=" + KafkaCluster.SESSION_TIMEOUT_MS;
    }

    /** Stops the nodes together, so that the last one's controlled shutdown still finds a quorum. */
    @Override
    public void close() throws InterruptedException {
        List<Thread> stoppers = new ArrayList<>();
        for (StrataBroker node : nodes) {
            stoppers.add(Thread.ofPlatform().start(() -> {
                try {
                    node.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : stoppers) {
            t.join();
        }
    }
}
