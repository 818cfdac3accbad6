package io.strata.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RegistrySchemaIdsTest {

    private static final String ORDER = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"demo\",\"fields\":"
            + "[{\"name\":\"id\",\"type\":\"string\"}]}";

    private final RegistryState state = new RegistryState();
    private final SchemaRegistry registry = new SchemaRegistry(state, new MemoryRegistryLog(state));
    private final AtomicBoolean loaded = new AtomicBoolean();
    private final RegistrySchemaIds ids = new RegistrySchemaIds(registry, state, loaded::get, "_schemas");

    private int register(String subject, String type, String schema) {
        return registry.register(subject, new RegisterRequest(schema, SchemaType.of(type), List.of(),
                Optional.empty(), Optional.empty()), false);
    }

    @Test
    void cannotDecideUntilLoadedAndThenStaysLoaded() {
        assertThat(ids.unavailable()).hasValue("the schema registry is still reading _schemas");
        loaded.set(true);
        assertThat(ids.unavailable()).isEmpty();
        loaded.set(false);
        assertThat(ids.unavailable()).isEmpty();
    }

    @Test
    void answersWhichSubjectsUseAnIdAmongLiveVersions() {
        int id = register("orders-value", null, ORDER);
        register("demo.Order", null, ORDER);
        assertThat(ids.exists(id)).isTrue();
        assertThat(ids.exists(id + 1)).isFalse();
        assertThat(ids.registeredUnder(id, "orders-value")).isTrue();
        assertThat(ids.registeredUnder(id, "demo.Order")).isTrue();
        assertThat(ids.registeredUnder(id, "orders-key")).isFalse();
        registry.deleteVersion("orders-value", "1", false);
        assertThat(ids.registeredUnder(id, "orders-value")).isFalse();
        assertThat(ids.exists(id)).isTrue();
    }

    @Test
    void recordNamesFollowConfluentsStrategies() {
        assertThat(ids.recordName(register("a-value", null, ORDER))).hasValue("demo.Order");
        assertThat(ids.recordName(register("b-value", null, "\"string\""))).hasValue("string");
        assertThat(ids.recordName(register("c-value", "JSON", "{\"title\":\"Event\",\"type\":\"object\"}")))
                .hasValue("Event");
        assertThat(ids.recordName(register("d-value", "JSON", "{\"type\":\"object\"}"))).isEmpty();
        assertThat(ids.recordName(register("e-value", "PROTOBUF", "syntax = \"proto3\";\npackage shop.v1;\n"
                + "message Order { string id = 1; message Line { int32 n = 1; } }\nmessage Refund { string id = 1; }")))
                .hasValue("shop.v1.Order");
        assertThat(ids.recordName(register("f-value", "PROTOBUF", "syntax = \"proto3\";\nmessage Ping {}")))
                .hasValue("Ping");
        assertThat(ids.recordName(999)).isEmpty();
    }
}
