package io.strata.server.coordinator.group;

import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.server.api.ApiAuthorization;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.resource.ResourceType;

/** OffsetCommit: topics by name up to v9, by topic id from v10 (unknown ids get UNKNOWN_TOPIC_ID). */
final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequest> {

    private final GroupOffsets offsets;
    private final MetadataQuorum quorum;

    OffsetCommitHandler(GroupOffsets offsets, MetadataQuorum quorum) {
        this.offsets = offsets;
        this.quorum = quorum;
    }

    @Override
    public ApiMessage handle(RequestContext context, OffsetCommitRequest request) {
        OffsetCommitRequestData data = request.data();
        short version = context.apiVersion();
        boolean byId = version >= 10;
        if (!context.authorized(AclOperation.READ, ResourceType.GROUP, data.groupId())) {
            throw ApiAuthorization.denial(ResourceType.GROUP);
        }
        List<GroupOffsets.Commit> commits = new ArrayList<>();
        List<OffsetCommitResponseData.OffsetCommitResponsePartition> slots = new ArrayList<>();
        List<OffsetCommitResponseData.OffsetCommitResponseTopic> topics = new ArrayList<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : data.topics()) {
            Optional<String> name = byId ? quorum.image().topic(t.topicId()).map(TopicImage::name)
                    : Optional.ofNullable(t.name());
            OffsetCommitResponseData.OffsetCommitResponseTopic topic =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic();
            if (byId) {
                topic.setTopicId(t.topicId());
            } else {
                topic.setName(t.name());
            }
            topics.add(topic);
            boolean denied = name.isPresent() && !context.authorized(AclOperation.READ, ResourceType.TOPIC, name.get());
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                OffsetCommitResponseData.OffsetCommitResponsePartition partition =
                        new OffsetCommitResponseData.OffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex());
                topic.partitions().add(partition);
                if (denied) {
                    partition.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                    continue;
                }
                if (name.isEmpty()) {
                    partition.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                    continue;
                }
                commits.add(new GroupOffsets.Commit(new TopicPartition(name.get(), p.partitionIndex()),
                        p.committedOffset(), p.committedLeaderEpoch(), Optional.ofNullable(p.committedMetadata())));
                slots.add(partition);
            }
        }
        if (!commits.isEmpty()) {
            List<Errors> errors = offsets.commit(data.groupId(), data.memberId() == null ? "" : data.memberId(),
                    Optional.ofNullable(data.groupInstanceId()), data.generationIdOrMemberEpoch(), commits,
                    version >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION);
            for (int i = 0; i < slots.size(); i++) {
                slots.get(i).setErrorCode(errors.get(i).code());
            }
        }
        return new OffsetCommitResponseData().setTopics(topics);
    }
}
