package io.strata.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.FeatureChange;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.SupportedFeatures;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.records.MetadataRecord.FeatureLevelRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.FeatureUpdate.UpgradeType;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.junit.jupiter.api.Test;

class FeatureControlTest {

    private static final String TV = "transaction.version";
    private static final String MV = FeatureControl.METADATA_VERSION;
    private static final SupportedFeatures SUPPORTED = new SupportedFeatures(3, Map.of(
            TV, new SupportedFeatures.Range((short) 0, (short) 2),
            MV, new SupportedFeatures.Range((short) 7, (short) 25),
            "group.version", new SupportedFeatures.Range((short) 1, (short) 1)));

    private static MetadataImage finalized(Map<String, Short> levels) throws Exception {
        Decision<Map<String, Short>> decision = FeatureControl.finalizeMissing(ImageBuilder.emptyImage("c"), levels);
        return ImageBuilder.applyBatch(ImageBuilder.emptyImage("c"), decision.records(), 1);
    }

    private static MetadataImage cluster() throws Exception {
        return finalized(Map.of(TV, (short) 2, MV, (short) 25, "group.version", (short) 1));
    }

    private static Optional<ApiException> refusal(MetadataImage image, String feature, int level, UpgradeType type) {
        Decision<Optional<ApiException>> decision = FeatureControl.update(image,
                List.of(new FeatureChange(feature, (short) level, type)), SUPPORTED, false);
        if (decision.result().isPresent()) {
            assertThat(decision.records()).isEmpty();
        }
        return decision.result();
    }

    private static void assertRefused(MetadataImage image, String feature, int level, UpgradeType type,
                                      String message) {
        assertThat(refusal(image, feature, level, type)).get().isInstanceOf(InvalidUpdateVersionException.class)
                .extracting(Throwable::getMessage).isEqualTo(message);
    }

    @Test
    void theInitialLevelsFinalizeOnlyFeaturesTheClusterHasNoLevelFor() throws Exception {
        MetadataImage image = finalized(Map.of(TV, (short) 1));
        // A node started with another initial level, or knowing one more feature, keeps the agreed one.
        Decision<Map<String, Short>> again = FeatureControl.finalizeMissing(image, Map.of(TV, (short) 2,
                MV, (short) 25));
        assertThat(again.records()).containsExactly(new FeatureLevelRecord(MV, (short) 25, Optional.empty()));
        assertThat(again.result()).isEqualTo(Map.of(TV, (short) 1, MV, (short) 25));
        assertThat(FeatureControl.finalizeMissing(ImageBuilder.applyBatch(image, again.records(), 2),
                Map.of(TV, (short) 2, MV, (short) 25)).records()).isEmpty();
    }

    @Test
    void upgradesAndDowngradesWithTheRightUpgradeType() throws Exception {
        MetadataImage image = cluster();
        Decision<Optional<ApiException>> down = FeatureControl.update(image,
                List.of(new FeatureChange(TV, (short) 1, UpgradeType.SAFE_DOWNGRADE)), SUPPORTED, false);
        assertThat(down.result()).isEmpty();
        assertThat(down.records()).containsExactly(new FeatureLevelRecord(TV, (short) 1, Optional.of((short) 2)));
        MetadataImage v1 = ImageBuilder.applyBatch(image, down.records(), 2);
        assertThat(refusal(v1, TV, 0, UpgradeType.UNSAFE_DOWNGRADE)).isEmpty();
        assertThat(refusal(v1, TV, 2, UpgradeType.UPGRADE)).isEmpty();

        assertRefused(image, TV, 1, UpgradeType.UPGRADE, "Invalid update version 1 for feature transaction.version. "
                + "Can't downgrade the version of this feature without setting the upgrade type to either safe or "
                + "unsafe downgrade.");
        assertRefused(v1, TV, 2, UpgradeType.SAFE_DOWNGRADE, "Invalid update version 2 for feature "
                + "transaction.version. Can't downgrade to a newer version.");
        assertRefused(image, TV, 1, UpgradeType.UNKNOWN, "Invalid update version 1 for feature transaction.version. "
                + "The controller does not support the given upgrade type.");
        assertRefused(image, TV, -1, UpgradeType.SAFE_DOWNGRADE, "Invalid update version -1 for feature "
                + "transaction.version. A feature version cannot be less than 0.");
    }

