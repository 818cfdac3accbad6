package io.strata.metadata;

import static io.strata.metadata.QuorumTestSupport.broker;
import static io.strata.metadata.QuorumTestSupport.config;
import static io.strata.metadata.QuorumTestSupport.topic;
import static io.strata.metadata.QuorumTestSupport.voters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A single-voter quorum, the way a one-node Strata runs it. */
class RatisMetadataQuorumTest {

    private static final Logger log = LoggerFactory.getLogger(RatisMetadataQuorumTest.class);
    private static final ConfigResourceKey CLUSTER_DEFAULT = new ConfigResourceKey(ConfigResourceKey.Type.BROKER, "");

    @TempDir
    Path dir;

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(20, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        return future.handle((v, e) -> e).join();
    }

    private static RatisMetadataQuorum started(QuorumConfig config) throws Exception {
        RatisMetadataQuorum quorum = new RatisMetadataQuorum(config);
        quorum.start();
        return quorum;
    }

    @Test
    void performsEveryControllerOperation() throws Exception {
        try (RatisMetadataQuorum quorum = started(config(1, voters(1), dir))) {
            assertThat(quorum.isLeader()).isTrue();
            List<MetadataImage[]> changes = new CopyOnWriteArrayList<>();
            quorum.addListener((previous, current) -> changes.add(new MetadataImage[] {previous, current}));

            get(quorum.registerBroker(broker(1)));
            assertThat(quorum.image().brokers()).containsOnlyKeys(1);
            assertThat(changes).hasSize(1);
            assertThat(changes.get(0)[1]).isSameAs(quorum.image());
            assertThat(changes.get(0)[0].brokers()).isEmpty();

            Map<String, TopicOutcome> created = get(quorum.createTopics(List.of(topic("a", 3, 1),
                    new NewTopic("b", 1, (short) 1, Map.of(), Map.of("cleanup.policy", "compact")),
                    topic("c", 1, 2)), false));
            assertThat(created.get("a").error()).isEmpty();
            assertThat(created.get("c").error()).isPresent();
            MetadataImage image = quorum.image();
            assertThat(image.topicsByName()).containsOnlyKeys("a", "b");
            assertThat(image.topic("a").orElseThrow().id()).isEqualTo(created.get("a").topicId());
            assertThat(image.configs(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, "b")))
                    .containsEntry("cleanup.policy", "compact");

            assertThat(get(quorum.createTopics(List.of(topic("a", 1, 1)), false)).get("a").error())
                    .get().isInstanceOf(TopicExistsException.class);
            long before = quorum.image().version();
            assertThat(get(quorum.createTopics(List.of(topic("v", 1, 1)), true)).get("v").error()).isEmpty();
            assertThat(quorum.image().version()).isEqualTo(before);
            assertThat(quorum.image().topic("v")).isEmpty();

            Map<String, TopicOutcome> grown = get(quorum.createPartitions(Map.of("a", 5, "b", 1), false));
            assertThat(grown.get("a").error()).isEmpty();
            assertThat(grown.get("b").error()).get().isInstanceOf(InvalidPartitionsException.class);
            assertThat(quorum.image().topic("a").orElseThrow().partitions()).hasSize(5);

            Map<String, String> changesToConfig = new HashMap<>();
            changesToConfig.put("log.retention.ms", "1000");
            changesToConfig.put("num.io.threads", "4");
            get(quorum.alterConfigs(CLUSTER_DEFAULT, changesToConfig));
            changesToConfig.clear();
            changesToConfig.put("num.io.threads", null);
            get(quorum.alterConfigs(CLUSTER_DEFAULT, changesToConfig));
            assertThat(quorum.image().configs(CLUSTER_DEFAULT)).isEqualTo(Map.of("log.retention.ms", "1000"));
            assertThat(failureOf(quorum.alterConfigs(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, "zz"),
                    Map.of("k", "v")))).isInstanceOf(UnknownTopicOrPartitionException.class);

