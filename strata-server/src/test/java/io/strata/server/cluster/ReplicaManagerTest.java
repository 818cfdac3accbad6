package io.strata.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.image.ImageDelta;
import io.strata.metadata.records.MetadataRecord;
import io.strata.storage.Log;
import io.strata.storage.LogConfig;
import io.strata.storage.LogDirFailure;
import io.strata.storage.LogManager;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplicaManagerTest {

    private static final int NODE = 1;
    private static final Path LOG_DIR = Path.of("/data/strata-logs");

    private CountingLogManager logs;
    private ReplicaManager replicas;

    @BeforeEach
    void setUp() {
        logs = new CountingLogManager();
        replicas = new ReplicaManager(NODE, logs, new LogConfigResolver(NODE, Map.of()), ReplicaFollowing.NONE,
                IsrChanges.NONE, 30_000, Time.SYSTEM);
    }

    @AfterEach
    void tearDown() {
        replicas.close();
        logs.close();
    }

    private static MetadataImage apply(MetadataImage base, List<MetadataRecord> records) throws Exception {
        return ImageBuilder.applyBatch(base, records, base.version() + 1);
    }

    private static List<MetadataRecord> topic(String name, Uuid id, int partitions, List<Integer> replicas) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.TopicRecord(name, id));
        for (int p = 0; p < partitions; p++) {
            records.add(new MetadataRecord.PartitionRecord(id, p, replicas, replicas, replicas.get(0), 0, 0));
        }
        return records;
    }

    private void publish(MetadataImage from, MetadataImage to) {
        replicas.publish(ImageDelta.between(from, to));
    }

    @Test
    void oneTopicChangeAmongTenThousandPartitionsTouchesOnlyThatTopic() throws Exception {
        List<MetadataRecord> records = new ArrayList<>();
        List<Uuid> ids = new ArrayList<>();
        for (int t = 0; t < 2_000; t++) {
            Uuid id = Uuid.randomUuid();
            ids.add(id);
            records.addAll(topic("t" + t, id, 5, List.of(NODE)));
        }
        MetadataImage empty = ImageBuilder.emptyImage("c");
        MetadataImage big = apply(empty, records);
        publish(empty, big);
        assertThat(replicas.partitions()).hasSize(10_000);
        logs.reset();

        // A new topic, a leader change in one topic and a config change of another.
        List<MetadataRecord> change = new ArrayList<>(topic("new", Uuid.randomUuid(), 3, List.of(NODE)));
        change.add(new MetadataRecord.PartitionChangeRecord(ids.get(7), 2, List.of(NODE), List.of(NODE), NODE, 1, 1));
        change.add(new MetadataRecord.ConfigRecord(ConfigResourceKey.Type.TOPIC, "t9", "retention.ms",
                Optional.of("1000")));
        MetadataImage changed = apply(big, change);
        publish(big, changed);

        assertThat(logs.getOrCreate).hasValue(3);
        assertThat(logs.all).hasValue(0);
        assertThat(logs.get).hasValue(3);
        assertThat(replicas.partition(new TopicPartition("t7", 2)).orElseThrow().leaderEpoch()).isEqualTo(1);
        assertThat(replicas.partition(new TopicPartition("t9", 4)).orElseThrow().log().config().retentionMs())
                .isEqualTo(1000);
        assertThat(replicas.partition(new TopicPartition("t8", 4)).orElseThrow().log().config().retentionMs())
                .isEqualTo(LogConfig.DEFAULT.retentionMs());
    }

    @Test
    void aLogThatCannotBeCreatedTakesOnlyItsPartitionOffline() throws Exception {
        logs.failFor = new TopicPartition("a", 1);
        MetadataImage empty = ImageBuilder.emptyImage("c");
        Uuid a = Uuid.randomUuid();
        MetadataImage image = apply(empty, topic("a", a, 3, List.of(NODE)));
        publish(empty, image);

        assertThat(replicas.partition(new TopicPartition("a", 0))).isPresent();
        assertThat(replicas.partition(new TopicPartition("a", 2))).isPresent();
        assertThat(replicas.offlinePartitions()).containsOnlyKeys(new TopicPartition("a", 1));
        assertThatThrownBy(() -> replicas.partitionOrException(image, new TopicPartition("a", 1)))
                .isInstanceOf(KafkaStorageException.class);

        // The next change of the topic tries again.
        logs.failFor = null;
        MetadataImage next = apply(image, List.of(new MetadataRecord.PartitionChangeRecord(a, 0, List.of(NODE),
                List.of(NODE), NODE, 1, 1)));
        publish(image, next);
        assertThat(replicas.offlinePartitions()).isEmpty();
        assertThat(replicas.partition(new TopicPartition("a", 1))).isPresent();
    }

    @Test
    void lookupsAnswerWithKafkasErrors() throws Exception {
        MetadataImage empty = ImageBuilder.emptyImage("c");
        MetadataImage image = apply(empty, topic("elsewhere", Uuid.randomUuid(), 1, List.of(2)));
        publish(empty, image);
        assertThatThrownBy(() -> replicas.partitionOrException(image, new TopicPartition("elsewhere", 0)))
                .isInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(() -> replicas.partitionOrException(image, new TopicPartition("elsewhere", 1)))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> replicas.partitionOrException(image, new TopicPartition("missing", 0)))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void deletedTopicsAndMovedReplicasLoseTheirLogs() throws Exception {
        MetadataImage empty = ImageBuilder.emptyImage("c");
        Uuid a = Uuid.randomUuid();
        Uuid b = Uuid.randomUuid();
        List<MetadataRecord> records = new ArrayList<>(topic("a", a, 1, List.of(NODE)));
        records.addAll(topic("b", b, 1, List.of(NODE, 2)));
        MetadataImage image = apply(empty, records);
        publish(empty, image);
        assertThat(logs.all()).hasSize(2);

        MetadataImage next = apply(image, List.of(new MetadataRecord.RemoveTopicRecord(a),
                new MetadataRecord.PartitionChangeRecord(b, 0, List.of(2), List.of(2), 2, 1, 1)));
        publish(image, next);
        assertThat(replicas.partitions()).isEmpty();
        assertThat(logs.all()).isEmpty();
    }

    @Test
    void aFailedLogDirectoryTakesItsReplicasOfflineForGood() throws Exception {
        MetadataImage empty = ImageBuilder.emptyImage("c");
        Uuid a = Uuid.randomUuid();
        MetadataImage image = apply(empty, topic("a", a, 2, List.of(NODE)));
        publish(empty, image);
        Partition hosted = replicas.partition(new TopicPartition("a", 0)).orElseThrow();
        Wakeup waiter = new Wakeup();
        hosted.watch(waiter);

        replicas.logDirFailed(LOG_DIR);

        assertThat(replicas.partitions()).isEmpty();
        assertThat(replicas.offlinePartitions()).containsOnlyKeys(new TopicPartition("a", 0),
                new TopicPartition("a", 1));
        assertThat(waiter.await(System.nanoTime())).isTrue();
        assertThatThrownBy(() -> replicas.partitionOrException(image, new TopicPartition("a", 1)))
                .isInstanceOf(KafkaStorageException.class).hasMessageContaining("log directory");
        // A later change of the topic does not bring the replica back in another directory.
        MetadataImage next = apply(image, List.of(new MetadataRecord.PartitionChangeRecord(a, 0, List.of(NODE),
                List.of(NODE), NODE, 1, 1)));
        publish(image, next);
        assertThat(replicas.partitions()).isEmpty();
        assertThat(replicas.isOffline(new TopicPartition("a", 0))).isTrue();
    }

    /**
     * An in-memory log manager whose logs know only their identity and config (enough for the replica manager's
     * bookkeeping; a real log per partition would make this test measure the file system). Counts the calls
     * that cost per partition, and can fail the creation of one log.
     */
    private static final class CountingLogManager implements LogManager {
        final Map<TopicPartition, Log> logs = new ConcurrentHashMap<>();
        final AtomicInteger getOrCreate = new AtomicInteger();
        final AtomicInteger get = new AtomicInteger();
        final AtomicInteger all = new AtomicInteger();
        volatile TopicPartition failFor;

        void reset() {
            getOrCreate.set(0);
            get.set(0);
            all.set(0);
        }

        @Override
        public void startup(LogConfigSource configs) {
        }

        @Override
        public Log getOrCreate(TopicPartition tp, Uuid topicId, LogConfig config) {
            getOrCreate.incrementAndGet();
            if (tp.equals(failFor)) {
                throw new KafkaStorageException("Too many open files (injected)");
            }
            return logs.computeIfAbsent(tp, k -> identityLog(tp, topicId, config));
        }

        @Override
        public Optional<Log> get(TopicPartition tp) {
            get.incrementAndGet();
            return Optional.ofNullable(logs.get(tp));
        }

        @Override
        public Collection<Log> all() {
            all.incrementAndGet();
            return List.copyOf(logs.values());
        }

        @Override
        public void delete(TopicPartition tp) {
            logs.remove(tp);
        }

        @Override
        public void onLogDirFailure(Consumer<LogDirFailure> listener) {
        }

        @Override
        public Set<Path> offlineLogDirs() {
            return Set.of();
        }

        @Override
        public boolean isOnline(Path dir) {
            return true;
        }

        @Override
        public void close() {
            logs.clear();
        }

        /** A log that answers its identity and config, an empty log's offsets, and ignores the rest. */
        private static Log identityLog(TopicPartition tp, Uuid topicId, LogConfig initial) {
            AtomicReference<LogConfig> config = new AtomicReference<>(initial);
            InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
                case "topicPartition" -> tp;
                case "topicId" -> topicId;
                case "config" -> config.get();
                case "updateConfig" -> {
                    config.set((LogConfig) args[0]);
                    yield null;
                }
                case "assignEpochStartOffset", "latestEpoch" -> Optional.empty();
                case "maybeIncrementHighWatermark" -> false;
                case "logEndOffset", "highWatermark", "logStartOffset", "sizeInBytes" -> 0L;
                case "dir" -> LOG_DIR.resolve(tp.toString());
                case "toString" -> "log of " + tp;
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> null;
            };
            return (Log) Proxy.newProxyInstance(Log.class.getClassLoader(), new Class<?>[] {Log.class}, handler);
        }
    }
}
