package io.strata.metadata.controller;

import io.strata.metadata.FeatureChange;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.SupportedFeatures;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.FeatureLevelRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.FeatureUpdate.UpgradeType;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;

/**
 * Decides the cluster's finalized feature levels (KIP-584): the levels a new cluster starts with, and
 * UpdateFeatures with the rules and messages of Kafka 4.x's controller. Every record names the level it was decided
 * from ({@link FeatureLevelRecord}), so a decision made on a stale image is rejected and made again.
 *
 * <p>Stateless and thread-safe.
 */
public final class FeatureControl {

    public static final String METADATA_VERSION = "metadata.version";

    /**
     * The {@code metadata.version} levels whose Kafka release changed its metadata records (Kafka's
     * {@code MetadataVersion.didMetadataChange}, 3.4-IV0 to 4.3-IV0): Kafka refuses a downgrade across any of them,
     * since the older records could not hold what the newer ones may have written. Strata's own records do not
     * depend on {@code metadata.version}; it keeps Kafka's rule so that the tools answer as they do against Kafka.
     */
    private static final Set<Short> METADATA_CHANGED_AT = Set.of((short) 8, (short) 11, (short) 13, (short) 14,
            (short) 15, (short) 17, (short) 23, (short) 30);

    private FeatureControl() {
    }

    /**
     * Finalizes each feature of {@code initialLevels} the image has no level for yet: a new cluster's first levels,
     * or a feature that a newer node knows and the cluster's log does not. A level already agreed is kept, so of
     * several nodes starting together the first proposal to commit wins, as with the cluster id.
     *
     * @return the levels the image will have for those features once the decision applies
     */
    public static Decision<Map<String, Short>> finalizeMissing(MetadataImage image, Map<String, Short> initialLevels) {
        List<MetadataRecord> records = new ArrayList<>();
        Map<String, Short> levels = new HashMap<>();
        new TreeMap<>(initialLevels).forEach((feature, level) -> {
            Optional<Short> agreed = image.featureLevel(feature);
            if (agreed.isEmpty()) {
                records.add(new FeatureLevelRecord(feature, level, Optional.empty()));
            }
            levels.put(feature, agreed.orElse(level));
        });
        return new Decision<>(records, levels);
    }

    /**
     * UpdateFeatures, as Kafka 4.x's controller decides it: the changes are checked in request order (a feature
     * named twice counts once, with its last level) and the first refused one fails them all, with
     * INVALID_UPDATE_VERSION; otherwise all apply in one entry, or none with {@code validateOnly}. A level the
     * feature already has writes nothing.
     *
     * @return empty if the changes are (or, with {@code validateOnly}, would be) applied, else why not
     */
    public static Decision<Optional<ApiException>> update(MetadataImage image, List<FeatureChange> changes,
                                                          SupportedFeatures supported, boolean validateOnly) {
        Map<String, FeatureChange> byFeature = new LinkedHashMap<>();
        changes.forEach(change -> byFeature.put(change.feature(), change));
        List<MetadataRecord> records = new ArrayList<>();
        for (FeatureChange change : byFeature.values()) {
            Optional<String> refusal = refusal(image, change, supported);
            if (refusal.isPresent()) {
                return new Decision<>(List.of(), Optional.of(new InvalidUpdateVersionException(refusal.get())));
            }
            Optional<Short> current = image.featureLevel(change.feature());
            if (supported.ranges().containsKey(change.feature()) && !current.equals(Optional.of(change.level()))) {
                records.add(new FeatureLevelRecord(change.feature(), change.level(), current));
            }
        }
        return new Decision<>(validateOnly ? List.of() : records, Optional.empty());
    }

    /** Why Kafka's controller refuses {@code change} on {@code image}, in its words; empty if it accepts it. */
    private static Optional<String> refusal(MetadataImage image, FeatureChange change, SupportedFeatures supported) {
        String feature = change.feature();
        short level = change.level();
        if (change.type() == UpgradeType.UNKNOWN) {
            return invalid(feature, level, "The controller does not support the given upgrade type.");
        }
        if (level < 0) {
            return invalid(feature, level, "A feature version cannot be less than 0.");
        }
        Optional<String> unsupported = supported.reasonNotSupported(feature, level);
        if (unsupported.isPresent()) {
            return invalid(feature, level, unsupported.get());
        }
        short current = image.featureLevel(feature).orElse((short) 0);
        if (level < current && change.type() == UpgradeType.UPGRADE) {
            return invalid(feature, level, "Can't downgrade the version of this feature without setting the "
                    + "upgrade type to either safe or unsafe downgrade.");
        }
        if (level > current && change.type() != UpgradeType.UPGRADE) {
            return invalid(feature, level, "Can't downgrade to a newer version.");
        }
        if (feature.equals(METADATA_VERSION) && level < current && metadataChangedBetween(level, current)) {
            String reason = change.type() == UpgradeType.UNSAFE_DOWNGRADE
                    ? "Unsafe metadata downgrade is not supported in this version."
                    : "Refusing to perform the requested downgrade because it might delete metadata information.";
            return Optional.of("Unsupported metadata.version downgrade from " + current + " to " + level + ". "
                    + reason);
        }
        return Optional.empty();
    }

    /** Whether a level in {@code (lower, higher]} changed Kafka's metadata records. */
    private static boolean metadataChangedBetween(short lower, short higher) {
        return METADATA_CHANGED_AT.stream().anyMatch(level -> level > lower && level <= higher);
    }

    private static Optional<String> invalid(String feature, short level, String reason) {
        return Optional.of("Invalid update version " + level + " for feature " + feature + ". " + reason);
    }
}
