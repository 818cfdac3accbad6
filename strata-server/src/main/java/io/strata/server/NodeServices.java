package io.strata.server;

import io.strata.metadata.MetadataPublishing;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.cluster.LogConfigResolver;
import io.strata.server.cluster.QuorumWaiter;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.TopicService;
import io.strata.server.config.ServerConfig;
import io.strata.server.metrics.BrokerMetrics;
import io.strata.server.replication.ReplicationConfig;
import io.strata.server.schemaid.SchemaIdValidator;
import io.strata.storage.LogManager;

/**
 * What a node's API modules are built from: its configuration and its long-lived services, all started before any
 * module registers, except {@code publishing}, which starts once every module has registered its metadata
 * publishers. Every service is thread-safe. {@code replication} is how this node reaches other brokers' inter-broker
 * listener, security included; {@code schemaIds} checks records of topics with schema id validation on.
 */
public record NodeServices(ServerConfig config, MetadataQuorum quorum, MetadataPublishing publishing, LogManager logs,
                           ReplicaManager replicas, LogConfigResolver logConfigs, TopicService topics,
                           QuorumWaiter waiter, BrokerMetrics metrics,
                           ReplicationConfig replication, SchemaIdValidator schemaIds) {

    public int nodeId() {
        return config.nodeId();
    }
}
