package io.strata.server.api;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.metadata.TopicOutcome;
import io.strata.server.cluster.TopicService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.resource.ResourceType;

/** DeleteTopics by name (all versions) or by topic id (v6+). */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest> {

    private final MetadataQuorum quorum;
    private final TopicService topics;

    public DeleteTopicsHandler(MetadataQuorum quorum, TopicService topics) {
        this.quorum = quorum;
        this.topics = topics;
    }

    /** One requested topic: by name or by id, and what it resolved to. */
    private record Target(String name, Uuid id, Optional<TopicImage> topic) {
    }

    @Override
    public ApiMessage handle(RequestContext context, DeleteTopicsRequest request) {
        DeleteTopicsRequestData data = request.data();
        MetadataImage image = quorum.image();
        List<Target> targets = new ArrayList<>();
        if (context.apiVersion() >= 6) {
            for (DeleteTopicsRequestData.DeleteTopicState t : data.topics()) {
                targets.add(t.name() != null ? new Target(t.name(), t.topicId(), image.topic(t.name()))
                        : new Target(null, t.topicId(), image.topic(t.topicId())));
            }
        } else {
            for (String name : data.topicNames()) {
                targets.add(new Target(name, Uuid.ZERO_UUID, image.topic(name)));
            }
        }
        // As Kafka: DELETE on the topic, checked by name whether it exists or not.
        Set<Target> denied = new HashSet<>();
        for (Target t : targets) {
            Optional<String> name = t.topic().map(TopicImage::name).or(() -> Optional.ofNullable(t.name()));
            if (name.isPresent() && !context.authorized(AclOperation.DELETE, ResourceType.TOPIC, name.get())) {
                denied.add(t);
            }
        }
        List<Uuid> ids = targets.stream().filter(t -> !denied.contains(t)).flatMap(t -> t.topic().stream())
                .map(TopicImage::id).distinct().toList();
        Map<Uuid, TopicOutcome> outcomes = ids.isEmpty() ? Map.of() : topics.delete(ids);
        DeleteTopicsResponseData.DeletableTopicResultCollection results =
                new DeleteTopicsResponseData.DeletableTopicResultCollection();
        for (Target target : targets) {
            DeleteTopicsResponseData.DeletableTopicResult result = new DeleteTopicsResponseData.DeletableTopicResult()
                    .setName(target.topic().map(TopicImage::name).orElse(target.name()))
                    .setTopicId(target.topic().map(TopicImage::id).orElse(target.id()));
            if (denied.contains(target)) {
                result.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage(Errors.TOPIC_AUTHORIZATION_FAILED.message());
                if (target.name() == null) {
                    result.setName(null); // not revealed to a client that named it by id
                }
            } else if (target.topic().isEmpty()) {
                Errors error = target.name() == null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                result.setErrorCode(error.code()).setErrorMessage(error.message());
            } else {
                Optional<Errors> error = Optional.ofNullable(outcomes.get(target.topic().get().id()))
                        .flatMap(TopicOutcome::error).map(Errors::forException);
                result.setErrorCode(error.orElse(Errors.NONE).code())
                        .setErrorMessage(error.map(Errors::message).orElse(null));
            }
            results.add(result);
        }
        return new DeleteTopicsResponseData().setResponses(results);
    }
}
