package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FeatureUpdate.UpgradeType;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.SupportedVersionRange;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.tools.FeatureCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finalized features (KIP-584) with Kafka's Admin client and {@code kafka-features.sh} ({@code FeatureCommand},
 * run in this JVM): what a new cluster finalizes, UpdateFeatures' rules and dry runs, the finalized
 * {@code transaction.version} deciding which protocol new transactions use, and levels that survive a restart.
 * Every test starts from the levels a new cluster has.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeaturesIT {

    private static final String TV = "transaction.version";
    private static final String TOPIC = "features";

    private TestNode node;
    private Admin admin;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        node = TestNode.start(dir.resolve("node"));
        admin = Clients.admin(node.bootstrap());
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
    }

    @AfterAll
    void stop() {
        admin.close();
        node.close();
    }

    @BeforeEach
    void transactionsVersionTwo() throws Exception {
        if (finalizedLevel(TV) != 2) {
            admin.updateFeatures(Map.of(TV, new FeatureUpdate((short) 2, UpgradeType.UPGRADE)),
                    new UpdateFeaturesOptions()).all().get();
        }
    }

    private FeatureMetadata features() throws Exception {
        return admin.describeFeatures().featureMetadata().get();
    }

    private short finalizedLevel(String feature) throws Exception {
        FinalizedVersionRange range = features().finalizedFeatures().get(feature);
        return range == null ? 0 : range.maxVersionLevel();
    }

    private void update(String feature, int level, UpgradeType type, boolean dryRun) throws Exception {
        admin.updateFeatures(Map.of(feature, new FeatureUpdate((short) level, type)),
                new UpdateFeaturesOptions().validateOnly(dryRun)).all().get();
    }

    @Test
    void aNewClusterFinalizesKafka40sFeaturesWithTransactionsVersionTwo() throws Exception {
        FeatureMetadata features = features();
        assertThat(features.supportedFeatures()).isEqualTo(Map.of(
                TV, new SupportedVersionRange((short) 0, (short) 2),
                "metadata.version", new SupportedVersionRange((short) 7, (short) 25),
                "group.version", new SupportedVersionRange((short) 1, (short) 1),
                "kraft.version", new SupportedVersionRange((short) 1, (short) 1)));
        assertThat(features.finalizedFeatures()).isEqualTo(Map.of(
                TV, new FinalizedVersionRange((short) 2, (short) 2),
                "metadata.version", new FinalizedVersionRange((short) 25, (short) 25),
                "group.version", new FinalizedVersionRange((short) 1, (short) 1),
                "kraft.version", new FinalizedVersionRange((short) 1, (short) 1)));
        assertThat(features.finalizedFeaturesEpoch()).hasValueSatisfying(epoch -> assertThat(epoch).isPositive());
    }

    @Test
    void aDowngradeNeedsItsUpgradeTypeAndADryRunChangesNothing() throws Exception {
        assertThatThrownBy(() -> update(TV, 1, UpgradeType.UPGRADE, false)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidUpdateVersionException.class).hasMessageContaining(
                        "Invalid update version 1 for feature transaction.version. Can't downgrade the version of "
                                + "this feature without setting the upgrade type to either safe or unsafe downgrade.");
        assertThatThrownBy(() -> update(TV, 3, UpgradeType.UPGRADE, false)).cause()
                .isInstanceOf(InvalidUpdateVersionException.class)
                .hasMessageContaining("Local controller 1 only supports versions 0-2");
        update(TV, 1, UpgradeType.SAFE_DOWNGRADE, true);
        assertThat(finalizedLevel(TV)).isEqualTo((short) 2);

        long epoch = features().finalizedFeaturesEpoch().orElseThrow();
        update(TV, 1, UpgradeType.SAFE_DOWNGRADE, false);
        assertThat(finalizedLevel(TV)).isEqualTo((short) 1);
        assertThat(features().finalizedFeaturesEpoch()).hasValueSatisfying(e -> assertThat(e).isGreaterThan(epoch));
        // Level 0 leaves the feature out of the finalized list, as Kafka does.
        update(TV, 0, UpgradeType.UNSAFE_DOWNGRADE, false);
        assertThat(features().finalizedFeatures()).doesNotContainKey(TV);
    }

    /**
     * New producers read the finalized level when they start a transaction: under version 2 (KIP-890) every
     * commit bumps the producer epoch, under version 1 it stays.
     */
    @Test
    void theFinalizedTransactionVersionDecidesWhatNewTransactionsDo() throws Exception {
        assertThat(epochBumpsOverThreeCommits("tv2-before")).isEqualTo(3);
        update(TV, 1, UpgradeType.SAFE_DOWNGRADE, false);
        assertThat(epochBumpsOverThreeCommits("tv1")).isZero();
        update(TV, 2, UpgradeType.UPGRADE, false);
        assertThat(epochBumpsOverThreeCommits("tv2-after")).isEqualTo(3);
    }

    private int epochBumpsOverThreeCommits(String transactionalId) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId))) {
            producer.initTransactions();
            int initial = producerEpoch(transactionalId);
            for (int t = 0; t < 3; t++) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, ("v" + t).getBytes(StandardCharsets.UTF_8)));
                producer.commitTransaction();
            }
            return producerEpoch(transactionalId) - initial;
        }
    }

    private int producerEpoch(String transactionalId) throws Exception {
        return admin.describeTransactions(List.of(transactionalId)).description(transactionalId).get()
                .producerEpoch();
    }

    @Test
    void theFinalizedLevelSurvivesARestartWhateverTheNodesInitialLevel() throws Exception {
        update(TV, 1, UpgradeType.SAFE_DOWNGRADE, false);
        admin.close();
        node.restart(); // its strata.transaction.version is still the default, 2
        admin = Clients.admin(node.bootstrap());
        assertThat(finalizedLevel(TV)).isEqualTo((short) 1);
        assertThat(finalizedLevel("metadata.version")).isEqualTo((short) 25);
    }

    @Test
    void kafkaFeaturesToolDescribesUpgradesAndDowngrades() throws Exception {
        // The tool pads its columns with spaces.
        List<String> described = succeeds("describe").out().lines().map(line -> line.replaceAll("\\s+", " "))
                .toList();
        assertThat(described).anySatisfy(line -> assertThat(line).startsWith("Feature: metadata.version "
                + "SupportedMinVersion: 3.3-IV3 SupportedMaxVersion: 4.0-IV3 FinalizedVersionLevel: 4.0-IV3 Epoch: "));
        assertThat(described).anySatisfy(line -> assertThat(line).startsWith("Feature: transaction.version "
                + "SupportedMinVersion: 0 SupportedMaxVersion: 2 FinalizedVersionLevel: 2 Epoch: "));

        assertThat(succeeds("downgrade", "--feature", "transaction.version=1", "--dry-run").out())
                .contains("transaction.version can be downgraded to 1.");
        assertThat(finalizedLevel(TV)).isEqualTo((short) 2);
        assertThat(succeeds("downgrade", "--feature", "transaction.version=1").out())
                .contains("transaction.version was downgraded to 1.");
        assertThat(finalizedLevel(TV)).isEqualTo((short) 1);

        // Every feature at Kafka 4.0's levels, in one request.
        assertThat(succeeds("upgrade", "--release-version", "4.0").out()).contains(
                "metadata.version was upgraded to 25.", "kraft.version was upgraded to 1.",
                "group.version was upgraded to 1.", "transaction.version was upgraded to 2.");
        assertThat(finalizedLevel(TV)).isEqualTo((short) 2);
        assertThat(succeeds("upgrade", "--metadata", "4.0").out()).contains("metadata.version was upgraded to 25.");

        // Kafka 4.1's levels come with features Strata does not have: the whole request is refused.
        InProcessTool later = features("upgrade", "--release-version", "4.1");
        assertThat(later.status()).isEqualTo(1);
        assertThat(later.out()).contains("Local controller 1 ");
        InProcessTool back = features("downgrade", "--metadata", "3.9");
        assertThat(back.status()).isEqualTo(1);
        assertThat(back.out()).contains("Could not downgrade metadata.version to 21.",
                "Refusing to perform the requested downgrade because it might delete metadata information.");
        assertThat(finalizedLevel("metadata.version")).isEqualTo((short) 25);
    }

    private InProcessTool features(String... command) throws Exception {
        String[] args = new String[command.length + 2];
        args[0] = "--bootstrap-server";
        args[1] = node.bootstrap();
        System.arraycopy(command, 0, args, 2, command.length);
        return InProcessTool.run(() -> FeatureCommand.main(args));
    }

    private InProcessTool succeeds(String... command) throws Exception {
        InProcessTool tool = features(command);
        assertThat(tool.status()).as("kafka-features %s: %s%s", String.join(" ", command), tool.out(), tool.err())
                .isZero();
        return tool;
    }
}
