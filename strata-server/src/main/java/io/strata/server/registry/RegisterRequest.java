package io.strata.server.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The body of a registration, lookup or compatibility check: the schema text, its type, its references and, in
 * IMPORT mode only, the id and version to register it under.
 */
record RegisterRequest(String schema, SchemaType type, List<SchemaReference> references, Optional<Integer> id,
                              Optional<Integer> version) {

    public RegisterRequest {
        Objects.requireNonNull(type, "type");
        references = List.copyOf(references);
    }

    public static RegisterRequest of(SchemaType type, String schema) {
        return new RegisterRequest(schema, type, List.of(), Optional.empty(), Optional.empty());
    }
}
