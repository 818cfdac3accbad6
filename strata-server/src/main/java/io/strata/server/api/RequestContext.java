package io.strata.server.api;

import io.strata.server.network.ConnectionInfo;
import io.strata.server.security.Authorizer;
import io.strata.server.security.Principal;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.Utils;

/**
 * A request's header and the connection it arrived on, with its authenticated principal and the node's
 * {@link Authorizer}: handlers ask {@link #authorized} per resource, as Kafka's {@code KafkaApis} does.
 */
public record RequestContext(RequestHeader header, ConnectionInfo connection, Authorizer authorizer) {

    /** Operations Kafka reports in {@code topic_authorized_operations} (Metadata, DescribeTopicPartitions). */
    public static final Set<AclOperation> TOPIC_OPERATIONS = EnumSet.of(AclOperation.READ, AclOperation.WRITE,
            AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.ALTER,
            AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
    /** Operations Kafka reports in {@code cluster_authorized_operations}. */
    public static final Set<AclOperation> CLUSTER_OPERATIONS = EnumSet.of(AclOperation.CREATE,
            AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
            AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE);
    /** Operations Kafka reports in {@code authorized_operations} of groups. */
    public static final Set<AclOperation> GROUP_OPERATIONS = EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE,
            AclOperation.DELETE);

    /** A request on a node without an authorizer (everything allowed). */
    public RequestContext(RequestHeader header, ConnectionInfo connection) {
        this(header, connection, Authorizer.ALLOW_ALL);
    }

    public short apiVersion() {
        return header.apiVersion();
    }

    public String listenerName() {
        return connection.listenerName();
    }

    /** Who sent the request (ANONYMOUS on PLAINTEXT listeners). */
    public Principal principal() {
        return connection.principal();
    }

    /** Whether the sender may perform {@code operation} on the named resource. */
    public boolean authorized(AclOperation operation, ResourceType type, String name) {
        return authorizer.authorize(principal(), connection.clientAddress().getAddress(), operation, type, name);
    }

    /** Whether the sender may perform {@code operation} on the cluster. */
    public boolean authorizedCluster(AclOperation operation) {
        return authorized(operation, ResourceType.CLUSTER, Authorizer.CLUSTER_NAME);
    }

    /** Whether the sender may perform {@code operation} on some resource of {@code type} (KIP-679). */
    public boolean authorizedAny(AclOperation operation, ResourceType type) {
        return authorizer.authorizeAny(principal(), connection.clientAddress().getAddress(), operation, type);
    }

    /** Kafka's 32-bit field of the operations in {@code candidates} the sender may perform on the resource. */
    public int authorizedOperations(Set<AclOperation> candidates, ResourceType type, String name) {
        Set<Byte> codes = new HashSet<>();
        for (AclOperation op : candidates) {
            if (authorized(op, type, name)) {
                codes.add(op.code());
            }
        }
        return Utils.to32BitField(codes);
    }
}
