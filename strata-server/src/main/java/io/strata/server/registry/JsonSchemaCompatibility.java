package io.strata.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether every document valid under a writer JSON Schema is valid under a reader one, for the keywords that
 * carry most evolutions: {@code type} (integer within number), {@code properties}, {@code required},
 * {@code additionalProperties} (open and closed content models), {@code enum}, {@code items}, and the bounds
 * {@code maxLength}/{@code minLength}, {@code maximum}/{@code minimum}, {@code maxItems}/{@code minItems}. Other
 * keywords ({@code $ref}, {@code oneOf}, {@code pattern}, {@code format}...) are not compared. Messages name the
 * change ({@code TYPE_NARROWED}, {@code REQUIRED_ATTRIBUTE_ADDED}...) with the JSON pointer of where it is.
 * Stateless.
 */
final class JsonSchemaCompatibility {

    private JsonSchemaCompatibility() {
    }

    /** Why some document valid under {@code writer} may be invalid under {@code reader}; empty when none is. */
    static List<String> readErrors(JsonNode reader, JsonNode writer) {
        List<String> errors = new ArrayList<>();
        compare(reader, writer, "#", errors);
        return errors;
    }

    private static void compare(JsonNode reader, JsonNode writer, String path, List<String> errors) {
        if (acceptsAll(reader) || isFalse(writer)) {
            return;
        }
        if (isFalse(reader) || acceptsAll(writer)) {
            errors.add(error("SCHEMA_NARROWED", path));
            return;
        }
        types(reader, writer, path, errors);
        enums(reader, writer, path, errors);
        bound(reader, writer, "maxLength", true, path, errors);
        bound(reader, writer, "minLength", false, path, errors);
        bound(reader, writer, "maximum", true, path, errors);
        bound(reader, writer, "minimum", false, path, errors);
        bound(reader, writer, "maxItems", true, path, errors);
        bound(reader, writer, "minItems", false, path, errors);
        if (reader.has("items") && writer.has("items")) {
            compare(reader.get("items"), writer.get("items"), path + "/items", errors);
        } else if (reader.has("items") && !acceptsAll(reader.get("items"))) {
            errors.add(error("ITEMS_NARROWED", path + "/items"));
        }
        objects(reader, writer, path, errors);
    }

    private static void types(JsonNode reader, JsonNode writer, String path, List<String> errors) {
        if (!reader.has("type")) {
            return;
        }
        Set<String> readerTypes = names(reader.get("type"));
        if (!writer.has("type")) {
            errors.add(error("TYPE_NARROWED", path));
            return;
        }
        for (String type : names(writer.get("type"))) {
            boolean read = readerTypes.contains(type) || (type.equals("integer") && readerTypes.contains("number"));
            if (!read) {
                errors.add(error(readerTypes.contains("integer") && type.equals("number") ? "TYPE_NARROWED"
                        : "TYPE_CHANGED", path));
                return;
            }
        }
    }

    private static void enums(JsonNode reader, JsonNode writer, String path, List<String> errors) {
        if (!reader.has("enum")) {
            return;
        }
        if (!writer.has("enum")) {
            errors.add(error("ENUM_ADDED", path));
            return;
        }
        Set<JsonNode> readable = new HashSet<>();
        reader.get("enum").forEach(readable::add);
        for (JsonNode value : writer.get("enum")) {
            if (!readable.contains(value)) {
                errors.add(error("ENUM_ARRAY_NARROWED", path));
                return;
            }
        }
    }

    /** A bound the reader must not tighten: an upper one no lower, a lower one no higher, none newly added. */
    private static void bound(JsonNode reader, JsonNode writer, String keyword, boolean upper, String path,
                              List<String> errors) {
        if (!reader.has(keyword)) {
            return;
        }
        String name = keyword.replaceAll("([A-Z])", "_$1").toUpperCase();
        if (!writer.has(keyword)) {
            errors.add(error(name + "_ADDED", path));
            return;
        }
        double r = reader.get(keyword).asDouble();
        double w = writer.get(keyword).asDouble();
        if (upper ? r < w : r > w) {
            errors.add(error(name + (upper ? "_DECREASED" : "_INCREASED"), path));
        }
    }

    private static void objects(JsonNode reader, JsonNode writer, String path, List<String> errors) {
        JsonNode readerProps = reader.path("properties");
        JsonNode writerProps = writer.path("properties");
        Set<String> writerRequired = names(writer.path("required"));
        for (String required : names(reader.path("required"))) {
            if (!writerRequired.contains(required)) {
                errors.add(error("REQUIRED_ATTRIBUTE_ADDED", path + "/required/" + required));
            }
        }
        boolean writerClosed = isFalse(writer.path("additionalProperties"));
        JsonNode readerAdditional = reader.path("additionalProperties");
        if (!readerAdditional.isMissingNode() && !writerClosed) {
            // Whatever the writer lets through beyond its properties, the reader's additionalProperties must take.
            JsonNode writerAdditional = writer.path("additionalProperties");
            compare(readerAdditional, writerAdditional.isMissingNode() ? BooleanNode.TRUE : writerAdditional,
                    path + "/additionalProperties", errors);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = readerProps.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> p = it.next();
            String at = path + "/properties/" + p.getKey();
            if (writerProps.has(p.getKey())) {
                compare(p.getValue(), writerProps.get(p.getKey()), at, errors);
            } else if (!writerClosed) {
                // An open writer may already have written this property with any value.
                JsonNode writerAdditional = writer.path("additionalProperties");
                List<String> narrowed = new ArrayList<>();
                compare(p.getValue(), writerAdditional.isMissingNode() ? BooleanNode.TRUE : writerAdditional, at,
                        narrowed);
                if (!narrowed.isEmpty()) {
                    errors.add(error("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", at));
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = writerProps.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> p = it.next();
            if (!readerProps.has(p.getKey()) && !readerAdditional.isMissingNode()) {
                String at = path + "/properties/" + p.getKey();
                if (isFalse(readerAdditional)) {
                    errors.add(error("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", at));
                } else {
                    compare(readerAdditional, p.getValue(), at, errors);
                }
            }
        }
    }

    private static boolean acceptsAll(JsonNode schema) {
        return schema.isMissingNode() || (schema.isBoolean() && schema.asBoolean())
                || (schema.isObject() && schema.isEmpty());
    }

    private static boolean isFalse(JsonNode schema) {
        return schema.isBoolean() && !schema.asBoolean();
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new HashSet<>();
        if (node.isTextual()) {
            names.add(node.asText());
        } else {
            node.forEach(n -> names.add(n.asText()));
        }
        return names;
    }

    private static String error(String type, String path) {
        return "{errorType:'" + type + "', location:'" + path + "'}";
    }

}
