package io.strata.server.api;

import io.strata.server.ApiModule;
import io.strata.server.NodeServices;
import io.strata.server.resources.FileDescriptorGuard;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs every producer and consumer needs: versions, metadata, produce, fetch, offsets, topics; and the broker
 * side of transaction markers (WriteTxnMarkers), which the data path owns (InitProducerId is the transaction
 * module's).
 */
public final class CoreApis implements ApiModule {
    /** How long a transaction marker waits for the ISR: Kafka's default {@code request.timeout.ms}. */
    public static final long MARKER_TIMEOUT_MS = 30_000;

    @Override
    public void register(RequestDispatcher dispatcher, NodeServices s) {
        dispatcher.register(ApiKeys.API_VERSIONS, 0, 4, new ApiVersionsHandler(dispatcher::versions,
                        s.quorum()::image))
                .register(ApiKeys.METADATA, 0, 13, new MetadataHandler(s.nodeId(), s.quorum(), s.topics(),
                        s.replicas(), s.config().autoCreateTopics()))
                .register(ApiKeys.PRODUCE, 3, 13, new ProduceHandler(s.quorum(), s.replicas(), s.metrics().topics(),
                        s.schemaIds()))
                .register(ApiKeys.FETCH, 4, 18, new FetchHandler(s.quorum(), s.replicas(), s.metrics().topics()))
                .register(ApiKeys.LIST_OFFSETS, 1, 11, new ListOffsetsHandler(s.quorum(), s.replicas()))
                .register(ApiKeys.CREATE_TOPICS, 2, 7, new CreateTopicsHandler(s.quorum(), s.topics(),
                        s.logConfigs(), s.config().numPartitions(),
                        new PartitionAdmission(FileDescriptorGuard.processWide())))
                .register(ApiKeys.DELETE_TOPICS, 1, 6, new DeleteTopicsHandler(s.quorum(), s.topics()))
                .register(ApiKeys.DESCRIBE_CLUSTER, 0, 2, new DescribeClusterHandler(s.nodeId(), s.quorum()))
                .register(ApiKeys.WRITE_TXN_MARKERS, 1, 2, new WriteTxnMarkersHandler(s.quorum(), s.replicas(),
                        MARKER_TIMEOUT_MS));
    }
}
