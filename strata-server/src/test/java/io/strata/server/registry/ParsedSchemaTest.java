package io.strata.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Avro evolution against a table of known cases: for each change from an old schema to a new one, whether the new
 * schema reads old data (BACKWARD) and whether the old schema reads new data (FORWARD), as Avro's specification of
 * schema resolution (and Confluent's documentation of compatibility types) say.
 */
class ParsedSchemaTest {

    private static String record(String fields) {
        return "{\"type\":\"record\",\"name\":\"User\",\"fields\":[" + fields + "]}";
    }

    private static String field(String name, String type) {
        return "{\"name\":\"" + name + "\",\"type\":" + type + "}";
    }

    private static String field(String name, String type, String defaultValue) {
        return "{\"name\":\"" + name + "\",\"type\":" + type + ",\"default\":" + defaultValue + "}";
    }

    private static final String ID = field("id", "\"string\"");

    /** name, old schema, new schema, backward compatible, forward compatible. */
    static Stream<Arguments> evolutions() {
        return Stream.of(
                Arguments.of("added field with a default", record(ID),
                        record(ID + "," + field("email", "\"string\"", "\"\"")), true, true),
                Arguments.of("added field without a default", record(ID),
                        record(ID + "," + field("age", "\"int\"")), false, true),
                Arguments.of("removed field with a default", record(ID + "," + field("email", "\"string\"", "\"\"")),
                        record(ID), true, true),
                Arguments.of("removed field without a default", record(ID + "," + field("age", "\"int\"")),
                        record(ID), true, false),
                Arguments.of("int promoted to long", record(field("n", "\"int\"")), record(field("n", "\"long\"")),
                        true, false),
                Arguments.of("long narrowed to int", record(field("n", "\"long\"")), record(field("n", "\"int\"")),
                        false, true),
                Arguments.of("int promoted to double", record(field("n", "\"int\"")),
                        record(field("n", "\"double\"")), true, false),
                Arguments.of("float promoted to double", record(field("n", "\"float\"")),
                        record(field("n", "\"double\"")), true, false),
                Arguments.of("string to bytes", record(field("s", "\"string\"")), record(field("s", "\"bytes\"")),
                        true, true),
                Arguments.of("string to int", record(field("s", "\"string\"")), record(field("s", "\"int\"")),
                        false, false),
                Arguments.of("enum symbol added", record(field("c", enumOf("\"RED\",\"GREEN\"", ""))),
                        record(field("c", enumOf("\"RED\",\"GREEN\",\"BLUE\"", ""))), true, false),
                Arguments.of("enum symbol added, old enum with a default",
                        record(field("c", enumOf("\"RED\",\"GREEN\"", ",\"default\":\"RED\""))),
                        record(field("c", enumOf("\"RED\",\"GREEN\",\"BLUE\"", ",\"default\":\"RED\""))), true, true),
                Arguments.of("enum symbol removed", record(field("c", enumOf("\"RED\",\"GREEN\"", ""))),
                        record(field("c", enumOf("\"RED\"", ""))), false, true),
                Arguments.of("field made nullable", record(field("s", "\"string\"")),
                        record(field("s", "[\"null\",\"string\"]", "null")), true, false),
                Arguments.of("union branch added", record(field("u", "[\"null\",\"string\"]")),
                        record(field("u", "[\"null\",\"string\",\"int\"]")), true, false),
                Arguments.of("field renamed with an alias", record(field("a", "\"string\"")),
                        record("{\"name\":\"b\",\"type\":\"string\",\"aliases\":[\"a\"]}"), true, false),
                Arguments.of("field renamed without an alias", record(field("a", "\"string\"")),
                        record(field("b", "\"string\"")), false, false),
                Arguments.of("record renamed", record(ID),
                        "{\"type\":\"record\",\"name\":\"Person\",\"fields\":[" + ID + "]}", false, false),
                Arguments.of("array items promoted", record(field("xs", "{\"type\":\"array\",\"items\":\"int\"}")),
                        record(field("xs", "{\"type\":\"array\",\"items\":\"long\"}")), true, false),
                Arguments.of("map values changed", record(field("m", "{\"type\":\"map\",\"values\":\"int\"}")),
                        record(field("m", "{\"type\":\"map\",\"values\":\"string\"}")), false, false),
                Arguments.of("fixed size changed", record(field("f", "{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}")),
                        record(field("f", "{\"type\":\"fixed\",\"name\":\"F\",\"size\":8}")), false, false),
                Arguments.of("doc added", record(ID),
                        "{\"type\":\"record\",\"name\":\"User\",\"doc\":\"a user\",\"fields\":[" + ID + "]}", true,
                        true));
    }

    private static String enumOf(String symbols, String extra) {
        return "{\"type\":\"enum\",\"name\":\"Colour\",\"symbols\":[" + symbols + "]" + extra + "}";
    }

    private static ParsedSchema avro(String text) {
        return ParsedSchema.parse(SchemaType.AVRO, text, List.of(), List.of(), false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evolutions")
    void followsAvrosResolutionRules(String name, String oldSchema, String newSchema, boolean backward,
                                     boolean forward) {
        ParsedSchema previous = avro(oldSchema);
        ParsedSchema next = avro(newSchema);
        assertThat(next.readErrors(previous)).as("BACKWARD: the new schema reads old data").hasSize(backward ? 0 : 1);
        assertThat(previous.readErrors(next).isEmpty()).as("FORWARD: the old schema reads new data")
                .isEqualTo(forward);
    }

    /** Every level on every case: NONE accepts all, FULL needs both directions. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("evolutions")
    void eachLevelAcceptsWhatItsDirectionsAllow(String name, String oldSchema, String newSchema, boolean backward,
                                               boolean forward) {
        for (CompatibilityLevel level : CompatibilityLevel.values()) {
            SchemaRegistry registry = MemoryRegistryLog.registry();
            registry.setConfig(Optional.empty(), level);
            registry.register("s", RegisterRequest.of(SchemaType.AVRO, oldSchema), false);
            boolean expected = (!level.backward() || backward) && (!level.forward() || forward);
            assertThat(registry.checkCompatibility("s", Optional.empty(),
                    RegisterRequest.of(SchemaType.AVRO, newSchema), false).isEmpty()).as(level.name())
                    .isEqualTo(expected);
        }
    }

    @Test
    void keepsAvrosCanonicalTextAndRefusesInvalidSchemas() {
        assertThat(avro("{ \"type\" : \"record\", \"name\" : \"U\", \"fields\" : [ ] }").content().schema())
                .isEqualTo("{\"type\":\"record\",\"name\":\"U\",\"fields\":[]}");
        assertThat(avro("\"string\"").content().schema()).isEqualTo("\"string\"");
        assertThatThrownBy(() -> avro("{\"type\":\"record\",\"name\":\"U\"}"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
        assertThatThrownBy(() -> avro(record(field("n", "\"int\"", "\"text\""))))
                .as("a default of the wrong type").isInstanceOf(RegistryException.class);
        assertThatThrownBy(() -> ParsedSchema.parse(SchemaType.JSON, "not json", List.of(), List.of(), false))
                .isInstanceOf(RegistryException.class);
        assertThat(ParsedSchema.parse(SchemaType.JSON, "{\"b\":1,\"a\":2}", List.of(), List.of(), true).content()
                .schema()).as("normalize sorts JSON keys").isEqualTo("{\"a\":2,\"b\":1}");
        assertThat(avro(record(ID)).readErrors(ParsedSchema.parse(SchemaType.JSON, "{}", List.of(), List.of(),
                false))).as("types never mix").isNotEmpty();
    }
}
