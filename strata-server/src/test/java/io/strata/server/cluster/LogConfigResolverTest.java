package io.strata.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.ConfigRecord;
import io.strata.storage.LogConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class LogConfigResolverTest {

    private static MetadataImage image(List<MetadataRecord> records) throws Exception {
        return ImageBuilder.applyBatch(ImageBuilder.emptyImage("c"), records, 1);
    }

    private static ConfigRecord config(ConfigResourceKey.Type type, String name, String key, String value) {
        return new ConfigRecord(type, name, key, Optional.of(value));
    }

    @Test
    void topicConfigsWinOverDynamicAndStaticBrokerDefaults() throws Exception {
        MetadataImage image = image(List.of(new MetadataRecord.TopicRecord("t", Uuid.randomUuid()),
                config(ConfigResourceKey.Type.BROKER, "", "log.retention.ms", "1000"),
                config(ConfigResourceKey.Type.BROKER, "", "log.retention.bytes", "2000"),
                config(ConfigResourceKey.Type.TOPIC, "t", "retention.bytes", "3000")));
        LogConfig config = new LogConfigResolver(Map.of("retention.ms", "5", "max.message.bytes", "4000"))
                .resolve(image, "t");

        assertThat(config.retentionMs()).isEqualTo(1000);
        assertThat(config.retentionBytes()).isEqualTo(3000);
        assertThat(config.maxMessageBytes()).isEqualTo(4000);
    }

    @Test
    void aStoredValueThatARuleAddedSinceRefusesFallsBackToItsDefault() throws Exception {
        // segment.bytes=16384 was accepted before Kafka 4's 1 MiB minimum
        MetadataImage image = image(List.of(new MetadataRecord.TopicRecord("old", Uuid.randomUuid()),
                config(ConfigResourceKey.Type.TOPIC, "old", "segment.bytes", "16384"),
                config(ConfigResourceKey.Type.TOPIC, "old", "retention.ms", "60000")));
        LogConfig config = new LogConfigResolver(Map.of()).resolve(image, "old");

        assertThat(config.segmentBytes()).isEqualTo(LogConfig.DEFAULT.segmentBytes());
        assertThat(config.retentionMs()).isEqualTo(60000);
    }
}
