package io.strata.server.api;

import io.strata.metadata.controller.Controller;
import io.strata.server.resources.FileDescriptorGuard;
import java.util.Optional;
import org.apache.kafka.common.errors.PolicyViolationException;

/**
 * Whether this node lets a CreateTopics or CreatePartitions request create its new partitions, before the request
 * reaches the controller: refused with POLICY_VIOLATION when the node is too close to its open-file limit to host
 * them ({@link FileDescriptorGuard}). A request over {@link Controller#MAX_PARTITIONS_PER_REQUEST} is let through
 * here so that the controller refuses it with Kafka's own message.
 *
 * <p>The count is an upper bound for this node: a node holds at most one replica of a partition. Stateless and
 * thread-safe.
 */
public final class PartitionAdmission {

    private final FileDescriptorGuard descriptors;

    public PartitionAdmission(FileDescriptorGuard descriptors) {
        this.descriptors = descriptors;
    }

    /** Empty to go ahead with {@code newPartitions} new partitions, or the error that refuses the whole request. */
    public Optional<PolicyViolationException> check(long newPartitions) {
        if (newPartitions > Controller.MAX_PARTITIONS_PER_REQUEST) {
            return Optional.empty();
        }
        return descriptors.checkPartitions(newPartitions).map(PolicyViolationException::new);
    }
}
