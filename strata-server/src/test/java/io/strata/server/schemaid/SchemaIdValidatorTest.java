package io.strata.server.schemaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.storage.RecordErrors;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaIdValidatorTest {

    /** Ids 1 and 2 under orders-value, 3 under orders-key, 4 a record named demo.Order under demo.Order. */
    private static final class Lookup implements SchemaIdLookup {
        Optional<String> unavailable = Optional.empty();
        final Map<Integer, Set<String>> subjects = Map.of(1, Set.of("orders-value"), 2, Set.of("orders-value"),
                3, Set.of("orders-key"), 4, Set.of("demo.Order", "orders-demo.Order"), 5, Set.of("other-value"));
        final Map<Integer, String> names = Map.of(4, "demo.Order", 5, "demo.Other");

        @Override
        public Optional<String> unavailable() {
            return unavailable;
        }

        @Override
        public boolean exists(int id) {
            return subjects.containsKey(id);
        }

        @Override
        public boolean registeredUnder(int id, String subject) {
            return subjects.getOrDefault(id, Set.of()).contains(subject);
        }

        @Override
        public Optional<String> recordName(int id) {
            return Optional.ofNullable(names.get(id));
        }
    }

    private final Lookup lookup = new Lookup();
    private final SchemaIdValidator validator = new SchemaIdValidator();
    private static final SchemaValidationConfig VALUES = new SchemaValidationConfig(false, true,
            SubjectNameStrategy.TOPIC, SubjectNameStrategy.TOPIC);
    private static final SchemaValidationConfig BOTH = new SchemaValidationConfig(true, true,
            SubjectNameStrategy.TOPIC, SubjectNameStrategy.TOPIC);

    SchemaIdValidatorTest() {
        validator.attach(lookup);
    }

    static byte[] wire(int id, String payload) {
        byte[] body = payload.getBytes();
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
    }

    private static MemoryRecords records(Compression compression, byte[]... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(1L, null, values[i]);
        }
        return MemoryRecords.withRecords(compression, records);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd"})
    void acceptsRegisteredIdsAndTombstonesAndNamesEachRefusedRecord(String codec) {
        Compression compression = codec.equals("none") ? Compression.NONE : Compression.zstd().build();
        assertThatCode(() -> validator.validate("orders", VALUES,
                records(compression, wire(1, "a"), wire(2, "b"), null))).doesNotThrowAnyException();
        assertThatThrownBy(() -> validator.validate("orders", VALUES, records(compression, wire(1, "a"),
                wire(99, "b"), "plain".getBytes(), wire(3, "c"), new byte[] {0, 0, 0})))
                .isInstanceOf(InvalidRecordException.class)
                .satisfies(e -> assertThat(((RecordErrors) e).recordErrors()).containsExactly(
                        new RecordErrors.RecordError(1, "Schema id 99 of the value is not known to the schema "
                                + "registry"),
                        new RecordErrors.RecordError(2, "The value is not in the schema registry's wire format "
                                + "(magic byte 0 and a 4-byte schema id)"),
                        new RecordErrors.RecordError(3, "Schema id 3 of the value is not registered under subject "
                                + "orders-value"),
                        new RecordErrors.RecordError(4, "The value is not in the schema registry's wire format "
                                + "(magic byte 0 and a 4-byte schema id)")))
                .hasMessageStartingWith("One or more records have been rejected due to 4 record errors in total");
    }

    @Test
    void checksKeysOnlyWhenAskedAndLetsNullKeysPass() {
        MemoryRecords keyed = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(1L, wire(3, "k"), wire(1, "v")), new SimpleRecord(1L, null, wire(1, "v")),
                new SimpleRecord(1L, "plain".getBytes(), wire(1, "v")));
        assertThatCode(() -> validator.validate("orders", VALUES, keyed)).doesNotThrowAnyException();
        assertThatThrownBy(() -> validator.validate("orders", BOTH, keyed))
                .satisfies(e -> assertThat(((RecordErrors) e).recordErrors()).singleElement()
                        .isEqualTo(new RecordErrors.RecordError(2, "The key is not in the schema registry's wire "
                                + "format (magic byte 0 and a 4-byte schema id)")));
    }

    @Test
    void recordNameStrategiesNameTheSubjectFromTheSchema() {
        SchemaValidationConfig record = new SchemaValidationConfig(false, true, SubjectNameStrategy.TOPIC,
                SubjectNameStrategy.RECORD);
        SchemaValidationConfig topicRecord = new SchemaValidationConfig(false, true, SubjectNameStrategy.TOPIC,
                SubjectNameStrategy.TOPIC_RECORD);
        assertThatCode(() -> validator.validate("any", record, records(Compression.NONE, wire(4, "a"))))
                .doesNotThrowAnyException();
        assertThatCode(() -> validator.validate("orders", topicRecord, records(Compression.NONE, wire(4, "a"))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> validator.validate("payments", topicRecord, records(Compression.NONE,
                wire(4, "a"), wire(5, "b"), wire(1, "c"))))
                .satisfies(e -> assertThat(((RecordErrors) e).recordErrors()).extracting(
                        RecordErrors.RecordError::message).containsExactly(
                        "Schema id 4 of the value is not registered under subject payments-demo.Order",
                        "Schema id 5 of the value is not registered under subject payments-demo.Other",
                        "Schema id 1 of the value has no record name for "
                                + "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"));
    }

    @Test
    void refusesEveryIdWhileTheRegistryCannotDecideAndBeforeOneIsAttached() {
        lookup.unavailable = Optional.of("the schema registry is still reading _schemas");
        assertThatThrownBy(() -> validator.validate("orders", VALUES, records(Compression.NONE, wire(1, "a"))))
                .satisfies(e -> assertThat(((RecordErrors) e).recordErrors()).singleElement().isEqualTo(
                        new RecordErrors.RecordError(0, "Schema id 1 of the value cannot be validated: the schema "
                                + "registry is still reading _schemas")));
        assertThatThrownBy(() -> new SchemaIdValidator().validate("orders", VALUES,
                records(Compression.NONE, wire(1, "a"))))
                .hasMessageContaining("the schema registry is not running on this broker");
        // A tombstone needs no registry.
        assertThatCode(() -> new SchemaIdValidator().validate("orders", VALUES,
                records(Compression.NONE, (byte[]) null))).doesNotThrowAnyException();
    }

    @Test
    void topicsWithoutValidationAreNotWalked() {
        SchemaIdValidator unattached = new SchemaIdValidator();
        assertThatCode(() -> unattached.validate("orders", SchemaValidationConfig.OFF,
                records(Compression.NONE, "plain".getBytes()))).doesNotThrowAnyException();
    }

    @Test
    void leavesBatchesTheLogRefusesToTheLog() {
        MemoryRecords records = records(Compression.NONE, "plain".getBytes());
        // A flipped payload byte: the CRC no longer matches, which the log answers with CORRUPT_MESSAGE.
        ByteBuffer buffer = records.buffer();
        buffer.put(buffer.limit() - 1, (byte) (buffer.get(buffer.limit() - 1) ^ 1));
        assertThatCode(() -> validator.validate("orders", VALUES, records)).doesNotThrowAnyException();
    }
}
