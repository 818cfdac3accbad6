package io.strata.metadata.image;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * What changed between two images: the topics created or changed, the topics deleted, the config resources whose
 * values changed, and whether the broker registrations changed. Immutable.
 *
 * <p>{@link #between} compares the images' maps entry by entry by reference first ({@link ImageBuilder} shares
 * untouched topics and configs with the previous image) and by value only where references differ, so the cost
 * is a pointer comparison per topic plus work proportional to what changed; an image loaded from a snapshot shares
 * nothing with its predecessor and is compared by value, with the same result.
 *
 * @param image          the newer image
 * @param changedTopics  topics of {@code image} that are new or whose partitions changed
 * @param deletedTopics  topics of the older image no longer in {@code image} (by id)
 * @param changedConfigs config resources whose values differ
 * @param brokersChanged whether any broker registration differs
 */
public record ImageDelta(MetadataImage image, List<TopicImage> changedTopics, List<TopicImage> deletedTopics,
                         Set<ConfigResourceKey> changedConfigs, boolean brokersChanged) {

    public ImageDelta {
        changedTopics = List.copyOf(changedTopics);
        deletedTopics = List.copyOf(deletedTopics);
        changedConfigs = Set.copyOf(changedConfigs);
    }

    /** The changes from {@code previous} to {@code current}. */
    public static ImageDelta between(MetadataImage previous, MetadataImage current) {
        List<TopicImage> changed = new ArrayList<>();
        List<TopicImage> deleted = new ArrayList<>();
        Map<Uuid, TopicImage> before = previous.topicsById();
        Map<Uuid, TopicImage> after = current.topicsById();
        if (before != after) {
            for (TopicImage topic : after.values()) {
                TopicImage old = before.get(topic.id());
                if (old != topic && !topic.equals(old)) {
                    changed.add(topic);
                }
            }
            for (TopicImage topic : before.values()) {
                if (!after.containsKey(topic.id())) {
                    deleted.add(topic);
                }
            }
        }
        Set<ConfigResourceKey> configs = new HashSet<>();
        if (previous.configs() != current.configs()) {
            diffKeys(previous.configs(), current.configs(), configs);
        }
        boolean brokers = previous.brokers() != current.brokers() && !previous.brokers().equals(current.brokers());
        return new ImageDelta(current, changed, deleted, configs, brokers);
    }

    /** A delta that presents every topic and config of {@code image} as new: the first publication. */
    public static ImageDelta full(MetadataImage image) {
        return between(ImageBuilder.emptyImage(image.clusterId()), image);
    }

    private static <K, V> void diffKeys(Map<K, V> before, Map<K, V> after, Set<K> out) {
        for (Map.Entry<K, V> e : after.entrySet()) {
            V old = before.get(e.getKey());
            if (old != e.getValue() && !Objects.equals(old, e.getValue())) {
                out.add(e.getKey());
            }
        }
        for (K key : before.keySet()) {
            if (!after.containsKey(key)) {
                out.add(key);
            }
        }
    }

    public boolean isEmpty() {
        return changedTopics.isEmpty() && deletedTopics.isEmpty() && changedConfigs.isEmpty() && !brokersChanged;
    }
}
