package io.strata.metadata;

import java.util.List;
import java.util.Map;

/**
 * A topic to create.
 *
 * @param numPartitions     -1 when {@code assignments} is given
 * @param replicationFactor -1 when {@code assignments} is given
 * @param assignments       explicit replicas per partition, or empty to let the controller place them
 * @param configs           topic-level configs, already validated by the caller
 */
public record NewTopic(String name, int numPartitions, short replicationFactor,
                       Map<Integer, List<Integer>> assignments, Map<String, String> configs) {
}
