package io.strata.server.api;

import io.strata.server.security.Authorizer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The authorisation rule of every API the node serves, as Kafka's {@code KafkaApis} checks them: no check (the
 * version and SASL exchange), a check of the whole request (the cluster, the request's one group or transactional
 * id) made by the {@link RequestDispatcher} before the handler runs, or checks per resource made by the handler
 * (topics, groups, transactional ids in batches), which answers the denied entries with Kafka's error and serves
 * the others. A node refuses to register an API without a rule, so none is forgotten. Stateless and thread-safe.
 */
public final class ApiAuthorization {

    /** How an API is authorised. */
    public sealed interface Rule {
    }

    /** Served to everyone: ApiVersions and the SASL exchange (authentication happens there). */
    public record Open() implements Rule {
    }

    /**
     * The request as a whole needs every check; the first denied one answers the whole request with its error
     * (CLUSTER_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED, TRANSACTIONAL_ID_AUTHORIZATION_FAILED).
     */
    public record Whole(List<Check> checks) implements Rule {
        public Whole {
            checks = List.copyOf(checks);
        }
    }

    /** The handler checks each resource; {@code checks} says what, for people and the rule table's test. */
    public record InHandler(String checks) implements Rule {
    }

    /** One operation on the resource a request names. */
    public record Check(AclOperation operation, ResourceType type, Function<AbstractRequest, String> name) {

        static Check cluster(AclOperation operation) {
            return new Check(operation, ResourceType.CLUSTER, r -> Authorizer.CLUSTER_NAME);
        }

        /** The error Kafka answers a denial of this check with. */
        ApiException denial() {
            return ApiAuthorization.denial(type);
        }
    }

    private static final Map<ApiKeys, Rule> RULES = new EnumMap<>(ApiKeys.class);

