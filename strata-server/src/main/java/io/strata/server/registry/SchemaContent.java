package io.strata.server.registry;

import java.util.List;
import java.util.Objects;

/**
 * A schema as stored: its type, its canonical text and its references. Two registrations with equal content share
 * one global id, as in Confluent's registry.
 */
record SchemaContent(SchemaType type, String schema, List<SchemaReference> references) {

    public SchemaContent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(schema, "schema");
        references = List.copyOf(references);
    }
}
