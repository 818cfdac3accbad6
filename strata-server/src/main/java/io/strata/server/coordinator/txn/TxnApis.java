package io.strata.server.coordinator.txn;

import io.strata.metadata.MetadataPublisher;
import io.strata.metadata.image.ImageDelta;
import io.strata.server.ApiModule;
import io.strata.server.NodeServices;
import io.strata.server.api.CoreApis;
import io.strata.server.api.RequestDispatcher;
import io.strata.server.api.WriteTxnMarkersHandler;
import io.strata.server.cluster.ProducerIdManager;
import io.strata.server.coordinator.FindCoordinatorHandler;
import io.strata.server.coordinator.group.GroupApis;
import io.strata.server.coordinator.group.GroupCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Producer ids and transactions (versions 1 and 2): InitProducerId, FindCoordinator for both key types, the
 * transaction coordinator's APIs, with state in {@code __transaction_state}. Registered after {@link GroupApis},
 * whose coordinator answers FindCoordinator for groups and maps groups to {@code __consumer_offsets} partitions.
 */
public final class TxnApis implements ApiModule {

    private static final Logger log = LoggerFactory.getLogger(TxnApis.class);

    private final GroupApis groups;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private Optional<TransactionCoordinator> coordinator = Optional.empty();

    public TxnApis(GroupApis groups) {
        this.groups = groups;
    }

    @Override
    public void register(RequestDispatcher dispatcher, NodeServices s) {
        GroupCoordinator group = groups.coordinator().orElseThrow(() ->
                new IllegalStateException("The group module registers first"));
        TxnConfig config = TxnConfig.from(s.config());
        ProducerIdManager producerIds = new ProducerIdManager(s.nodeId(), s.quorum(), s.waiter());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "txn-coordinator-timer");
            t.setDaemon(true);
            return t;
        });
        owned.add(() -> {
            scheduler.shutdownNow();
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        });
        TxnLog txnLog = new TxnLog(config, s.quorum(), s.replicas(), s.topics(), Time.SYSTEM);
        owned.add(txnLog);
        // The markers of this node's own partitions, and its leaders' questions to its own coordinator, are
        // handled in-process: the same handlers, without a loopback round trip.
        WriteTxnMarkersHandler localMarkers = new WriteTxnMarkersHandler(s.quorum(), s.replicas(),
                CoreApis.MARKER_TIMEOUT_MS);
        NetworkMarkerChannel markers = new NetworkMarkerChannel(s.nodeId(), s.quorum(), s.replication(),
                localMarkers::write);
        owned.add(markers);
        TransactionCoordinator c = new TransactionCoordinator(s.nodeId(), config, txnLog, markers,
                producerIds::nextProducerId, Time.SYSTEM, scheduler);
        owned.add(c);
        coordinator = Optional.of(c);
        AddPartitionsToTxnHandler addPartitions = new AddPartitionsToTxnHandler(c, s.quorum());
        NetworkTransactionVerifier verifier = new NetworkTransactionVerifier(s.nodeId(), s.quorum(),
                s.replication(), txnLog::coordinatorOf, TxnConfig.verificationEnabled(s.config()),
                addPartitions::forBroker);
        owned.add(verifier);
        s.replicas().setTransactionVerifier(verifier);
        s.publishing().register(new MetadataPublisher() {
            @Override
            public String name() {
                return "TransactionCoordinator";
            }

            @Override
            public void publish(ImageDelta delta) {
                c.onMetadata(delta.image());
            }
        });
        dispatcher.register(ApiKeys.FIND_COORDINATOR, 0, 6, new FindCoordinatorHandler(group::findCoordinator,
                        id -> txnLog.ensureTopic().flatMap(t -> txnLog.coordinatorOf(id))))
                .register(ApiKeys.INIT_PRODUCER_ID, 0, 5, new InitProducerIdHandler(producerIds, c))
                .register(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 5, addPartitions)
                .register(ApiKeys.ADD_OFFSETS_TO_TXN, 0, 4, new AddOffsetsToTxnHandler(c, group::partitionFor))
                .register(ApiKeys.END_TXN, 0, 5, new EndTxnHandler(c))
                .register(ApiKeys.DESCRIBE_TRANSACTIONS, 0, 0, new DescribeTransactionsHandler(c))
                .register(ApiKeys.LIST_TRANSACTIONS, 0, 2, new ListTransactionsHandler(c));
    }

    /** The node's transaction coordinator, once registered. */
    public Optional<TransactionCoordinator> coordinator() {
        return coordinator;
    }

    /** Stops the coordinator (in-flight completions are left to the next load), then its log and timer. */
    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("Stopping the transaction coordinator", e);
            }
        }
    }
}
