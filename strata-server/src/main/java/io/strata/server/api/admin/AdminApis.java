package io.strata.server.api.admin;

import io.strata.server.ApiModule;
import io.strata.server.NodeServices;
import io.strata.server.api.NodeFeatures;
import io.strata.server.api.PartitionAdmission;
import io.strata.server.api.RequestDispatcher;
import io.strata.server.resources.FileDescriptorGuard;
import io.strata.server.security.DynamicTls;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The Admin API beyond topic creation and deletion: configs, partitions, records, log dirs, producers, leader
 * elections, leader epochs, partition reassignments, topic partition descriptions, the metadata quorum and
 * finalized features, each with the version range of kafka-clients 4.3.1.
 */
public final class AdminApis implements ApiModule {

    private final DynamicTls tls;

    /** @param tls the listeners' key and trust stores that broker configs can change at run time */
    public AdminApis(DynamicTls tls) {
        this.tls = tls;
    }

    @Override
    public void register(RequestDispatcher dispatcher, NodeServices s) {
        ConfigAlterer alterer = new ConfigAlterer(s.quorum(), s.waiter(), s.nodeId(), tls);
        ConfigDescriber describer = new ConfigDescriber(s.config(), s.logConfigs());
        dispatcher.register(ApiKeys.CREATE_PARTITIONS, 0, 3, new CreatePartitionsHandler(s.quorum(), s.waiter(),
                        new PartitionAdmission(FileDescriptorGuard.processWide())))
                .register(ApiKeys.DELETE_RECORDS, 0, 2, new DeleteRecordsHandler(s.quorum(), s.replicas()))
                .register(ApiKeys.DESCRIBE_CONFIGS, 1, 4, new DescribeConfigsHandler(s.quorum(), alterer, describer))
                .register(ApiKeys.ALTER_CONFIGS, 0, 2, new AlterConfigsHandler(s.quorum(), alterer))
                .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1,
                        new IncrementalAlterConfigsHandler(s.quorum(), alterer))
                .register(ApiKeys.DESCRIBE_LOG_DIRS, 1, 5, new DescribeLogDirsHandler(s.config().logDirs(), s.logs()))
                .register(ApiKeys.DESCRIBE_PRODUCERS, 0, 0, new DescribeProducersHandler(s.quorum(), s.replicas()))
                .register(ApiKeys.ELECT_LEADERS, 0, 2, new ElectLeadersHandler(s.quorum(), s.waiter()))
                .register(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, 0, new DescribeTopicPartitionsHandler(s.nodeId(),
                        s.quorum(), s.replicas()::isOffline, s.config().maxRequestPartitionSizeLimit()))
                .register(ApiKeys.DESCRIBE_QUORUM, 0, 2, new DescribeQuorumHandler(s.quorum(),
                        s.config().quorumVoters(), s.config().controllerListenerNames().get(0),
                        s.config().metadataRequestTimeoutMs()))
                .register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4,
                        new OffsetForLeaderEpochHandler(s.quorum(), s.replicas()))
                .register(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0, 1,
                        new AlterPartitionReassignmentsHandler(s.quorum(), s.waiter()))
                .register(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, 0,
                        new ListPartitionReassignmentsHandler(s.quorum()))
                .register(ApiKeys.UPDATE_FEATURES, 0, 2, new UpdateFeaturesHandler(s.quorum(), s.waiter(),
                        NodeFeatures.supported(s.nodeId())));
    }
}
