package io.strata.server.api.admin;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.metadata.TopicOutcome;
import io.strata.server.api.ApiAuthorization;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.PartitionAdmission;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * CreatePartitions: grows topics to a new partition count in one controller round, validate-only included. Manual
 * assignments are checked (one per new partition, registered brokers, the topic's replication factor) and the
 * controller places the new partitions over the usable brokers. As with CreateTopics, a request this node has no
 * file descriptors for is refused as a whole ({@link PartitionAdmission}), and the controller refuses one creating
 * more than Kafka's per-request cap of new partitions. Thread-safe.
 */
final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {

    private final MetadataQuorum quorum;
    private final QuorumWaiter waiter;
    private final PartitionAdmission admission;

    CreatePartitionsHandler(MetadataQuorum quorum, QuorumWaiter waiter, PartitionAdmission admission) {
        this.quorum = quorum;
        this.waiter = waiter;
        this.admission = admission;
    }

    @Override
    public ApiMessage handle(RequestContext context, CreatePartitionsRequest request) {
        CreatePartitionsRequestData data = request.data();
        MetadataImage image = quorum.image();
        Set<String> seen = new LinkedHashSet<>();
        Set<String> duplicated = new HashSet<>();
        data.topics().forEach(t -> {
            if (!seen.add(t.name())) {
                duplicated.add(t.name());
            }
        });
        Map<String, ApiException> failed = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (CreatePartitionsRequestData.CreatePartitionsTopic topic : data.topics()) {
            if (duplicated.contains(topic.name())) {
                failed.put(topic.name(), new InvalidRequestException("Duplicate topic in request."));
                continue;
            }
            if (!context.authorized(AclOperation.ALTER, ResourceType.TOPIC, topic.name())) {
                failed.put(topic.name(), ApiAuthorization.denial(ResourceType.TOPIC));
                continue;
            }
            try {
                checkAssignments(image, topic);
                counts.put(topic.name(), topic.count());
            } catch (ApiException e) {
                failed.put(topic.name(), e);
            }
        }
        Optional<PolicyViolationException> refused = admission.check(newPartitions(image, counts));
        if (refused.isPresent()) {
            counts.keySet().forEach(name -> failed.put(name, refused.get()));
            counts.clear();
        }
        Map<String, TopicOutcome> outcomes = counts.isEmpty() ? Map.of()
                : waiter.await(quorum.createPartitions(counts, data.validateOnly()));
        List<CreatePartitionsResponseData.CreatePartitionsTopicResult> results = new ArrayList<>();
        for (String name : seen) {
            CreatePartitionsResponseData.CreatePartitionsTopicResult result =
                    new CreatePartitionsResponseData.CreatePartitionsTopicResult().setName(name);
            Optional<ApiException> error = failed.containsKey(name) ? Optional.of(failed.get(name))
                    : Optional.ofNullable(outcomes.get(name)).flatMap(TopicOutcome::error);
            if (error.isPresent()) {
                result.setErrorCode(Errors.forException(error.get()).code()).setErrorMessage(error.get().getMessage());
            } else {
                result.setErrorCode(Errors.NONE.code());
            }
            results.add(result);
        }
        return new CreatePartitionsResponseData().setResults(results);
    }

    /** The partitions the counts add to existing topics (unknown topics add none: the controller refuses them). */
    private static long newPartitions(MetadataImage image, Map<String, Integer> counts) {
        return counts.entrySet().stream().mapToLong(e -> image.topic(e.getKey())
                .map(t -> Math.max(0L, (long) e.getValue() - t.partitions().size())).orElse(0L)).sum();
    }

    private static void checkAssignments(MetadataImage image, CreatePartitionsRequestData.CreatePartitionsTopic t) {
        if (t.assignments() == null) {
            return;
        }
        Optional<TopicImage> topic = image.topic(t.name());
        if (topic.isEmpty()) {
            return; // the controller answers UNKNOWN_TOPIC_OR_PARTITION
        }
        int current = topic.get().partitions().size();
        int added = t.count() - current;
        if (added > 0 && t.assignments().size() != added) {
            throw new InvalidReplicaAssignmentException("Attempted to add " + added + " additional partition(s), "
                    + "but only " + t.assignments().size() + " assignment(s) were specified.");
        }
        int replicationFactor = topic.get().partitions().isEmpty() ? 0
                : topic.get().partitions().values().iterator().next().targetReplicas().size();
        for (CreatePartitionsRequestData.CreatePartitionsAssignment a : t.assignments()) {
            if (a.brokerIds().size() != replicationFactor) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes a partition "
                        + "with " + a.brokerIds().size() + " replica(s), but this is not consistent with previous "
                        + "partitions, which have " + replicationFactor + " replica(s).");
            }
            if (new HashSet<>(a.brokerIds()).size() != a.brokerIds().size()) {
                throw new InvalidReplicaAssignmentException("Duplicate brokers not allowed in replica assignment: "
                        + a.brokerIds());
            }
            for (int broker : a.brokerIds()) {
                if (!image.brokers().containsKey(broker)) {
                    throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                            + broker + ", but no broker with that id is registered.");
                }
            }
        }
    }
}