            assertThat(get(quorum.allocateProducerIds(1))).isEqualTo(new ProducerIdBlock(1, 0, 1000));
            assertThat(get(quorum.allocateProducerIds(1))).isEqualTo(new ProducerIdBlock(1, 1000, 1000));
            assertThat(quorum.image().nextProducerId()).isEqualTo(2000);

            Uuid bId = created.get("b").topicId();
            Uuid unknown = Uuid.randomUuid();
            Map<Uuid, TopicOutcome> deleted = get(quorum.deleteTopics(List.of(bId, unknown)));
            assertThat(deleted.get(bId).error()).isEmpty();
            assertThat(deleted.get(unknown).error()).get().isInstanceOf(UnknownTopicIdException.class);
            assertThat(quorum.image().topicsByName()).containsOnlyKeys("a");
            assertThat(quorum.image().configs(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, "b"))).isEmpty();

            // every change reached the listeners in order, each with the image before it
            for (int i = 1; i < changes.size(); i++) {
                assertThat(changes.get(i)[0]).isSameAs(changes.get(i - 1)[1]);
                assertThat(changes.get(i)[1].version()).isGreaterThan(changes.get(i - 1)[1].version());
            }
            assertThat(changes.get(changes.size() - 1)[1]).isSameAs(quorum.image());
        }
    }

    @Test
    void restartsWithEverythingFromTheLogAndFromASnapshot() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1);
        MetadataImage beforeClose;
        try (RatisMetadataQuorum quorum = started(config(1, voters, dir))) {
            get(quorum.registerBroker(broker(1)));
            get(quorum.createTopics(List.of(topic("t1", 4, 1)), false));
            get(quorum.alterConfigs(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, "t1"),
                    Map.of("retention.ms", "77")));
            get(quorum.allocateProducerIds(1));
            beforeClose = quorum.image();
        }
        long t0 = System.nanoTime();
        MetadataImage afterSnapshot;
        try (RatisMetadataQuorum quorum = started(config(1, voters, dir))) {
            log.info("single node restart (warm JVM) took {} ms",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            assertThat(withoutVersion(quorum.image())).isEqualTo(withoutVersion(beforeClose));
            assertThat(quorum.image().version()).isGreaterThanOrEqualTo(beforeClose.version());

            long snapshotIndex = quorum.takeSnapshot();
            assertThat(snapshotIndex).isGreaterThanOrEqualTo(beforeClose.version());
            get(quorum.createTopics(List.of(topic("t2", 2, 1)), false));
            get(quorum.alterConfigs(CLUSTER_DEFAULT, Map.of("a", "b")));
            afterSnapshot = quorum.image();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.matches("snapshot\\.\\d+_\\d+"));
        }
        try (RatisMetadataQuorum quorum = started(config(1, voters, dir))) {
            assertThat(withoutVersion(quorum.image())).isEqualTo(withoutVersion(afterSnapshot));
            assertThat(quorum.image().topic("t1").orElseThrow().partitions()).hasSize(4);
            assertThat(quorum.image().configs(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, "t1")))
                    .containsEntry("retention.ms", "77");
            assertThat(quorum.image().nextProducerId()).isEqualTo(1000);
            get(quorum.createTopics(List.of(topic("t3", 1, 1)), false)); // still writable
            assertThat(quorum.image().topicsByName()).containsOnlyKeys("t1", "t2", "t3");
        }
    }

    @Test
    void agreesItsCandidateClusterIdAndKeepsItAcrossRestartsAndSnapshots() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1);
        try (RatisMetadataQuorum quorum = started(config(1, voters, dir, "first-candidate"))) {
            assertThat(quorum.image().clusterId()).isEqualTo("first-candidate");
        }
        try (RatisMetadataQuorum quorum = started(config(1, voters, dir, "second-candidate"))) {
            assertThat(quorum.image().clusterId()).isEqualTo("first-candidate"); // from the log
            quorum.takeSnapshot();
        }
        try (RatisMetadataQuorum quorum = started(config(1, voters, dir, "third-candidate"))) {
            assertThat(quorum.image().clusterId()).isEqualTo("first-candidate"); // from the snapshot
        }
    }

    @Test
    void takesSnapshotsAutomaticallyAndPurgesTheLog() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1);
        RatisOptions options = RatisOptions.defaults().withSnapshotThreshold(20);
        MetadataImage last;
        try (RatisMetadataQuorum quorum = new RatisMetadataQuorum(config(1, voters, dir), options)) {
            quorum.start();
            get(quorum.registerBroker(broker(1)));
            for (int i = 0; i < 60; i++) {
                get(quorum.createTopics(List.of(topic("t" + i, 1, 1)), false));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> snapshotFiles().size() >= 1);
            last = quorum.image();
        }
        try (RatisMetadataQuorum quorum = new RatisMetadataQuorum(config(1, voters, dir), options)) {
            List<MetadataImage> seen = new CopyOnWriteArrayList<>();
            quorum.addListener((previous, current) -> seen.add(current));
            quorum.start();
            assertThat(withoutVersion(quorum.image())).isEqualTo(withoutVersion(last));
            assertThat(quorum.image().topicsByName()).hasSize(60);
            assertThat(seen).isNotEmpty(); // listeners added before start see the recovery
        }
    }

    private List<Path> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+")).toList();
        }
    }

    @Test
    void refusesAnEntryLargerThanTheLogTakesAndStaysWritable() throws Exception {
        try (RatisMetadataQuorum quorum = started(config(1, voters(1), dir))) {
            get(quorum.registerBroker(broker(1)));
            String huge = "x".repeat(RatisOptions.defaults().maxEntryBytes() + 1);
            Throwable error = failureOf(quorum.createTopics(List.of(new NewTopic("big", 1, (short) 1, Map.of(),
                    Map.of("cleanup.policy", huge))), false));
            assertThat(error).isInstanceOf(PolicyViolationException.class).hasMessageContaining("split the request");
            get(quorum.createTopics(List.of(topic("small", 1, 1)), false));
            assertThat(quorum.image().topicsByName()).containsOnlyKeys("small");
        }
    }

    @Test
    void createsTenThousandPartitionsInOneEntry() throws Exception {
        try (RatisMetadataQuorum quorum = started(config(1, voters(1), dir))) {
            for (int b = 1; b <= 3; b++) {
                get(quorum.registerBroker(broker(b)));
            }
            List<MetadataImage> applied = new CopyOnWriteArrayList<>();
            quorum.addListener((previous, current) -> applied.add(current));
            long t0 = System.nanoTime();
            List<NewTopic> topics = IntStream.range(0, 100).mapToObj(i -> topic("bulk-" + i, 100, 3)).toList();
            Map<String, TopicOutcome> outcomes = get(quorum.createTopics(topics, false));
            log.info("10,000 partitions (100 topics) created in {} ms",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            assertThat(outcomes.values()).allSatisfy(o -> assertThat(o.error()).isEmpty());
            assertThat(applied).hasSize(1); // one entry, one consensus round
            assertThat(quorum.image().topicsByName().values().stream().mapToInt(t -> t.partitions().size()).sum())
                    .isEqualTo(10_000);
            Map<Integer, Long> leaders = quorum.image().topicsByName().values().stream()
                    .flatMap(t -> t.partitions().values().stream())
                    .collect(Collectors.groupingBy(PartitionImage::leader, Collectors.counting()));
            assertThat(leaders).containsOnlyKeys(1, 2, 3)
                    .allSatisfy((b, n) -> assertThat(n).isBetween(3000L, 3700L));
        }
    }

    @Test
    void concurrentConflictingProposalsHaveExactlyOneWinner() throws Exception {
        try (RatisMetadataQuorum quorum = started(config(1, voters(1), dir))) {
            get(quorum.registerBroker(broker(1)));
            List<CompletableFuture<Map<String, TopicOutcome>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(quorum.createTopics(List.of(topic("same", 1, 1), topic("own-" + i, 1, 1)), false));
            }
            List<TopicOutcome> same = new ArrayList<>();
            for (CompletableFuture<Map<String, TopicOutcome>> f : futures) {
                Map<String, TopicOutcome> outcome = get(f);
                same.add(outcome.get("same"));
                assertThat(outcome.values().stream().filter(o -> !o.name().equals("same")))
                        .allSatisfy(o -> assertThat(o.error()).isEmpty());
            }
            assertThat(same.stream().filter(o -> o.error().isEmpty())).hasSize(1);
            assertThat(same.stream().filter(o -> o.error().isPresent()))
                    .allSatisfy(o -> assertThat(o.error()).get().isInstanceOf(TopicExistsException.class));
            assertThat(quorum.image().topicsByName()).hasSize(9);

            List<CompletableFuture<ProducerIdBlock>> blocks = IntStream.range(0, 8)
                    .mapToObj(i -> quorum.allocateProducerIds(1)).toList();
            Set<Long> starts = new java.util.HashSet<>();
            for (CompletableFuture<ProducerIdBlock> block : blocks) {
                starts.add(get(block).firstProducerId());
            }
            assertThat(starts).hasSize(8);
            assertThat(quorum.image().nextProducerId()).isEqualTo(8000);
        }
    }

    @Test
    void measuresCommitLatency() throws Exception {
        try (RatisMetadataQuorum quorum = started(config(1, voters(1), dir))) {
            long[] micros = new long[200];
            for (int i = 0; i < micros.length; i++) {
                long t0 = System.nanoTime();
                get(quorum.alterConfigs(CLUSTER_DEFAULT, Map.of("k", Integer.toString(i))));
                micros[i] = (System.nanoTime() - t0) / 1000;
            }
            java.util.Arrays.sort(micros);
            log.info("single node commit latency: p50 {} us, p99 {} us", micros[micros.length / 2],
                    micros[micros.length * 99 / 100]);
            assertThat(quorum.image().configs(CLUSTER_DEFAULT)).containsEntry("k", "199");
        }
    }

    /** Brokers 1-3 (only 1 a voter), topic "t" of 3 partitions over them, and broker 2 restarted and back in sync. */
    private static TopicPartition restartedPreferredReplica(RatisMetadataQuorum quorum) throws Exception {
        for (int id = 1; id <= 3; id++) {
            get(quorum.registerBroker(broker(id)));
        }
        get(quorum.createTopics(List.of(topic("t", 3, 3)), false));
        get(quorum.controlledShutdown(2));
        get(quorum.registerBroker(broker(2)));
        TopicImage t = quorum.image().topic("t").orElseThrow();
        for (Map.Entry<Integer, PartitionImage> e : t.partitions().entrySet()) {
            PartitionImage p = e.getValue();
            List<Integer> isr = new ArrayList<>(p.isr());
            isr.add(2);
            get(quorum.alterPartition(t.id(), e.getKey(), p.leader(), p.leaderEpoch(), p.partitionEpoch(), isr));
        }
        int index = t.partitions().entrySet().stream().filter(e -> e.getValue().replicas().get(0) == 2)
                .findFirst().orElseThrow().getKey();
        assertThat(t.partitions().get(index).leader()).isNotEqualTo(2);
        return new TopicPartition("t", index);
    }

    private static PartitionImage partition(RatisMetadataQuorum quorum, TopicPartition tp) {
        return quorum.image().topic(tp.topic()).orElseThrow().partitions().get(tp.partition());
    }

    private QuorumConfig withRebalance(LeaderRebalanceConfig rebalance) {
        return new QuorumConfig(1, voters(1), dir, QuorumTestSupport.CLUSTER_ID, Duration.ofSeconds(15),
                QuorumConfig.DEFAULT_BROKER_SESSION_TIMEOUT, rebalance);
    }

    @Test
    void electsPreferredLeadersOnRequest() throws Exception {
        try (RatisMetadataQuorum quorum = started(withRebalance(new LeaderRebalanceConfig(false,
                Duration.ofMillis(100), 10)))) {
            TopicPartition moved = restartedPreferredReplica(quorum);
            int epoch = partition(quorum, moved).leaderEpoch();

            Map<TopicPartition, Optional<ApiException>> results = get(quorum.electLeaders(ElectionType.PREFERRED,
                    Optional.empty()));
            assertThat(results).containsExactly(Map.entry(moved, Optional.empty()));
            assertThat(partition(quorum, moved).leader()).isEqualTo(2);
            assertThat(partition(quorum, moved).leaderEpoch()).isEqualTo(epoch + 1);
            assertThat(get(quorum.electLeaders(ElectionType.PREFERRED, Optional.of(List.of(moved)))).get(moved))
                    .containsInstanceOf(ElectionNotNeededException.class);
        }
    }

    @Test
    void theActiveControllerRebalancesLeadersByItselfWhenEnabled() throws Exception {
        try (RatisMetadataQuorum quorum = started(withRebalance(new LeaderRebalanceConfig(true,
                Duration.ofMillis(100), 10)))) {
            TopicPartition moved = restartedPreferredReplica(quorum);
            await().atMost(Duration.ofSeconds(10)).until(() -> partition(quorum, moved).leader() == 2);
        }
    }

    @Test
    void describesTheQuorumAsItsLeaderSeesIt() throws Exception {
        RatisMetadataQuorum quorum = started(config(1, voters(1), dir));
        try {
            get(quorum.registerBroker(broker(1)));
            long before = System.currentTimeMillis();
            // An entry may be appended and not yet committed at the moment of a describe (the liveness monitor
            // unfences the new broker meanwhile): a single voter's log end then catches up with the high watermark.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                QuorumStatus status = get(quorum.describeQuorum());
                assertThat(status.leaderId()).isEqualTo(1);
                assertThat(status.leaderEpoch()).isPositive();
                assertThat(status.highWatermark()).isGreaterThan(quorum.image().version());
                assertThat(status.observers()).isEmpty();
                assertThat(status.voters()).singleElement().satisfies(v -> {
                    assertThat(v.nodeId()).isEqualTo(1);
                    assertThat(v.logEndOffset()).isEqualTo(status.highWatermark());
                    assertThat(v.lastFetchTimestamp().orElseThrow()).isGreaterThanOrEqualTo(before);
                    assertThat(v.lastCaughtUpTimestamp()).isEqualTo(v.lastFetchTimestamp());
                });
            });
        } finally {
            quorum.close();
        }
        assertThat(failureOf(quorum.describeQuorum()))
                .isInstanceOf(org.apache.kafka.common.errors.NotLeaderOrFollowerException.class);
    }

    @Test
    void closeLeavesNoNonDaemonThreadsAndFailsLaterCalls() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        RatisMetadataQuorum quorum = started(config(1, voters(1), dir));
        get(quorum.registerBroker(broker(1)));
        quorum.close();
        quorum.close(); // idempotent
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.isAlive() && !t.isDaemon() && !before.contains(t))
                        .filter(t -> !t.getName().startsWith("awaitility"))
                        .map(Thread::getName)).isEmpty());
        assertThat(failureOf(quorum.registerBroker(broker(2))))
                .isInstanceOf(org.apache.kafka.common.errors.NotControllerException.class);
    }

    @Test
    void startFailsWhenTheControllerPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<Integer, InetSocketAddress> voters = Map.of(1, new InetSocketAddress("127.0.0.1",
                    taken.getLocalPort()));
            RatisMetadataQuorum quorum = new RatisMetadataQuorum(config(1, voters, dir));
            assertThatThrownBy(quorum::start).isInstanceOf(Exception.class);
            quorum.close();
        }
    }

    @Test
    void refusesNodesThatAreNotVoters() {
        assertThatThrownBy(() -> new RatisMetadataQuorum(config(2, voters(1), dir)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static MetadataImage withoutVersion(MetadataImage image) {
        return new MetadataImage(0, image.clusterId(), image.brokers(), image.topicsByName(), image.topicsById(),
                image.configs(), image.nextProducerId());
    }
}
