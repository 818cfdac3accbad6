package io.strata.metadata;

import io.strata.metadata.image.ImageDelta;

/**
 * A component that brings local state in line with the metadata (hosted partitions, coordinators), driven by
 * {@link MetadataPublishing} on its publisher thread, one delta at a time, in image order.
 *
 * <p>{@link #publish} must be idempotent for a given delta: when it throws, the same changes are offered again
 * (merged with newer ones) after a back-off, so a partly applied delta is completed, never left half applied.
 */
public interface MetadataPublisher {

    /** A name for log lines. */
    String name();

    /** Applies the changes in {@code delta}; {@code delta.image()} is the image they lead to. */
    void publish(ImageDelta delta) throws Exception;
}
