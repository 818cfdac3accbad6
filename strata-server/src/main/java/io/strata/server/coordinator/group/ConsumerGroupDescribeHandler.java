package io.strata.server.coordinator.group;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * ConsumerGroupDescribe (KIP-848): epochs, assignor and members with their current and target assignments.
 * Unknown groups and classic groups answer GROUP_ID_NOT_FOUND, which tells the Admin client to fall back to
 * DescribeGroups. A group the client may not describe answers GROUP_AUTHORIZATION_FAILED; authorized operations are
 * filled in when asked for.
 */
final class ConsumerGroupDescribeHandler implements ApiHandler<ConsumerGroupDescribeRequest> {

    /** Member type in v1: this node's consumer groups only have consumer-protocol members. */
    private static final byte CONSUMER_MEMBER = 1;

    private final GroupCoordinator coordinator;

    ConsumerGroupDescribeHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiMessage handle(RequestContext context, ConsumerGroupDescribeRequest request) {
        List<ConsumerGroupDescribeResponseData.DescribedGroup> groups = new ArrayList<>();
        for (String groupId : request.data().groupIds()) {
            ConsumerGroupDescribeResponseData.DescribedGroup described;
            if (!context.authorized(AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
                groups.add(new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                        .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
                continue;
            }
            try {
                described = coordinator.admin().withGroup(groupId, g -> describe(g, context.apiVersion()))
                        .flatMap(d -> d)
                        .orElseGet(() -> notFound(groupId, "Group " + groupId + " not found."));
            } catch (ApiException e) {
                described = new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                        .setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            if (request.data().includeAuthorizedOperations() && described.errorCode() == Errors.NONE.code()) {
                described.setAuthorizedOperations(context.authorizedOperations(RequestContext.GROUP_OPERATIONS,
                        ResourceType.GROUP, groupId));
            }
            groups.add(described);
        }
        return new ConsumerGroupDescribeResponseData().setGroups(groups);
    }

    private Optional<ConsumerGroupDescribeResponseData.DescribedGroup> describe(ClassicGroup g, short version) {
        if (g.state == GroupState.DEAD) {
            return Optional.empty();
        }
        if (g.consumer.isEmpty()) {
            return Optional.of(notFound(g.groupId, "Group " + g.groupId + " is not a consumer group."));
        }
        ConsumerProtocolGroup cg = g.consumer.get();
        ConsumerGroupDescribeResponseData.DescribedGroup d = new ConsumerGroupDescribeResponseData.DescribedGroup()
                .setGroupId(g.groupId).setGroupState(cg.stateName()).setGroupEpoch(cg.groupEpoch)
                .setAssignmentEpoch(cg.assignmentEpoch).setAssignorName(cg.assignorName)
                .setErrorCode(Errors.NONE.code());
        for (ConsumerMember m : cg.members.values()) {
            ConsumerGroupDescribeResponseData.Member member = new ConsumerGroupDescribeResponseData.Member()
                    .setMemberId(m.memberId).setInstanceId(m.instanceId.orElse(null))
                    .setRackId(m.rackId.orElse(null)).setMemberEpoch(m.memberEpoch).setClientId(m.clientId)
                    .setClientHost(m.clientHost).setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames))
                    .setSubscribedTopicRegex(m.subscribedTopicRegex.orElse(null))
                    .setAssignment(assignment(m.assigned)).setTargetAssignment(assignment(cg.targetOf(m.memberId)));
            if (version >= 1) {
                member.setMemberType(CONSUMER_MEMBER);
            }
            d.members().add(member);
        }
        return Optional.of(d);
    }

    private ConsumerGroupDescribeResponseData.Assignment assignment(Map<Uuid, Set<Integer>> partitions) {
        List<ConsumerGroupDescribeResponseData.TopicPartitions> topics = new ArrayList<>();
        partitions.forEach((topic, ps) -> {
            if (!ps.isEmpty()) {
                topics.add(new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicId(topic)
                        .setTopicName(coordinator.heartbeats().topicName(topic).orElse(""))
                        .setPartitions(new ArrayList<>(ps)));
            }
        });
        return new ConsumerGroupDescribeResponseData.Assignment().setTopicPartitions(topics);
    }

    private static ConsumerGroupDescribeResponseData.DescribedGroup notFound(String groupId, String message) {
        return new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(message);
    }
}
