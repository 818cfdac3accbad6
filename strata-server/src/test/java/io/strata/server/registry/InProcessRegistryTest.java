package io.strata.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InProcessRegistryTest {

    private static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"plan\",\"type\":\"string\",\"default\":\"free\"}]}";
    private static final String NO_DEFAULT = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\","
            + "\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"}]}";

    private final RegistryState state = new RegistryState();
    private final MemoryRegistryLog log = new MemoryRegistryLog(state);
    private final InProcessRegistry registry = new InProcessRegistry(new SchemaRegistry(state, log),
            Duration.ofSeconds(5));

    @Test
    void registersOnceAndFindsTheSameSchemaAgainWithoutAWrite() {
        InProcessRegistry.Registered first = registry.register("users-value", null, V1);
        assertThat(first.id()).isEqualTo(1);
        assertThat(first.type()).isEqualTo("AVRO");
        assertThat(first.avro()).hasValueSatisfying(s -> assertThat(s.getField("id")).isNotNull());
        int written = log.written();
        assertThat(registry.register("users-value", "AVRO", V1).id()).isEqualTo(1);
        assertThat(log.written()).isEqualTo(written);
        assertThat(registry.register("users-value", "AVRO", V2).id()).isEqualTo(2);
        assertThat(registry.byVersion("users-value", "latest").id()).isEqualTo(2);
        assertThat(registry.byId(1).schema()).isEqualTo(first.schema());
    }

    @Test
    void jsonSchemasHaveNoAvroForm() {
        InProcessRegistry.Registered json = registry.register("orders-value", "JSON", "{\"type\":\"object\"}");
        assertThat(json.type()).isEqualTo("JSON");
        assertThat(json.avro()).isEmpty();
    }

    @Test
    void refusalsCarryConfluentsCodes() {
        registry.register("users-value", null, V1);
        assertThatThrownBy(() -> registry.register("users-value", null, NO_DEFAULT))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
        assertThatThrownBy(() -> registry.register("users-value", null, "{\"type\":\"nope\"}"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
        assertThatThrownBy(() -> registry.byId(99))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    }
}
