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
import io.strata.server.cluster.TransactionSupport;
import io.strata.server.cluster.TransactionVerifier;
import io.strata.server.metrics.BrokerTopicMetrics;
import io.strata.server.network.ConnectionInfo;
import io.strata.server.schemaid.SchemaIdValidator;
import io.strata.storage.ActiveProducer;
import io.strata.storage.FileLogManager;
import io.strata.storage.LogConfig;
import io.strata.storage.LogManagerConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Produce's KIP-890 seam with the transaction coordinator, with a scripted verifier standing in for it: the
 * verification and the append are one atomic step for the partition's transaction state.
 */
class ProduceHandlerTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long PRODUCER_ID = 7;
    private static final short EPOCH = 0;

    @TempDir
    Path dir;

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(1);
    private FileLogManager logs;
    private ReplicaManager replicas;
    private ProduceHandler handler;
    private Partition partition;

    @BeforeEach
    void setUp() {
        logs = new FileLogManager(new LogManagerConfig(List.of(dir), 1, 60_000, 60_000, 300_000, 0));
        logs.startup(tp -> LogConfig.DEFAULT);
        replicas = new ReplicaManager(1, logs, new LogConfigResolver(1, Map.of()), ReplicaFollowing.NONE,
                IsrChanges.NONE, 30_000, Time.SYSTEM);
        quorum.createTopics(List.of(new NewTopic("t", 1, (short) 1, Map.of(), Map.of())), false).join();
        replicas.publish(ImageDelta.between(ImageBuilder.emptyImage(), quorum.image()));
        handler = new ProduceHandler(quorum, replicas, new BrokerTopicMetrics(), new SchemaIdValidator());
        partition = replicas.partition(TP).orElseThrow();
    }

    @AfterEach
    void tearDown() {
        replicas.close();
        logs.close();
    }

    /** A coordinator that accepts every partition, after {@code whileAsked} runs as if during its round trip. */
    private static TransactionVerifier accepting(AtomicInteger asked, Runnable whileAsked) {
        return new TransactionVerifier() {
            @Override
            public boolean verifies(TransactionSupport support) {
                return true;
            }

            @Override
            public Map<TopicPartition, Errors> verify(String transactionalId, long producerId, short producerEpoch,
                                                      Set<TopicPartition> partitions, TransactionSupport support) {
                asked.incrementAndGet();
                whileAsked.run();
                return Map.of();
            }
        };
    }

    private Errors produce(short version, int sequence) {
        MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, PRODUCER_ID, EPOCH, sequence,
                new SimpleRecord(("v" + sequence).getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000)
                .setTransactionalId("txn");
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TP.topic());
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(TP.partition())
                .setRecords(batch));
        data.topicData().add(topic);
        RequestContext context = new RequestContext(new RequestHeader(ApiKeys.PRODUCE, version, "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        ProduceResponseData response = (ProduceResponseData) handler.handle(context, new ProduceRequest(data, version));
        return Errors.forCode(response.responses().iterator().next().partitionResponses().get(0).errorCode());
    }

    private List<Long> openTransactions() {
        return partition.log().activeProducers().stream().map(ActiveProducer::currentTxnStartOffset)
                .filter(offset -> offset >= 0).toList();
    }

    /**
     * The coordinator answers "in the transaction", but the transaction aborts before the append: its marker
     * reaches the partition while the leader waits. The write would open a transaction no marker closes; it is
     * refused with INVALID_TXN_STATE, for every version, as Kafka's log refuses it.
     */
    @ParameterizedTest(name = "Produce v{0}")
    @ValueSource(shorts = {10, 11})
    void aTransactionEndingWhileTheCoordinatorAnswersRefusesTheWrite(short version) {
        AtomicInteger asked = new AtomicInteger();
        replicas.setTransactionVerifier(accepting(asked,
                () -> partition.appendTxnMarker(PRODUCER_ID, EPOCH, 0, false)));

        assertThat(produce(version, 0)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(asked).hasValue(1);
        assertThat(partition.log().logEndOffset()).as("only the marker").isEqualTo(1);
        assertThat(openTransactions()).isEmpty();
    }

    /** Without a marker in between, the verified write opens the transaction; later ones continue it unasked. */
    @ParameterizedTest(name = "Produce v{0}")
    @ValueSource(shorts = {11, 12})
    void aVerifiedWriteOpensTheTransactionAndLaterWritesNeedNoVerification(short version) {
        AtomicInteger asked = new AtomicInteger();
        replicas.setTransactionVerifier(accepting(asked, () -> { }));

        assertThat(produce(version, 0)).isEqualTo(Errors.NONE);
        assertThat(produce(version, 1)).isEqualTo(Errors.NONE);
        assertThat(asked).hasValue(1);
        assertThat(openTransactions()).containsExactly(0L);
    }
}
