package io.strata.server.coordinator.group;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.server.api.ApiAuthorization;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * OffsetFetch: one group up to v7, several from v8, topics by id from v10; a null topic list asks for every
 * committed offset. Partitions without a committed offset answer offset -1. There are no transactional
 * (pending) offsets yet, so {@code require_stable} never has to wait.
 */
final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequest> {

    private final GroupOffsets offsets;
    private final MetadataQuorum quorum;

    OffsetFetchHandler(GroupOffsets offsets, MetadataQuorum quorum) {
        this.offsets = offsets;
        this.quorum = quorum;
    }

    /** One topic's answer, in the shape shared by all versions. */
    private record TopicResult(String name, Uuid topicId, List<PartitionResult> partitions) {
    }

    private record PartitionResult(int partition, long offset, int leaderEpoch, String metadata, Errors error) {
    }

    @Override
    public ApiMessage handle(RequestContext context, OffsetFetchRequest request) {
        OffsetFetchRequestData data = request.data();
        short version = context.apiVersion();
        MetadataImage image = quorum.image();
        if (version < 8) {
            Optional<List<TopicResult>> requested = data.topics() == null ? Optional.empty()
                    : Optional.of(data.topics().stream().map(t -> new TopicResult(t.name(), Uuid.ZERO_UUID,
                            t.partitionIndexes().stream().map(p -> new PartitionResult(p, -1, -1, "", Errors.NONE))
                                    .toList())).toList());
            OffsetFetchResponseData response = new OffsetFetchResponseData();
            try {
                List<TopicResult> results = fetch(context, data.groupId(), requested, image, false,
                        version >= 7 && data.requireStable());
                for (TopicResult t : results) {
                    OffsetFetchResponseData.OffsetFetchResponseTopic topic =
                            new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
                    for (PartitionResult p : t.partitions()) {
                        OffsetFetchResponseData.OffsetFetchResponsePartition partition =
                                new OffsetFetchResponseData.OffsetFetchResponsePartition()
                                        .setPartitionIndex(p.partition()).setCommittedOffset(p.offset())
                                        .setMetadata(p.metadata()).setErrorCode(p.error().code());
                        if (version >= 5) {
                            partition.setCommittedLeaderEpoch(p.leaderEpoch());
                        }
                        topic.partitions().add(partition);
                    }
                    response.topics().add(topic);
                }
            } catch (ApiException e) {
                if (version < 2) {
                    throw e;
                }
                response.setErrorCode(Errors.forException(e).code());
            }
            return response;
        }
        boolean byId = version >= 10;
        OffsetFetchResponseData response = new OffsetFetchResponseData();
        for (OffsetFetchRequestData.OffsetFetchRequestGroup g : data.groups()) {
            OffsetFetchResponseData.OffsetFetchResponseGroup group =
                    new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(g.groupId());
            response.groups().add(group);
            Optional<List<TopicResult>> requested = g.topics() == null ? Optional.empty()
                    : Optional.of(g.topics().stream().map(t -> new TopicResult(
                            byId ? image.topic(t.topicId()).map(TopicImage::name).orElse(null) : t.name(),
                            t.topicId(), t.partitionIndexes().stream()
                            .map(p -> new PartitionResult(p, -1, -1, "", Errors.NONE)).toList())).toList());
            try {
                for (TopicResult t : fetch(context, g.groupId(), requested, image, byId, data.requireStable())) {
                    OffsetFetchResponseData.OffsetFetchResponseTopics topic =
                            new OffsetFetchResponseData.OffsetFetchResponseTopics();
                    if (byId) {
                        topic.setTopicId(t.topicId());
                    } else {
                        topic.setName(t.name());
                    }
                    for (PartitionResult p : t.partitions()) {
                        topic.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                                .setPartitionIndex(p.partition()).setCommittedOffset(p.offset())
                                .setCommittedLeaderEpoch(p.leaderEpoch()).setMetadata(p.metadata())
                                .setErrorCode(p.error().code()));
                    }
                    group.topics().add(topic);
                }
            } catch (ApiException e) {
                group.setErrorCode(Errors.forException(e).code());
            }
        }
        return response;
    }

    /**
     * As Kafka: DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED for it), and on each topic: a requested topic
     * the client may not describe answers TOPIC_AUTHORIZATION_FAILED, and is left out of "every offset".
     *
     * @param requireStable whether partitions with a transactional commit in flight get UNSTABLE_OFFSET_COMMIT
     */
    private List<TopicResult> fetch(RequestContext context, String groupId, Optional<List<TopicResult>> requested,
                                    MetadataImage image, boolean byId, boolean requireStable) {
        if (groupId == null || groupId.isEmpty()) {
            throw new org.apache.kafka.common.errors.InvalidGroupIdException("The group id must not be empty");
        }
        if (!context.authorized(AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
            throw ApiAuthorization.denial(ResourceType.GROUP);
        }
        Map<String, Boolean> describable = new HashMap<>();
        Predicate<String> mayDescribe = name -> describable.computeIfAbsent(name,
                n -> context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, n));
        if (requested.isPresent()) {
            List<TopicPartition> partitions = new ArrayList<>();
            requested.get().stream().filter(t -> t.name() != null).forEach(t -> t.partitions()
                    .forEach(p -> partitions.add(new TopicPartition(t.name(), p.partition()))));
            Map<TopicPartition, GroupRecords.OffsetValue> committed = offsets.fetch(groupId,
                    Optional.of(partitions));
            Set<TopicPartition> unstable = requireStable ? offsets.unstable(groupId) : Set.of();
            List<TopicResult> out = new ArrayList<>();
            for (TopicResult t : requested.get()) {
                List<PartitionResult> ps = new ArrayList<>();
                for (PartitionResult p : t.partitions()) {
                    if (t.name() == null) {
                        ps.add(new PartitionResult(p.partition(), -1, -1, "", Errors.UNKNOWN_TOPIC_ID));
                        continue;
                    }
                    if (!mayDescribe.test(t.name())) {
                        ps.add(new PartitionResult(p.partition(), -1, -1, "", Errors.TOPIC_AUTHORIZATION_FAILED));
                        continue;
                    }
                    TopicPartition tp = new TopicPartition(t.name(), p.partition());
                    if (unstable.contains(tp)) {
                        ps.add(new PartitionResult(p.partition(), -1, -1, "", Errors.UNSTABLE_OFFSET_COMMIT));
                        continue;
                    }
                    GroupRecords.OffsetValue v = committed.get(tp);
                    ps.add(v == null ? p : result(p.partition(), v));
                }
                out.add(new TopicResult(t.name(), t.topicId(), ps));
            }
            return out;
        }
        Map<String, List<PartitionResult>> byTopic = new TreeMap<>();
        offsets.fetch(groupId, Optional.empty()).entrySet().stream()
                .sorted(Map.Entry.comparingByKey((a, b) -> a.partition() - b.partition()))
                .forEach(e -> byTopic.computeIfAbsent(e.getKey().topic(), k -> new ArrayList<>())
                        .add(result(e.getKey().partition(), e.getValue())));
        Map<String, TopicResult> out = new LinkedHashMap<>();
        byTopic.forEach((name, ps) -> {
            Optional<TopicImage> topic = image.topic(name);
            if (byId && topic.isEmpty() || !mayDescribe.test(name)) {
                return;
            }
            out.put(name, new TopicResult(name, topic.map(TopicImage::id).orElse(Uuid.ZERO_UUID), ps));
        });
        return new ArrayList<>(out.values());
    }

    private static PartitionResult result(int partition, GroupRecords.OffsetValue v) {
        return new PartitionResult(partition, v.offset(), v.leaderEpoch(), v.metadata().orElse(""), Errors.NONE);
    }
}
