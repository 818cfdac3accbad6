package io.strata.metadata.image;

/**
 * A metadata record does not apply to the image it meets (e.g. a topic name that already exists). The whole batch
 * containing it is rejected; the decision is deterministic, so every replica rejects it alike.
 */
public final class MetadataConflictException extends Exception {
    public MetadataConflictException(String message) {
        super(message, null, false, false);
    }
}
