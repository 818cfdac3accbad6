package io.strata.metadata.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.TopicImage;
import io.strata.metadata.records.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class ImageDeltaTest {

    private static final Uuid A = Uuid.randomUuid();
    private static final Uuid B = Uuid.randomUuid();

    private static MetadataImage apply(MetadataImage base, MetadataRecord... records) throws Exception {
        return ImageBuilder.applyBatch(base, List.of(records), base.version() + 1);
    }

    private static MetadataImage twoTopics() throws Exception {
        return apply(ImageBuilder.emptyImage("c"),
                new MetadataRecord.TopicRecord("a", A),
                new MetadataRecord.PartitionRecord(A, 0, List.of(1), List.of(1), 1, 0, 0),
                new MetadataRecord.TopicRecord("b", B),
                new MetadataRecord.PartitionRecord(B, 0, List.of(1), List.of(1), 1, 0, 0));
    }

    @Test
    void reportsOnlyWhatChanged() throws Exception {
        MetadataImage before = twoTopics();
        MetadataImage after = apply(before,
                new MetadataRecord.PartitionChangeRecord(A, 0, List.of(1), List.of(1), 1, 1, 1),
                new MetadataRecord.ConfigRecord(ConfigResourceKey.Type.TOPIC, "b", "retention.ms", Optional.of("1")));
        ImageDelta delta = ImageDelta.between(before, after);
        assertThat(delta.changedTopics()).extracting(TopicImage::name).containsExactly("a");
        assertThat(delta.deletedTopics()).isEmpty();
        assertThat(delta.changedConfigs()).containsExactly(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, "b"));
        assertThat(delta.brokersChanged()).isFalse();
        assertThat(ImageDelta.between(after, after).isEmpty()).isTrue();
    }

    @Test
    void deletionsAndRecreationsUnderTheSameName() throws Exception {
        MetadataImage before = twoTopics();
        Uuid again = Uuid.randomUuid();
        MetadataImage after = apply(before, new MetadataRecord.RemoveTopicRecord(A),
                new MetadataRecord.TopicRecord("a", again),
                new MetadataRecord.PartitionRecord(again, 0, List.of(1), List.of(1), 1, 0, 0));
        ImageDelta delta = ImageDelta.between(before, after);
        assertThat(delta.deletedTopics()).extracting(TopicImage::id).containsExactly(A);
        assertThat(delta.changedTopics()).extracting(TopicImage::id).containsExactly(again);
    }

    @Test
    void anImageThatSharesNothingIsComparedByValue() throws Exception {
        MetadataImage before = twoTopics();
        // As after a snapshot load: equal contents, no shared references.
        MetadataImage copy = new MetadataImage(before.version(), before.clusterId(), new java.util.HashMap<>(before.brokers()),
                new java.util.HashMap<>(before.topicsByName()), new java.util.HashMap<>(before.topicsById()),
                new java.util.HashMap<>(before.configs()), before.nextProducerId());
        assertThat(ImageDelta.between(before, copy).isEmpty()).isTrue();
        assertThat(ImageDelta.full(before).changedTopics()).extracting(TopicImage::name)
                .containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void oneTopicChangeAmongManyIsOneChange() throws Exception {
        List<MetadataRecord> records = new ArrayList<>();
        List<Uuid> ids = new ArrayList<>();
        for (int t = 0; t < 2_000; t++) {
            Uuid id = Uuid.randomUuid();
            ids.add(id);
            records.add(new MetadataRecord.TopicRecord("t" + t, id));
            for (int p = 0; p < 5; p++) {
                records.add(new MetadataRecord.PartitionRecord(id, p, List.of(1), List.of(1), 1, 0, 0));
            }
        }
        MetadataImage big = ImageBuilder.applyBatch(ImageBuilder.emptyImage("c"), records, 1);
        MetadataImage changed = apply(big,
                new MetadataRecord.PartitionChangeRecord(ids.get(7), 3, List.of(1), List.of(1), 1, 1, 1));
        assertThat(ImageDelta.between(big, changed).changedTopics()).extracting(TopicImage::name)
                .containsExactly("t7");
    }
}
