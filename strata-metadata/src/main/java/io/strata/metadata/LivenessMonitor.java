package io.strata.metadata;

import io.strata.metadata.controller.Decision;
import io.strata.metadata.controller.ReplicationControl;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active controller's watch over broker liveness: on every tick it takes when each node (voter or Ratis
 * listener) was last heard from (Ratis knows this only on its leader) and writes the fencing, unfencing and leader
 * elections {@link ReplicationControl#reconcileLiveness} decides.
 *
 * <p>Two signals. The session timeout ({@code broker.session.timeout.ms}) covers every failure, a frozen process
 * or an unreachable host included. A node that has been silent for longer than a tick is also
 * <em>probed</em>: a TCP connection to its Raft address is refused only when no process listens there any
 * more, which after a {@code kill -9} or a crash is true at once. Such a broker is fenced without waiting for the
 * session timeout, so its partitions get new leaders in well under a second instead of after nine. A probe that
 * connects, or times out (a frozen process still accepts connections; a lost host answers nothing), proves
 * nothing and leaves the broker to the session timeout.
 *
 * <p>A decision is taken only when its inputs changed (the image version or the set of brokers considered alive),
 * so a quiet, healthy cluster costs one look at the Raft leader's follower table per tick, a connection to each
 * node not heard from since the last tick (Raft heartbeats are half an election timeout apart), and writes nothing.
 *
 * <p>Thread-safety: {@link #tick()} runs on the monitor's single thread (or a test's); {@link #start()} and
 * {@link #close()} may be called from any thread.
 */
final class LivenessMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LivenessMonitor.class);

    /** Tells whether a node's Raft address refuses connections (no process listens there). */
    @FunctionalInterface
    interface Probe {
        boolean refusesConnections(int nodeId);
    }

    private final Supplier<Optional<Map<Integer, Long>>> sinceHeardMs;
    private final Supplier<MetadataImage> image;
    private final Function<Function<MetadataImage, Decision<Void>>, CompletableFuture<Void>> writer;
    private final Probe probe;
    private final long sessionTimeoutMs;
    private final long probeAfterMs;
    private final Duration interval;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("strata-liveness").daemon().factory());
    /** The pending write, if any; tick thread only. */
    private CompletableFuture<Void> pendingWrite = CompletableFuture.completedFuture(null);
    /** The inputs of the last decision that wrote nothing; tick thread only. */
    private Inputs lastQuiet;
    /** Whether the last tick found this node leading; tick thread only. */
    private boolean leading;

    /** What a decision depends on: equal inputs give an equal decision. */
    private record Inputs(long imageVersion, Map<Integer, Boolean> alive) {
    }

    /**
     * @param sinceHeardMs  per node (voters and listeners), the milliseconds since the Raft leader last heard from
     *                      it; empty when this node is not the Raft leader
     * @param image         the current metadata image
     * @param writer        submits a decision to the metadata log
     * @param probe         the connection probe
     * @param sessionTimeout {@code broker.session.timeout.ms}
     * @param probeAfter    how long a node may be silent before it is probed (a tick: a connection a tick to an
     *                      idle node between Raft heartbeats costs little, a late fencing costs writes)
     * @param interval      time between ticks
     */
    LivenessMonitor(Supplier<Optional<Map<Integer, Long>>> sinceHeardMs, Supplier<MetadataImage> image,
                    Function<Function<MetadataImage, Decision<Void>>, CompletableFuture<Void>> writer, Probe probe,
                    Duration sessionTimeout, Duration probeAfter, Duration interval) {
        this.sinceHeardMs = sinceHeardMs;
        this.image = image;
        this.writer = writer;
        this.probe = probe;
        this.sessionTimeoutMs = sessionTimeout.toMillis();
        this.probeAfterMs = probeAfter.toMillis();
        this.interval = interval;
    }

    /**
     * A probe that opens (and at once closes) a TCP connection to each node's Raft address: a voter's controller
     * address or a listener's address, as {@code raftAddress} finds it (in the current Raft configuration).
     */
    static Probe tcpProbe(Function<Integer, Optional<InetSocketAddress>> raftAddress, Duration connectTimeout) {
        return nodeId -> {
            Optional<InetSocketAddress> address = raftAddress.apply(nodeId);
            if (address.isEmpty()) {
                return false;
            }
            InetSocketAddress peer = address.get();
            try (Socket socket = new Socket()) {
                // Closed with a reset, not a FIN: a probe several times a second must not leave a TIME_WAIT
                // socket holding a local port each time.
                socket.setSoLinger(true, 0);
                // addresses are kept unresolved; resolving here also follows a host whose address changed
                socket.connect(new InetSocketAddress(peer.getHostString(), peer.getPort()),
                        (int) connectTimeout.toMillis());
                return false;
            } catch (ConnectException e) {
                return true; // refused: nothing listens there
            } catch (IOException e) {
                return false; // timed out or unreachable: may be a pause or a network fault, not proof
            }
        };
    }

    void start() {
        ticks.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One look at liveness; writes at most one decision at a time. */
    void tick() {
        try {
            if (!pendingWrite.isDone()) {
                return;
            }
            Optional<Map<Integer, Long>> heard = sinceHeardMs.get();
            if (heard.isEmpty()) {
                lastQuiet = null; // not the active controller: decide afresh when this node leads again
                leading = false;
                return;
            }
            // Ratis starts its follower clocks when a leader takes office, so the previous leader, most likely gone,
            // would look silent only after probeAfter: at the first tick in office every node is probed at once.
            long silentFor = leading ? probeAfterMs : -1;
            leading = true;
            MetadataImage current = image.get();
            Map<Integer, Long> since = withProbes(current, heard.get(), silentFor);
            Map<Integer, Boolean> alive = new HashMap<>();
            since.forEach((id, ms) -> alive.put(id, ms <= sessionTimeoutMs));
            Inputs inputs = new Inputs(current.version(), alive);
            if (inputs.equals(lastQuiet)) {
                return;
            }
            Function<MetadataImage, Decision<Void>> decider =
                    latest -> ReplicationControl.reconcileLiveness(latest, since, sessionTimeoutMs);
            if (decider.apply(current).records().isEmpty()) {
                lastQuiet = inputs;
                return;
            }
            lastQuiet = null;
            log.info("Brokers last heard {} ms ago (session timeout {} ms): changing fencing or leadership",
                    since, sessionTimeoutMs);
            pendingWrite = writer.apply(decider).exceptionally(e -> {
                log.warn("Liveness change failed: {}", e.toString());
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("Liveness check failed", e); // keep the schedule: the next tick may succeed
        }
    }

    /**
     * The silence per node, where a registered broker that has been silent for longer than {@code silentForMs}
     * and refuses connections counts as silent forever. Fenced brokers are probed too, so that one fenced this
     * way is not unfenced at the next tick merely because its last contact is recent.
     */
    private Map<Integer, Long> withProbes(MetadataImage current, Map<Integer, Long> heard, long silentForMs) {
        Map<Integer, Long> since = new HashMap<>(heard);
        heard.forEach((id, ms) -> {
            BrokerRegistration broker = current.brokers().get(id);
            if (ms > silentForMs && ms <= sessionTimeoutMs && broker != null && !broker.inControlledShutdown()
                    && probe.refusesConnections(id)) {
                if (!broker.fenced()) {
                    log.info("Broker {}, silent for {} ms, refuses connections: fencing it without waiting for "
                            + "the session timeout", id, ms);
                }
                since.put(id, Long.MAX_VALUE);
            }
        });
        return since;
    }

    @Override
    public void close() {
        ticks.shutdownNow();
    }
}
