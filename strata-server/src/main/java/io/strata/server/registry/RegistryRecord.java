package io.strata.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One record of the {@code _schemas} topic: a JSON key and a JSON value (null for a tombstone), keyed as Confluent's
 * registry keys its store (a {@code keytype} plus the entity), so that compaction keeps the latest state of each
 * subject version, config and mode. Two key types are Strata's own: {@code ID_WATERMARK} (the highest id ever
 * issued, written before a hard delete so that ids are never reused) and {@code NODE} (where a node serves the
 * registry, so that others forward writes to the one writer).
 */
sealed interface RegistryRecord {

    ObjectMapper MAPPER = new ObjectMapper();

    /** A subject version; {@code deleted} marks a soft delete. */
    record Version(String subject, int version, int id, SchemaContent content, boolean deleted)
            implements RegistryRecord {
    }

    /** A hard-deleted subject version (a tombstone). */
    record VersionTombstone(String subject, int version) implements RegistryRecord {
    }

    /** A compatibility level; an empty subject is the global one, an empty level removes it. */
    record Config(Optional<String> subject, Optional<CompatibilityLevel> level) implements RegistryRecord {
    }

    /** A mode; an empty subject is the global one, an empty mode removes it. */
    record Mode(Optional<String> subject, Optional<RegistryMode> mode) implements RegistryRecord {
    }

    /** The highest id ever issued. */
    record IdWatermark(int maxId) implements RegistryRecord {
    }

    /** Where node {@code nodeId} serves the registry. */
    record Node(int nodeId, String url) implements RegistryRecord {
    }

    /** The record's key and value (null for a tombstone) as JSON bytes. */
    default byte[][] encode() {
        ObjectNode key = MAPPER.createObjectNode();
        ObjectNode value = MAPPER.createObjectNode();
        boolean tombstone = false;
        switch (this) {
            case Version v -> {
                key.put("keytype", "SCHEMA").put("subject", v.subject()).put("version", v.version()).put("magic", 1);
                value.put("subject", v.subject()).put("version", v.version()).put("id", v.id());
                if (v.content().type() != SchemaType.AVRO) {
                    value.put("schemaType", v.content().type().name());
                }
                value.put("schema", v.content().schema());
                if (!v.content().references().isEmpty()) {
                    value.set("references", references(v.content().references()));
                }
                value.put("deleted", v.deleted());
            }
            case VersionTombstone t -> {
                key.put("keytype", "SCHEMA").put("subject", t.subject()).put("version", t.version()).put("magic", 1);
                tombstone = true;
            }
            case Config c -> {
                key.put("keytype", "CONFIG").put("subject", c.subject().orElse(null)).put("magic", 0);
                c.level().ifPresent(l -> value.put("compatibilityLevel", l.name()));
                tombstone = c.level().isEmpty();
            }
            case Mode m -> {
                key.put("keytype", "MODE").put("subject", m.subject().orElse(null)).put("magic", 0);
                m.mode().ifPresent(mode -> value.put("mode", mode.name()));
                tombstone = m.mode().isEmpty();
            }
            case IdWatermark w -> {
                key.put("keytype", "ID_WATERMARK").put("magic", 0);
                value.put("maxId", w.maxId());
            }
            case Node n -> {
                key.put("keytype", "NODE").put("node", n.nodeId()).put("magic", 0);
                value.put("url", n.url());
            }
        }
        try {
            return new byte[][] {MAPPER.writeValueAsBytes(key), tombstone ? null : MAPPER.writeValueAsBytes(value)};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes a record of the topic; empty for key types this version does not know (Confluent's NOOP, DELETE_SUBJECT
     * and CLEAR_SUBJECT keys among them), which are skipped.
     *
     * @throws IllegalArgumentException if the key or value is not the JSON it should be
     */
    static Optional<RegistryRecord> decode(byte[] keyBytes, byte[] valueBytes) {
        try {
            JsonNode key = MAPPER.readTree(keyBytes);
            JsonNode value = valueBytes == null ? null : MAPPER.readTree(valueBytes);
            String keyType = key.path("keytype").asText();
            Optional<String> subject = key.hasNonNull("subject") ? Optional.of(key.get("subject").asText())
                    : Optional.empty();
            return switch (keyType) {
                case "SCHEMA" -> {
                    String s = key.get("subject").asText();
                    int version = key.get("version").asInt();
                    if (value == null) {
                        yield Optional.of(new VersionTombstone(s, version));
                    }
                    SchemaContent content = new SchemaContent(SchemaType.of(value.path("schemaType").asText(null)),
                            value.get("schema").asText(), references(value.path("references")));
                    yield Optional.of(new Version(s, version, value.get("id").asInt(), content,
                            value.path("deleted").asBoolean(false)));
                }
                case "CONFIG" -> Optional.of(new Config(subject, value == null ? Optional.empty()
                        : Optional.of(CompatibilityLevel.of(value.get("compatibilityLevel").asText()))));
                case "MODE" -> Optional.of(new Mode(subject, value == null ? Optional.empty()
                        : Optional.of(RegistryMode.of(value.get("mode").asText()))));
                case "ID_WATERMARK" -> value == null ? Optional.empty()
                        : Optional.of(new IdWatermark(value.get("maxId").asInt()));
                case "NODE" -> value == null ? Optional.empty()
                        : Optional.of(new Node(key.get("node").asInt(), value.get("url").asText()));
                default -> Optional.empty();
            };
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Not a schema registry record: " + e.getMessage(), e);
        }
    }

    private static ArrayNode references(List<SchemaReference> references) {
        ArrayNode array = MAPPER.createArrayNode();
        for (SchemaReference r : references) {
            array.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version());
        }
        return array;
    }

    /** References as Confluent's JSON carries them; a missing or null list is none. */
    static List<SchemaReference> references(JsonNode array) {
        List<SchemaReference> references = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode r : array) {
                references.add(new SchemaReference(r.path("name").asText(), r.path("subject").asText(),
                        r.path("version").asInt()));
            }
        }
        return references;
    }
}
