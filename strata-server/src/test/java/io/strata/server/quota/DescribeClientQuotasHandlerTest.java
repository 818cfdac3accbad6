package io.strata.server.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.ClientQuotaChange;
import io.strata.metadata.ClientQuotaEntity;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.RequestContext;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class DescribeClientQuotasHandlerTest {

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(1);
    private final DescribeClientQuotasHandler handler = new DescribeClientQuotasHandler(quorum);

    DescribeClientQuotasHandlerTest() {
        Optional<String> none = Optional.empty();
        quorum.alterClientQuotas(List.of(
                change(ClientQuotaEntity.user(Optional.of("alice"))),
                change(ClientQuotaEntity.user(none)),
                change(ClientQuotaEntity.userAndClientId(Optional.of("alice"), Optional.of("app"))),
                change(ClientQuotaEntity.userAndClientId(Optional.of("bob"), none)),
                change(ClientQuotaEntity.clientId(Optional.of("app"))))).join();
    }

    private static ClientQuotaChange change(ClientQuotaEntity entity) {
        return new ClientQuotaChange(entity, Map.of("producer_byte_rate", Optional.of(100.0)));
    }

    private List<String> describe(boolean strict, ComponentData... components) {
        DescribeClientQuotasResponseData response = describeRaw(strict, components);
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        return response.entries().stream().map(e -> String.join(",", e.entity().stream().map(c -> c.entityType()
                + "=" + (c.entityName() == null ? "<default>" : c.entityName())).toList())).toList();
    }

    private DescribeClientQuotasResponseData describeRaw(boolean strict, ComponentData... components) {
        RequestContext context = new RequestContext(new RequestHeader(ApiKeys.DESCRIBE_CLIENT_QUOTAS, (short) 1,
                "c", 1), new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        return (DescribeClientQuotasResponseData) handler.handle(context, new DescribeClientQuotasRequest(
                new DescribeClientQuotasRequestData().setStrict(strict).setComponents(Arrays.asList(components)),
                (short) 1));
    }

    private static ComponentData exact(String type, String name) {
        return new ComponentData().setEntityType(type).setMatchType((byte) 0).setMatch(name);
    }

    private static ComponentData ofDefault(String type) {
        return new ComponentData().setEntityType(type).setMatchType((byte) 1);
    }

    private static ComponentData specified(String type) {
        return new ComponentData().setEntityType(type).setMatchType((byte) 2);
    }

    @Test
    void matchesExactDefaultAndSpecifiedNamesStrictlyOrNot() {
        assertThat(describe(false)).hasSize(5);
        assertThat(describe(false, exact("user", "alice")))
                .containsExactly("client-id=app,user=alice", "user=alice");
        assertThat(describe(true, exact("user", "alice"))).containsExactly("user=alice");
        assertThat(describe(true, ofDefault("user"))).containsExactly("user=<default>");
        assertThat(describe(false, specified("user"), ofDefault("client-id")))
                .containsExactly("client-id=<default>,user=bob");
        assertThat(describe(true, specified("client-id"))).containsExactly("client-id=app");
    }

    @Test
    void aTypeNamedTwiceIsAnInvalidRequest() {
        DescribeClientQuotasResponseData response = describeRaw(false, exact("user", "a"), ofDefault("user"));
        assertThat(response.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(response.entries()).isNull();
    }
}