    static {
        Open open = new Open();
        RULES.put(ApiKeys.API_VERSIONS, open);
        RULES.put(ApiKeys.SASL_HANDSHAKE, open);
        RULES.put(ApiKeys.SASL_AUTHENTICATE, open);

        cluster(ApiKeys.WRITE_TXN_MARKERS, AclOperation.CLUSTER_ACTION);
        cluster(ApiKeys.ELECT_LEADERS, AclOperation.ALTER);
        cluster(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, AclOperation.ALTER);
        cluster(ApiKeys.LIST_PARTITION_REASSIGNMENTS, AclOperation.DESCRIBE);
        cluster(ApiKeys.ALTER_CLIENT_QUOTAS, AclOperation.ALTER_CONFIGS);
        cluster(ApiKeys.DESCRIBE_CLIENT_QUOTAS, AclOperation.DESCRIBE_CONFIGS);
        cluster(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, AclOperation.DESCRIBE);
        cluster(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, AclOperation.ALTER);
        cluster(ApiKeys.DESCRIBE_LOG_DIRS, AclOperation.DESCRIBE);
        cluster(ApiKeys.DESCRIBE_QUORUM, AclOperation.DESCRIBE);
        cluster(ApiKeys.CREATE_ACLS, AclOperation.ALTER);
        cluster(ApiKeys.DESCRIBE_ACLS, AclOperation.DESCRIBE);
        cluster(ApiKeys.DELETE_ACLS, AclOperation.ALTER);
        cluster(ApiKeys.UPDATE_FEATURES, AclOperation.ALTER);

        group(ApiKeys.JOIN_GROUP, r -> ((JoinGroupRequestData) r.data()).groupId());
        group(ApiKeys.SYNC_GROUP, r -> ((SyncGroupRequestData) r.data()).groupId());
        group(ApiKeys.HEARTBEAT, r -> ((HeartbeatRequestData) r.data()).groupId());
        group(ApiKeys.LEAVE_GROUP, r -> ((LeaveGroupRequestData) r.data()).groupId());
        RULES.put(ApiKeys.END_TXN, new Whole(List.of(new Check(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID,
                r -> ((EndTxnRequestData) r.data()).transactionalId()))));
        RULES.put(ApiKeys.ADD_OFFSETS_TO_TXN, new Whole(List.of(
                new Check(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID,
                        r -> ((AddOffsetsToTxnRequestData) r.data()).transactionalId()),
                new Check(AclOperation.READ, ResourceType.GROUP,
                        r -> ((AddOffsetsToTxnRequestData) r.data()).groupId()))));

        inHandler(ApiKeys.METADATA, "TOPIC DESCRIBE (others hidden), TOPIC/CLUSTER CREATE to auto-create");
        inHandler(ApiKeys.PRODUCE, "TRANSACTIONAL_ID WRITE, TOPIC WRITE");
        inHandler(ApiKeys.FETCH, "TOPIC READ; CLUSTER CLUSTER_ACTION for followers");
        inHandler(ApiKeys.LIST_OFFSETS, "TOPIC DESCRIBE");
        inHandler(ApiKeys.OFFSET_FOR_LEADER_EPOCH, "TOPIC DESCRIBE; CLUSTER CLUSTER_ACTION for followers");
        inHandler(ApiKeys.CREATE_TOPICS, "CLUSTER CREATE or TOPIC CREATE");
        inHandler(ApiKeys.DELETE_TOPICS, "TOPIC DELETE");
        inHandler(ApiKeys.CREATE_PARTITIONS, "TOPIC ALTER");
        inHandler(ApiKeys.DELETE_RECORDS, "TOPIC DELETE");
        inHandler(ApiKeys.DESCRIBE_CONFIGS, "TOPIC/CLUSTER DESCRIBE_CONFIGS");
        inHandler(ApiKeys.ALTER_CONFIGS, "TOPIC/CLUSTER ALTER_CONFIGS");
        inHandler(ApiKeys.INCREMENTAL_ALTER_CONFIGS, "TOPIC/CLUSTER ALTER_CONFIGS");
        inHandler(ApiKeys.DESCRIBE_CLUSTER, "none (as Kafka); cluster_authorized_operations filled on request");
        inHandler(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, "TOPIC DESCRIBE (others hidden)");
        inHandler(ApiKeys.DESCRIBE_PRODUCERS, "TOPIC READ");
        inHandler(ApiKeys.OFFSET_COMMIT, "GROUP READ, TOPIC READ");
        inHandler(ApiKeys.OFFSET_FETCH, "GROUP DESCRIBE, TOPIC DESCRIBE");
        inHandler(ApiKeys.OFFSET_DELETE, "GROUP DELETE, TOPIC READ");
        inHandler(ApiKeys.TXN_OFFSET_COMMIT, "TRANSACTIONAL_ID WRITE, GROUP READ, TOPIC READ");
        inHandler(ApiKeys.LIST_GROUPS, "CLUSTER DESCRIBE, else GROUP DESCRIBE per group");
        inHandler(ApiKeys.DESCRIBE_GROUPS, "GROUP DESCRIBE");
        inHandler(ApiKeys.CONSUMER_GROUP_HEARTBEAT, "GROUP READ, TOPIC DESCRIBE of the subscribed names");
        inHandler(ApiKeys.CONSUMER_GROUP_DESCRIBE, "GROUP DESCRIBE");
        inHandler(ApiKeys.DELETE_GROUPS, "GROUP DELETE");
        inHandler(ApiKeys.FIND_COORDINATOR, "GROUP DESCRIBE or TRANSACTIONAL_ID DESCRIBE");
        inHandler(ApiKeys.INIT_PRODUCER_ID, "TRANSACTIONAL_ID WRITE; CLUSTER IDEMPOTENT_WRITE or WRITE on a topic");
        inHandler(ApiKeys.ADD_PARTITIONS_TO_TXN, "TRANSACTIONAL_ID WRITE, TOPIC WRITE (v0-3); CLUSTER CLUSTER_ACTION (v4+)");
        inHandler(ApiKeys.DESCRIBE_TRANSACTIONS, "TRANSACTIONAL_ID DESCRIBE");
        inHandler(ApiKeys.LIST_TRANSACTIONS, "TRANSACTIONAL_ID DESCRIBE (others hidden)");
    }

    private ApiAuthorization() {
    }

    private static void cluster(ApiKeys key, AclOperation operation) {
        RULES.put(key, new Whole(List.of(Check.cluster(operation))));
    }

    private static void group(ApiKeys key, Function<AbstractRequest, String> groupId) {
        RULES.put(key, new Whole(List.of(new Check(AclOperation.READ, ResourceType.GROUP, groupId))));
    }

    private static void inHandler(ApiKeys key, String checks) {
        RULES.put(key, new InHandler(checks));
    }

    /** The rule of {@code key}, if the node has one. */
    public static Optional<Rule> ruleFor(ApiKeys key) {
        return Optional.ofNullable(RULES.get(key));
    }

    /**
     * The error of the first check of a {@link Whole} rule the sender fails, if any; always empty for other rules.
     */
    static Optional<ApiException> denial(RequestContext context, AbstractRequest request) {
        if (!context.authorizer().enabled() || !(RULES.get(context.header().apiKey()) instanceof Whole whole)) {
            return Optional.empty();
        }
        for (Check check : whole.checks()) {
            if (!context.authorized(check.operation(), check.type(), check.name().apply(request))) {
                return Optional.of(check.denial());
            }
        }
        return Optional.empty();
    }

    /** Kafka's error for a denied operation on a resource of {@code type}. */
    public static ApiException denial(ResourceType type) {
        return switch (type) {
            case TOPIC -> new TopicAuthorizationException("Not authorized to access topics");
            case GROUP -> new GroupAuthorizationException("Not authorized to access group");
            case TRANSACTIONAL_ID -> new TransactionalIdAuthorizationException(
                    "Transactional id authorization failed");
            default -> new ClusterAuthorizationException("Cluster authorization failed");
        };
    }
}
