package io.strata.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.NewTopic;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.image.ImageDelta;
import io.strata.server.cluster.IsrChanges;
import io.strata.server.cluster.LogConfigResolver;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaFollowing;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.network.ConnectionInfo;
import io.strata.storage.FileLogManager;
import io.strata.storage.LogConfig;
import io.strata.storage.LogManagerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteTxnMarkersHandlerTest {

    private static final TopicPartition DATA = new TopicPartition("t", 0);
    private static final TopicPartition OFFSETS = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, 0);

    @TempDir
    Path dir;

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(1);
    private FileLogManager logs;
    private ReplicaManager replicas;
    private WriteTxnMarkersHandler handler;

    @BeforeEach
    void setUp() {
        logs = new FileLogManager(new LogManagerConfig(List.of(dir), 1, 60_000, 60_000, 300_000, 0));
        logs.startup(tp -> LogConfig.DEFAULT);
        replicas = new ReplicaManager(1, logs, new LogConfigResolver(1, Map.of()), ReplicaFollowing.NONE,
                IsrChanges.NONE, 30_000, Time.SYSTEM);
        quorum.createTopics(List.of(new NewTopic("t", 1, (short) 1, Map.of(), Map.of()),
                new NewTopic(Topic.GROUP_METADATA_TOPIC_NAME, 1, (short) 1, Map.of(), Map.of())), false).join();
        replicas.publish(ImageDelta.between(ImageBuilder.emptyImage(), quorum.image()));
        handler = new WriteTxnMarkersHandler(quorum, replicas, 5_000);
    }

    @AfterEach
    void tearDown() {
        replicas.close();
        logs.close();
    }

    private Map<TopicPartition, Errors> write(long pid, int coordinatorEpoch, boolean commit,
                                              List<TopicPartition> partitions) {
        WriteTxnMarkersRequest request = new WriteTxnMarkersRequest.Builder(List.of(
                new WriteTxnMarkersRequest.TxnMarkerEntry(pid, (short) 0, coordinatorEpoch,
                        commit ? TransactionResult.COMMIT : TransactionResult.ABORT, partitions, (short) 0)))
                .build((short) 1);
        RequestContext context = new RequestContext(new RequestHeader(ApiKeys.WRITE_TXN_MARKERS, (short) 1, "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        return new WriteTxnMarkersResponse((org.apache.kafka.common.message.WriteTxnMarkersResponseData)
                handler.handle(context, request)).errorsByProducerId().get(pid);
    }

    @Test
    void markersCloseTransactionsAndAnswerPerPartitionWithKafkasCodes() {
        Partition data = replicas.partition(DATA).orElseThrow();
        data.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, 5, (short) 0, 0,
                new SimpleRecord("x".getBytes())));
        assertThat(data.log().lastStableOffset()).isZero();

        TopicPartition unknown = new TopicPartition("missing", 0);
        assertThat(write(5, 2, false, List.of(DATA, unknown))).containsExactlyInAnyOrderEntriesOf(Map.of(
                DATA, Errors.NONE, unknown, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        assertThat(data.log().lastStableOffset()).isEqualTo(2);
        assertThat(data.log().abortedTransactions(0, 2)).hasSize(1);
        assertThat(write(5, 1, true, List.of(DATA))).containsEntry(DATA, Errors.TRANSACTION_COORDINATOR_FENCED);
    }

    @Test
    void committedMarkersOnConsumerOffsetsReachTheListener() {
        List<String> seen = new CopyOnWriteArrayList<>();
        replicas.setTransactionMarkerListener((partition, producerId, producerEpoch, commit, markerOffset) ->
                seen.add(partition + "/" + producerId + "/" + commit + "@" + markerOffset));

        assertThat(write(6, 0, true, List.of(OFFSETS, DATA))).containsOnly(
                Map.entry(OFFSETS, Errors.NONE), Map.entry(DATA, Errors.NONE));
        assertThat(seen).containsExactly(OFFSETS + "/6/true@0");
    }
}
