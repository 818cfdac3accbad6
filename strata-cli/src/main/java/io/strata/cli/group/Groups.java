package io.strata.cli.group;

import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The Admin calls the group commands share, with Kafka's errors turned into one-line messages. Stateless. */
final class Groups {

    private Groups() {
    }

    /**
     * The group's description, or empty when it does not exist: depending on the API version the broker answers
     * GROUP_ID_NOT_FOUND or a group in state Dead.
     */
    static Optional<ConsumerGroupDescription> describe(Admin admin, String group) {
        try {
            ConsumerGroupDescription d = Await.get(admin.describeConsumerGroups(java.util.List.of(group))
                    .describedGroups().get(group));
            return d.groupState() == GroupState.DEAD ? Optional.empty() : Optional.of(d);
        } catch (GroupIdNotFoundException e) {
            return Optional.empty();
        }
    }

    static ConsumerGroupDescription describeExisting(Admin admin, String group) {
        return describe(admin, group).orElseThrow(() -> notFound(group));
    }

    static CliException notFound(String group) {
        return new CliException("group '" + group + "' does not exist");
    }

    /** The group's committed offsets; partitions without a committed offset are left out. */
    static Map<TopicPartition, Long> committed(Admin admin, String group) {
        Map<TopicPartition, OffsetAndMetadata> offsets;
        try {
            offsets = Await.get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        } catch (GroupIdNotFoundException e) {
            return Map.of();
        }
        Map<TopicPartition, Long> result = new HashMap<>();
        // The Admin client reports a partition it asked for explicitly, but has no offset for, as null.
        offsets.forEach((tp, o) -> {
            if (o != null) {
                result.put(tp, o.offset());
            }
        });
        return result;
    }

    /** The offset {@code spec} resolves to in each partition (ListOffsets); -1 where there is none (by time). */
    static Map<TopicPartition, Long> offsets(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> infos;
        try {
            infos = Await.get(admin.listOffsets(request).all());
        } catch (UnknownTopicOrPartitionException e) {
            throw new CliException("cannot read the offsets of " + partitions + ": " + e.getMessage());
        }
        Map<TopicPartition, Long> result = new HashMap<>();
        infos.forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }
}
