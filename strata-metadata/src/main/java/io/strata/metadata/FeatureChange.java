package io.strata.metadata;

import java.util.Objects;
import org.apache.kafka.clients.admin.FeatureUpdate;

/**
 * One update of UpdateFeatures (KIP-584): finalize {@code feature} at {@code level}, which {@code type} must allow
 * (a downgrade needs SAFE_DOWNGRADE or UNSAFE_DOWNGRADE). Unvalidated, as the request carried it. Immutable.
 */
public record FeatureChange(String feature, short level, FeatureUpdate.UpgradeType type) {

    public FeatureChange {
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(type, "type");
    }
}
