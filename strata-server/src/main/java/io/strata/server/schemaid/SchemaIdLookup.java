package io.strata.server.schemaid;

import java.util.Optional;

/**
 * What schema id validation reads from the node's copy of the schema registry: answered from memory, without I/O
 * or waiting, so that it can run on the produce path. Implementations are thread-safe.
 */
public interface SchemaIdLookup {

    /** The answer of a node whose registry is not running: nothing is known, so every id is refused. */
    SchemaIdLookup UNAVAILABLE = new SchemaIdLookup() {
        @Override
        public Optional<String> unavailable() {
            return Optional.of("the schema registry is not running on this broker");
        }

        @Override
        public boolean exists(int id) {
            return false;
        }

        @Override
        public boolean registeredUnder(int id, String subject) {
            return false;
        }

        @Override
        public Optional<String> recordName(int id) {
            return Optional.empty();
        }
    };

    /**
     * Why the node's copy cannot decide yet (the registry's topic is still being read at start), or empty when it
     * can. While it cannot, an id it does not know may well be registered, so validation refuses every id.
     */
    Optional<String> unavailable();

    /** Whether a schema with this global id exists (under any subject). */
    boolean exists(int id);

    /** Whether a version of {@code subject} that is not soft-deleted has schema id {@code id}. */
    boolean registeredUnder(int id, String subject);

    /**
     * The record name Confluent's record-name strategies take from schema {@code id}: an Avro named type's full
     * name (else its type's name), a JSON Schema's {@code title}, a Protobuf schema's first message with its
     * package; empty when the schema is unknown or has none.
     */
    Optional<String> recordName(int id);
}
