package io.strata.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.controller.Decision;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.image.MetadataConflictException;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.PartitionRecord;
import io.strata.metadata.records.MetadataRecord.RegisterBrokerRecord;
import io.strata.metadata.records.MetadataRecord.TopicRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives {@link LivenessMonitor#tick()} by hand with a scripted follower table, probe and metadata log. */
class LivenessMonitorTest {

    private static final Duration SESSION = Duration.ofMillis(9000);
    private static final Duration PROBE_AFTER = Duration.ofMillis(250);

    private final Uuid topicId = Uuid.randomUuid();
    private final Map<Integer, Long> sinceHeard = new HashMap<>();
    private final Set<Integer> refusing = new HashSet<>();
    private final List<Integer> probed = new ArrayList<>();
    private Optional<Map<Integer, Long>> leaderView = Optional.of(sinceHeard);
    private MetadataImage image;
    private int writes;
    private LivenessMonitor monitor;

    @BeforeEach
    void setUp() throws MetadataConflictException {
        List<MetadataRecord> records = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            records.add(new RegisterBrokerRecord(id, Uuid.randomUuid(), List.of(), Optional.empty(), false));
            sinceHeard.put(id, 0L);
        }
        records.add(new TopicRecord("t", topicId));
        records.add(new PartitionRecord(topicId, 0, List.of(1, 2, 3), List.of(1, 2, 3), 1, 0, 0));
        image = ImageBuilder.applyBatch(ImageBuilder.emptyImage("c"), records, 1);
        monitor = new LivenessMonitor(() -> leaderView, () -> image, this::write, id -> {
            probed.add(id);
            return refusing.contains(id);
        }, SESSION, PROBE_AFTER, Duration.ofMillis(100));
        monitor.tick(); // in office from here on (the first tick probes every voter: see onTakingOffice...)
        probed.clear();
    }

    /** Applies the decision at once, as a metadata log with no competition would. */
    private CompletableFuture<Void> write(Function<MetadataImage, Decision<Void>> decider) {
        writes++;
        try {
            image = ImageBuilder.applyBatch(image, decider.apply(image).records(), image.version() + 1);
            return CompletableFuture.completedFuture(null);
        } catch (MetadataConflictException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private int leader() {
        return image.topic(topicId).orElseThrow().partitions().get(0).leader();
    }

    @Test
    void aSilentBrokerThatRefusesConnectionsIsFencedBeforeTheSessionTimeout() {
        sinceHeard.put(1, 300L);
        refusing.add(1);
        monitor.tick();

        assertThat(image.brokers().get(1).fenced()).isTrue();
        assertThat(leader()).isEqualTo(2);
        assertThat(writes).isEqualTo(1);

        sinceHeard.put(1, 400L); // its last contact is still recent: probing again keeps it fenced
        monitor.tick();
        assertThat(image.brokers().get(1).fenced()).isTrue();
        assertThat(writes).isEqualTo(1);
    }

    @Test
    void aSilentBrokerThatAcceptsConnectionsWaitsForTheSessionTimeout() {
        sinceHeard.put(1, 5000L); // frozen (SIGSTOP): the kernel still accepts connections
        monitor.tick();
        assertThat(probed).containsExactly(1);
        assertThat(image.brokers().get(1).fenced()).isFalse();

        sinceHeard.put(1, 9001L);
        monitor.tick();
        assertThat(image.brokers().get(1).fenced()).isTrue();
        assertThat(leader()).isEqualTo(2);
    }

    @Test
    void recentlyHeardBrokersAreNotProbed() {
        sinceHeard.put(2, 249L);
        monitor.tick();
        assertThat(probed).isEmpty();
        assertThat(writes).isZero();
    }

    @Test
    void aFencedBrokerHeardFromAgainIsUnfenced() {
        sinceHeard.put(1, 300L);
        refusing.add(1);
        monitor.tick();
        assertThat(image.brokers().get(1).fenced()).isTrue();

        refusing.remove(1); // it came back
        sinceHeard.put(1, 10L);
        monitor.tick();
        assertThat(image.brokers().get(1).fenced()).isFalse();
    }

    @Test
    void decidesNothingWhenNotTheActiveController() {
        sinceHeard.put(1, 60_000L);
        leaderView = Optional.empty();
        monitor.tick();
        assertThat(writes).isZero();
        assertThat(probed).isEmpty();
    }

    @Test
    void onTakingOfficeEveryVoterIsProbedAtOnce() {
        leaderView = Optional.empty();
        monitor.tick();
        // Ratis restarts its follower clocks for a new leader: the killed former leader looks just heard from
        leaderView = Optional.of(sinceHeard);
        refusing.add(1);
        monitor.tick();
        assertThat(probed).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(image.brokers().get(1).fenced()).isTrue();
        assertThat(leader()).isEqualTo(2);

        probed.clear();
        monitor.tick(); // still in office: recently heard voters are left alone again
        assertThat(probed).isEmpty();
    }

    @Test
    void tcpProbeTellsARefusedPortFromAListeningOne() throws IOException {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        try (ServerSocket listening = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Map<Integer, InetSocketAddress> addresses = Map.of(
                    1, new InetSocketAddress("127.0.0.1", listening.getLocalPort()),
                    2, InetSocketAddress.createUnresolved("127.0.0.1", closedPort));
            LivenessMonitor.Probe probe = LivenessMonitor.tcpProbe(id -> Optional.ofNullable(addresses.get(id)),
                    Duration.ofMillis(200));
            assertThat(probe.refusesConnections(1)).isFalse();
            assertThat(probe.refusesConnections(2)).isTrue();
            assertThat(probe.refusesConnections(3)).isFalse(); // not in the Raft configuration: nothing known
        }
    }
}