    @Test
    void refusesLevelsAndFeaturesThisNodeDoesNotSupportNamingTheNode() throws Exception {
        MetadataImage image = cluster();
        assertRefused(image, TV, 3, UpgradeType.UPGRADE, "Invalid update version 3 for feature transaction.version. "
                + "Local controller 3 only supports versions 0-2");
        assertRefused(image, "group.version", 0, UpgradeType.SAFE_DOWNGRADE, "Invalid update version 0 for feature "
                + "group.version. Local controller 3 only supports versions 1");
        assertRefused(image, "share.version", 1, UpgradeType.UPGRADE, "Invalid update version 1 for feature "
                + "share.version. Local controller 3 does not support this feature.");
        // Level 0 of a feature this node does not know is what the cluster has already: accepted, nothing written.
        Decision<Optional<ApiException>> off = FeatureControl.update(image,
                List.of(new FeatureChange("share.version", (short) 0, UpgradeType.SAFE_DOWNGRADE)), SUPPORTED, false);
        assertThat(off.result()).isEmpty();
        assertThat(off.records()).isEmpty();
    }

    @Test
    void theFirstRefusedChangeFailsTheWholeRequest() throws Exception {
        Decision<Optional<ApiException>> decision = FeatureControl.update(cluster(), List.of(
                new FeatureChange(TV, (short) 1, UpgradeType.SAFE_DOWNGRADE),
                new FeatureChange(MV, (short) 26, UpgradeType.UPGRADE)), SUPPORTED, false);
        assertThat(decision.records()).isEmpty();
        assertThat(decision.result()).get().extracting(Throwable::getMessage).isEqualTo("Invalid update version 26 "
                + "for feature metadata.version. Local controller 3 only supports versions 7-25");
    }

    @Test
    void aDryRunAndAnUnchangedLevelWriteNothing() throws Exception {
        MetadataImage image = cluster();
        Decision<Optional<ApiException>> dryRun = FeatureControl.update(image,
                List.of(new FeatureChange(TV, (short) 1, UpgradeType.SAFE_DOWNGRADE)), SUPPORTED, true);
        assertThat(dryRun.result()).isEmpty();
        assertThat(dryRun.records()).isEmpty();
        Decision<Optional<ApiException>> invalidDryRun = FeatureControl.update(image,
                List.of(new FeatureChange(TV, (short) 1, UpgradeType.UPGRADE)), SUPPORTED, true);
        assertThat(invalidDryRun.result()).isPresent();
        Decision<Optional<ApiException>> same = FeatureControl.update(image, List.of(
                new FeatureChange(TV, (short) 2, UpgradeType.UPGRADE),
                new FeatureChange("group.version", (short) 1, UpgradeType.UPGRADE)), SUPPORTED, false);
        assertThat(same.result()).isEmpty();
        assertThat(same.records()).isEmpty();
    }

    @Test
    void aMetadataVersionDowngradeAcrossAChangeOfKafkasRecordsIsRefusedAsKafkaDoes() throws Exception {
        MetadataImage image = cluster(); // 25 = 4.0-IV3
        // 4.0-IV2 (24) changed nothing since 4.0-IV3: a safe downgrade.
        assertThat(refusal(image, MV, 24, UpgradeType.SAFE_DOWNGRADE)).isEmpty();
        // 4.0-IV1 (23) changed the records: back to 4.0-IV0 (22) is refused, unsafe or not.
        assertRefused(image, MV, 22, UpgradeType.SAFE_DOWNGRADE, "Unsupported metadata.version downgrade from 25 "
                + "to 22. Refusing to perform the requested downgrade because it might delete metadata information.");
        assertRefused(image, MV, 22, UpgradeType.UNSAFE_DOWNGRADE, "Unsupported metadata.version downgrade from 25 "
                + "to 22. Unsafe metadata downgrade is not supported in this version.");
        assertRefused(image, MV, 6, UpgradeType.SAFE_DOWNGRADE, "Invalid update version 6 for feature "
                + "metadata.version. Local controller 3 only supports versions 7-25");
        MetadataImage older = finalized(Map.of(MV, (short) 21));
        assertThat(refusal(older, MV, 25, UpgradeType.UPGRADE)).isEmpty();
    }
}
