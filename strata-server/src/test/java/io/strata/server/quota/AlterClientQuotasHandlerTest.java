package io.strata.server.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.ClientQuotaEntity;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.EntityData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.EntryData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.OpData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterClientQuotasRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class AlterClientQuotasHandlerTest {

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(1);
    private final AlterClientQuotasHandler handler = new AlterClientQuotasHandler(quorum,
            QuorumWaiter.withoutPublishing(5_000));

    static EntityData component(String type, String name) {
        return new EntityData().setEntityType(type).setEntityName(name);
    }

    static OpData set(String key, double value) {
        return new OpData().setKey(key).setValue(value);
    }

    private AlterClientQuotasResponseData alter(boolean validateOnly, EntryData... entries) {
        AlterClientQuotasRequestData data = new AlterClientQuotasRequestData().setValidateOnly(validateOnly)
                .setEntries(Arrays.asList(entries));
        RequestContext context = new RequestContext(new RequestHeader(ApiKeys.ALTER_CLIENT_QUOTAS, (short) 1, "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        return (AlterClientQuotasResponseData) handler.handle(context,
                new AlterClientQuotasRequest(data, (short) 1)); // as parsed: no client-side validation
    }

    private static EntryData entry(List<EntityData> entity, OpData... ops) {
        return new EntryData().setEntity(entity).setOps(Arrays.asList(ops));
    }

    @Test
    void setsValidEntitiesAndRefusesInvalidOnesOneByOne() {
        AlterClientQuotasResponseData response = alter(false,
                entry(List.of(component("user", "alice"), component("client-id", null)),
                        set("producer_byte_rate", 1024), set("request_percentage", 12.5)),
                entry(List.of(component("ip", "10.0.0.1")), set("connection_creation_rate", 5)),
                entry(List.of(component("user", "bob")), set("producer_byte_rate", 1.5)),
                entry(List.of(component("user", "bob")), set("consumer_byte_rate", -1)),
                entry(List.of(component("user", "bob")), set("no_such_key", 1)),
                entry(List.of(component("user", "a"), component("user", "b")), set("producer_byte_rate", 1)));
        assertThat(response.entries()).extracting(AlterClientQuotasResponseData.EntryData::errorCode)
                .containsExactly(Errors.NONE.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(),
                        Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code());
        assertThat(response.entries().get(2).errorMessage()).contains("must be a Long value");
        assertThat(quorum.image().clientQuotas()).containsOnlyKeys(ClientQuotaEntity.userAndClientId(
                Optional.of("alice"), Optional.empty()));

        OpData remove = new OpData().setKey("producer_byte_rate").setRemove(true);
        assertThat(alter(false, entry(List.of(component("user", "alice"), component("client-id", null)), remove))
                .entries().getFirst().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(quorum.image().clientQuotas(ClientQuotaEntity.userAndClientId(Optional.of("alice"),
                Optional.empty()))).containsOnlyKeys("request_percentage");
    }

    @Test
    void validateOnlyCommitsNothing() {
        int writes = quorum.writes();
        assertThat(alter(true, entry(List.of(component("client-id", "app")), set("consumer_byte_rate", 10)))
                .entries().getFirst().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(quorum.writes()).isEqualTo(writes);
        assertThat(quorum.image().clientQuotas()).isEmpty();
    }
}
