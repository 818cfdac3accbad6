package io.strata.metadata;

/** A block of producer ids [firstProducerId, firstProducerId + size) owned by one broker. */
public record ProducerIdBlock(int brokerId, long firstProducerId, int size) {
}
