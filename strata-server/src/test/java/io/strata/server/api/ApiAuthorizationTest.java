package io.strata.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class ApiAuthorizationTest {

    /** Every API a node registers, from docs/compatibility.md: each must have a rule, or the node does not start. */
    private static final List<ApiKeys> SERVED = List.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.PRODUCE,
            ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS,
            ApiKeys.DESCRIBE_CLUSTER, ApiKeys.WRITE_TXN_MARKERS, ApiKeys.CREATE_PARTITIONS, ApiKeys.DELETE_RECORDS,
            ApiKeys.DESCRIBE_CONFIGS, ApiKeys.ALTER_CONFIGS, ApiKeys.INCREMENTAL_ALTER_CONFIGS,
            ApiKeys.DESCRIBE_LOG_DIRS, ApiKeys.DESCRIBE_PRODUCERS, ApiKeys.ELECT_LEADERS,
            ApiKeys.DESCRIBE_TOPIC_PARTITIONS, ApiKeys.DESCRIBE_QUORUM, ApiKeys.OFFSET_FOR_LEADER_EPOCH,
            ApiKeys.ALTER_PARTITION_REASSIGNMENTS, ApiKeys.LIST_PARTITION_REASSIGNMENTS, ApiKeys.JOIN_GROUP,
            ApiKeys.SYNC_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
            ApiKeys.LIST_GROUPS, ApiKeys.DESCRIBE_GROUPS, ApiKeys.DELETE_GROUPS, ApiKeys.TXN_OFFSET_COMMIT,
            ApiKeys.OFFSET_DELETE, ApiKeys.CONSUMER_GROUP_HEARTBEAT, ApiKeys.CONSUMER_GROUP_DESCRIBE,
            ApiKeys.FIND_COORDINATOR, ApiKeys.INIT_PRODUCER_ID, ApiKeys.ADD_PARTITIONS_TO_TXN,
            ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN, ApiKeys.DESCRIBE_TRANSACTIONS, ApiKeys.LIST_TRANSACTIONS,
            ApiKeys.SASL_HANDSHAKE, ApiKeys.SASL_AUTHENTICATE, ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS,
            ApiKeys.ALTER_CLIENT_QUOTAS, ApiKeys.DESCRIBE_CLIENT_QUOTAS,
            ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, ApiKeys.CREATE_ACLS, ApiKeys.DESCRIBE_ACLS, ApiKeys.DELETE_ACLS,
            ApiKeys.UPDATE_FEATURES);

    @Test
    void everyServedApiHasARuleAndOnlyTheExchangeIsOpen() {
        for (ApiKeys key : SERVED) {
            assertThat(ApiAuthorization.ruleFor(key)).as(key.name).isPresent();
            boolean open = ApiAuthorization.ruleFor(key).get() instanceof ApiAuthorization.Open;
            assertThat(open).as(key.name).isEqualTo(key == ApiKeys.API_VERSIONS || key == ApiKeys.SASL_HANDSHAKE
                    || key == ApiKeys.SASL_AUTHENTICATE);
        }
    }

    @Test
    void aDispatcherRefusesAnApiWithoutARule() {
        assertThat(ApiAuthorization.ruleFor(ApiKeys.ENVELOPE)).isEmpty();
        assertThatThrownBy(() -> new RequestDispatcher().register(ApiKeys.ENVELOPE, 0, 0, (c, r) -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authorisation rule");
    }

    @Test
    void denialsCarryKafkasErrorPerResourceType() {
        assertThat(ApiAuthorization.denial(ResourceType.TOPIC)).isInstanceOf(TopicAuthorizationException.class);
        assertThat(ApiAuthorization.denial(ResourceType.GROUP)).isInstanceOf(GroupAuthorizationException.class);
        assertThat(ApiAuthorization.denial(ResourceType.TRANSACTIONAL_ID))
                .isInstanceOf(TransactionalIdAuthorizationException.class);
        assertThat(ApiAuthorization.denial(ResourceType.CLUSTER)).isInstanceOf(ClusterAuthorizationException.class);
    }
}
