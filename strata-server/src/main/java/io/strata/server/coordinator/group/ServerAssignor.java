package io.strata.server.coordinator.group;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A server-side partition assignor of the KIP-848 consumer protocol. Implementations are stateless and
 * thread-safe; they are deterministic for the same input.
 */
interface ServerAssignor {

    /** What the assignor works from: each member's subscribed topic ids and current target, and partition counts. */
    record Input(Map<String, Set<Uuid>> subscriptions, Map<String, Map<Uuid, Set<Integer>>> currentTarget,
                 Map<Uuid, Integer> partitionCounts) {
    }

    String name();

    /** The new target assignment: every member id of the input to its partitions by topic id. */
    Map<String, Map<Uuid, Set<Integer>>> assign(Input input);
}
