package io.strata.cli.top;

import io.strata.cli.client.Await;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Every consumer group's state, members and total lag (end offset minus committed offset, summed over the group's
 * committed partitions of existing topics), read with a fixed number of Admin calls however many groups there are:
 * list, describe, committed offsets and end offsets, each one request for all groups.
 *
 * @param byGroup the groups by id
 */
record GroupLags(Map<String, Lag> byGroup) {

    /** One group. */
    record Lag(String group, String state, int members, long lag) {
    }

    GroupLags {
        byGroup = Map.copyOf(byGroup);
    }

    static GroupLags read(Admin admin) {
        List<String> ids = Await.get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()).stream()
                .map(GroupListing::groupId).toList();
        if (ids.isEmpty()) {
            return new GroupLags(Map.of());
        }
        Map<String, ConsumerGroupDescription> described = Await.get(admin.describeConsumerGroups(ids).all());
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        ids.forEach(id -> specs.put(id, new ListConsumerGroupOffsetsSpec()));
        ListConsumerGroupOffsetsResult offsets = admin.listConsumerGroupOffsets(specs);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = Await.get(offsets.all());
        // A group keeps the offsets of a deleted topic: those have no end offset, and no lag.
        Set<String> topics = Await.get(admin.listTopics().names());
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        committed.values().forEach(m -> m.keySet().stream().filter(tp -> topics.contains(tp.topic()))
                .forEach(tp -> request.put(tp, OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResultInfo> end = request.isEmpty() ? Map.of()
                : Await.get(admin.listOffsets(request).all());
        Map<String, Lag> out = new HashMap<>();
        for (String id : ids) {
            long lag = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.getOrDefault(id, Map.of()).entrySet()) {
                ListOffsetsResultInfo info = end.get(e.getKey());
                if (info != null && e.getValue() != null) {
                    lag += Math.max(0, info.offset() - e.getValue().offset());
                }
            }
            ConsumerGroupDescription d = described.get(id);
            out.put(id, new Lag(id, d == null ? "Unknown" : d.groupState().toString(),
                    d == null ? 0 : d.members().size(), lag));
        }
        return new GroupLags(out);
    }

    List<Lag> all() {
        return new ArrayList<>(byGroup.values());
    }
}
