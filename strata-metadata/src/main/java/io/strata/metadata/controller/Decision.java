package io.strata.metadata.controller;

import io.strata.metadata.records.MetadataRecord;
import java.util.List;

/**
 * What a controller decision produced: the records to commit as one batch (possibly none) and the result to hand
 * to the caller once they are applied.
 */
public record Decision<T>(List<MetadataRecord> records, T result) {
    public Decision {
        records = List.copyOf(records);
    }
}
