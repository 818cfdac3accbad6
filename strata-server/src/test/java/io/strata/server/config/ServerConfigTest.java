package io.strata.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.LeaderRebalanceConfig;
import io.strata.server.security.SecurityProtocolName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void embeddedDefaultsDescribeASingleNodeCluster() {
        ServerConfig config = ServerConfig.from(Map.of());
        assertThat(config.nodeId()).isEqualTo(1);
        assertThat(config.processRoles()).containsExactly("broker", "controller");
        assertThat(config.brokerListeners()).containsExactly(new Endpoint("PLAINTEXT", "", 9092));
        assertThat(config.quorumVoters()).containsOnlyKeys(1);
        assertThat(config.quorumVoters().get(1).getPort()).isEqualTo(9093);
        assertThat(config.logDirs()).containsExactly(Path.of("/tmp/strata-logs"));
        assertThat(config.autoCreateTopics()).isTrue();
        assertThat(config.socketRequestMaxBytes()).isEqualTo(104_857_600);
        assertThat(config.logConfigDefaults()).containsEntry("segment.bytes", "1073741824")
                .containsEntry("max.message.bytes", "1048588").containsEntry("retention.ms", "604800000");
    }

    @Test
    void kafkaBrokerKeysWithoutEffectAreNamedAndOthersAreNot() {
        ServerConfig config = ServerConfig.from(Map.of("num.network.threads", "3", "num.io.threads", "8",
                "log.preallocate", "true", "ssl.keystore.location", "/k", "broker.heartbeat.interval.ms", "2000",
                "log.retention.hours", "1", "compression.type", "zstd", "group.max.size", "10",
                "log.roll.jitter.ms", "10", "no.such.kafka.key", "x"));
        assertThat(config.acceptedWithoutEffect()).containsExactly("broker.heartbeat.interval.ms", "log.preallocate",
                "num.io.threads", "num.network.threads");
        assertThat(config.logConfigDefaults()).containsEntry("compression.type", "zstd")
                .containsEntry("segment.jitter.ms", "10");
        assertThatThrownBy(() -> ServerConfig.from(Map.of("compression.type", "brotli")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(
                        "Invalid value brotli for configuration compression.type: String must be one of:");
    }

    @Test
    void brokerSynonymsAndDerivedKeysBecomeTopicDefaults() {
        ServerConfig config = ServerConfig.from(Map.of("log.segment.bytes", "1048576", "message.max.bytes", "2000",
                "log.retention.hours", "1", "log.roll.hours", "2"));
        assertThat(config.logConfigDefaults()).containsEntry("segment.bytes", "1048576")
                .containsEntry("max.message.bytes", "2000").containsEntry("retention.ms", "3600000")
                .containsEntry("segment.ms", "7200000");
        assertThat(ServerConfig.from(Map.of("log.retention.minutes", "5", "log.retention.hours", "1"))
                .logConfigDefaults()).containsEntry("retention.ms", "300000");
        assertThat(ServerConfig.from(Map.of("log.retention.ms", "42", "log.retention.minutes", "5"))
                .logConfigDefaults()).containsEntry("retention.ms", "42");
    }

    @Test
    void logDirFallsBackToTheOldSingleKey() {
        assertThat(ServerConfig.from(Map.of("log.dir", "/data/a")).logDirs()).containsExactly(Path.of("/data/a"));
        assertThat(ServerConfig.from(Map.of("log.dirs", "/a, /b", "log.dir", "/c")).logDirs())
                .containsExactly(Path.of("/a"), Path.of("/b"));
        assertThat(ServerConfig.from(Map.of("log.dirs", "/a,/b")).metadataLogDir()).isEqualTo(Path.of("/a"));
    }

    @Test
    void theFreeSpaceReserveOfLogDirectoriesDefaultsTo64MibAndCannotBeNegative() {
        assertThat(ServerConfig.from(Map.of()).logManagerConfig().minFreeBytes()).isEqualTo(64L << 20);
        assertThat(ServerConfig.from(Map.of("strata.log.dir.min.free.bytes", "0")).logManagerConfig().minFreeBytes())
                .isZero();
        assertThatThrownBy(() -> ServerConfig.from(Map.of("strata.log.dir.min.free.bytes", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("strata.log.dir.min.free.bytes");
    }

    @Test
    void listenersAreParsedAndCheckedAtStart() {
        ServerConfig config = ServerConfig.from(Map.of(
                "listeners", "INTERNAL://:9092,EXTERNAL://:9094,CONTROLLER://:9093",
                "listener.security.protocol.map", "INTERNAL:SASL_PLAINTEXT,EXTERNAL:SSL,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name", "internal", "http.listeners", "HTTPS://:8443"));
        assertThat(config.brokerListeners()).extracting(Endpoint::listenerName)
                .containsExactly("INTERNAL", "EXTERNAL");
        assertThat(config.securityProtocol("EXTERNAL")).isEqualTo(SecurityProtocolName.SSL);
        assertThat(config.interBrokerListenerName()).isEqualTo("INTERNAL");
        assertThat(config.httpListeners()).containsExactly(new Endpoint("HTTPS", "", 8443));
        assertThatThrownBy(() -> ServerConfig.from(Map.of("listeners", "EXTERNAL://:9094,CONTROLLER://:9093")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no security protocol defined for listener "
                        + "EXTERNAL");
        assertThatThrownBy(() -> ServerConfig.from(Map.of("schema.registry.listeners", "HTTP://:8081",
                "http.listeners", ""))).isInstanceOf(ConfigException.class).hasMessageContaining("http.listeners");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> ServerConfig.from(Map.of("node.id", "one")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("node.id");
        assertThatThrownBy(() -> ServerConfig.from(Map.of("auto.create.topics.enable", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auto.create.topics.enable");
        assertThatThrownBy(() -> ServerConfig.from(Map.of("controller.quorum.voters", "localhost:9093")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("controller.quorum.voters");
        assertThatThrownBy(() -> ServerConfig.from(Map.of("log.segment.bytes", "1")))
                .isInstanceOf(ConfigException.class).hasMessage("Invalid value 1 for configuration log.segment.bytes: Value must be at least 1048576");
        assertThatThrownBy(() -> ServerConfig.from(Map.of("process.roles", "broker,zookeeper")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("process.roles");
        assertThatThrownBy(() -> ServerConfig.from(Map.of("listeners", "PLAINTEXT://:x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("listeners");
    }

    @Test
    void leaderRebalanceHasKafkasDefaultsAndNamesItsKeys() {
        assertThat(ServerConfig.from(Map.of()).leaderRebalance()).isEqualTo(LeaderRebalanceConfig.DEFAULTS);
        assertThat(ServerConfig.from(Map.of("auto.leader.rebalance.enable", "false",
                "leader.imbalance.check.interval.seconds", "2", "leader.imbalance.per.broker.percentage", "0"))
                .leaderRebalance()).isEqualTo(new LeaderRebalanceConfig(false, Duration.ofSeconds(2), 0));
        assertThatThrownBy(() -> ServerConfig.from(Map.of("leader.imbalance.check.interval.seconds", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("leader.imbalance.check.interval.seconds");
        assertThatThrownBy(() -> ServerConfig.from(Map.of("leader.imbalance.per.broker.percentage", "ten")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("leader.imbalance.per.broker.percentage");
    }

}
