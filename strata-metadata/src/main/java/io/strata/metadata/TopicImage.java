package io.strata.metadata;

import java.util.SortedMap;
import org.apache.kafka.common.Uuid;

/** A topic: its name, id and partitions by index. Immutable. */
public record TopicImage(String name, Uuid id, SortedMap<Integer, PartitionImage> partitions) {
}
