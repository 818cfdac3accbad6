package io.strata.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JSON Schema evolution against a table: for each change from an old schema to a new one, whether every document
 * the old one accepts is accepted by the new one (BACKWARD) and the reverse (FORWARD), with open and closed
 * ({@code additionalProperties: false}) content models.
 */
class JsonSchemaCompatibilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String object(String properties, String required, boolean closed) {
        return "{\"type\":\"object\",\"properties\":{" + properties + "},\"required\":[" + required + "]"
                + (closed ? ",\"additionalProperties\":false" : "") + "}";
    }

    private static final String ID = "\"id\":{\"type\":\"string\"}";
    private static final String NAME = "\"name\":{\"type\":\"string\"}";

    /** name, old schema, new schema, backward compatible, forward compatible, the backward error type if any. */
    static Stream<Arguments> evolutions() {
        return Stream.of(
                Arguments.of("identical", object(ID, "\"id\"", false), object(ID, "\"id\"", false), true, true, ""),
                Arguments.of("optional property added, open model", object(ID, "", false),
                        object(ID + "," + NAME, "", false), false, true, "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"),
                Arguments.of("optional property added, closed model", object(ID, "", true),
                        object(ID + "," + NAME, "", true), true, false, ""),
                Arguments.of("property removed, closed model", object(ID + "," + NAME, "", true),
                        object(ID, "", true), false, true, "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"),
                Arguments.of("property removed, open model", object(ID + "," + NAME, "", false),
                        object(ID, "", false), true, false, ""),
                Arguments.of("required property added", object(ID, "", true),
                        object(ID + "," + NAME, "\"name\"", true), false, false, "REQUIRED_ATTRIBUTE_ADDED"),
                Arguments.of("property made optional", object(ID, "\"id\"", true), object(ID, "", true), true,
                        false, ""),
                Arguments.of("type widened to a nullable one", "{\"type\":\"string\"}",
                        "{\"type\":[\"string\",\"null\"]}", true, false, ""),
                Arguments.of("integer widened to number", "{\"type\":\"integer\"}", "{\"type\":\"number\"}", true,
                        false, ""),
                Arguments.of("string changed to number", "{\"type\":\"string\"}", "{\"type\":\"number\"}", false,
                        false, "TYPE_CHANGED"),
                Arguments.of("enum value added", "{\"enum\":[\"RED\",\"GREEN\"]}",
                        "{\"enum\":[\"RED\",\"GREEN\",\"BLUE\"]}", true, false, ""),
                Arguments.of("maxLength decreased", "{\"type\":\"string\",\"maxLength\":10}",
                        "{\"type\":\"string\",\"maxLength\":5}", false, true, "MAX_LENGTH_DECREASED"),
                Arguments.of("minimum added", "{\"type\":\"integer\"}", "{\"type\":\"integer\",\"minimum\":0}", false,
                        true, "MINIMUM_ADDED"),
                Arguments.of("array items changed", "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}",
                        "{\"type\":\"array\",\"items\":{\"type\":\"number\"}}", false, false, "TYPE_CHANGED"),
                Arguments.of("nested property type narrowed",
                        object("\"n\":{\"type\":\"number\"}", "", true), object("\"n\":{\"type\":\"integer\"}", "", true),
                        false, true, "TYPE_NARROWED"),
                Arguments.of("schema opened to anything", "{\"type\":\"string\"}", "true", true, false, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evolutions")
    void acceptsWhatEveryOldDocumentSatisfies(String name, String oldSchema, String newSchema, boolean backward,
                                              boolean forward, String backwardError) throws Exception {
        JsonNode previous = JSON.readTree(oldSchema);
        JsonNode next = JSON.readTree(newSchema);
        assertThat(JsonSchemaCompatibility.readErrors(next, previous).isEmpty())
                .as("BACKWARD: the new schema accepts old documents").isEqualTo(backward);
        assertThat(JsonSchemaCompatibility.readErrors(previous, next).isEmpty())
                .as("FORWARD: the old schema accepts new documents").isEqualTo(forward);
        if (!backward) {
            assertThat(JsonSchemaCompatibility.readErrors(next, previous).toString()).contains(backwardError);
        }
    }
}
