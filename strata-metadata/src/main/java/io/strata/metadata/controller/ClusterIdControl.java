package io.strata.metadata.controller;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.records.MetadataRecord.ClusterIdRecord;
import java.util.List;

/**
 * Decides the proposal that gives a cluster its id: every node proposes its candidate while the image has none, and
 * the metadata log keeps the first to commit (see {@link ClusterIdRecord}).
 *
 * <p>Stateless and thread-safe.
 */
public final class ClusterIdControl {

    private ClusterIdControl() {
    }

    /**
     * Proposes {@code candidate} if {@code image} has no cluster id yet; otherwise proposes nothing.
     *
     * @return the id the image will have once the decision applies: {@code candidate}, or the id already agreed
     */
    public static Decision<String> claim(MetadataImage image, String candidate) {
        if (image.hasClusterId()) {
            return new Decision<>(List.of(), image.clusterId());
        }
        return new Decision<>(List.of(new ClusterIdRecord(candidate)), candidate);
    }
}
