package io.strata.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code _schemas} records: Confluent's key shapes, a round trip of every type, unknown key types skipped. */
class RegistryRecordTest {

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static RegistryRecord roundTrip(RegistryRecord record) {
        byte[][] kv = record.encode();
        return RegistryRecord.decode(kv[0], kv[1]).orElseThrow();
    }

    @Test
    void keysAsConfluentsStoreKeysThem() {
        SchemaContent avro = new SchemaContent(SchemaType.AVRO, "\"string\"", List.of());
        byte[][] version = new RegistryRecord.Version("s", 3, 7, avro, false).encode();
        assertThat(text(version[0])).isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":3,\"magic\":1}");
        assertThat(text(version[1])).isEqualTo(
                "{\"subject\":\"s\",\"version\":3,\"id\":7,\"schema\":\"\\\"string\\\"\",\"deleted\":false}");
        assertThat(text(new RegistryRecord.VersionTombstone("s", 3).encode()[1])).isNull();
        assertThat(text(new RegistryRecord.Config(Optional.empty(), Optional.of(CompatibilityLevel.FULL))
                .encode()[0])).isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}");
    }

    @Test
    void everyRecordRoundTrips() {
        SchemaContent json = new SchemaContent(SchemaType.JSON, "{}",
                List.of(new SchemaReference("other.json", "other", 2)));
        List<RegistryRecord> records = List.of(
                new RegistryRecord.Version("s", 1, 5, json, true),
                new RegistryRecord.VersionTombstone("s", 1),
                new RegistryRecord.Config(Optional.of("s"), Optional.of(CompatibilityLevel.FORWARD_TRANSITIVE)),
                new RegistryRecord.Config(Optional.of("s"), Optional.empty()),
                new RegistryRecord.Mode(Optional.empty(), Optional.of(RegistryMode.READONLY)),
                new RegistryRecord.Mode(Optional.of("s"), Optional.empty()),
                new RegistryRecord.IdWatermark(42),
                new RegistryRecord.Node(3, "http://10.0.0.3:9190/schema-registry"));
        for (RegistryRecord record : records) {
            assertThat(roundTrip(record)).isEqualTo(record);
        }
    }

    @Test
    void skipsKeyTypesItDoesNotKnowAndRefusesGarbage() {
        assertThat(RegistryRecord.decode("{\"keytype\":\"NOOP\",\"magic\":0}".getBytes(StandardCharsets.UTF_8),
                null)).isEmpty();
        assertThatThrownBy(() -> RegistryRecord.decode("not json".getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
