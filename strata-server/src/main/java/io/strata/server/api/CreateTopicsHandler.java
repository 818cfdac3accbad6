package io.strata.server.api;

import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicOutcome;
import io.strata.server.cluster.LogConfigResolver;
import io.strata.server.cluster.TopicConfigKeys;
import io.strata.server.cluster.TopicService;
import io.strata.storage.LogConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.resource.ResourceType;

/**
 * CreateTopics, including validate-only; v5+ responses describe the created topic's partitions, replication
 * factor and effective configs. A request this node has no file descriptors for is refused as a whole
 * ({@link PartitionAdmission}); the controller refuses one over Kafka's per-request partition cap. Thread-safe.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest> {

    private final MetadataQuorum quorum;
    private final TopicService topics;
    private final LogConfigResolver configs;
    private final int defaultPartitions;
    private final PartitionAdmission admission;

    /**
     * @param defaultPartitions {@code num.partitions}, what a topic asking for -1 partitions gets
     */
    public CreateTopicsHandler(MetadataQuorum quorum, TopicService topics, LogConfigResolver configs,
                               int defaultPartitions, PartitionAdmission admission) {
        this.quorum = quorum;
        this.topics = topics;
        this.configs = configs;
        this.defaultPartitions = defaultPartitions;
        this.admission = admission;
    }

    @Override
    public ApiMessage handle(RequestContext context, CreateTopicsRequest request) {
        CreateTopicsRequestData data = request.data();
        CreateTopicsResponseData.CreatableTopicResultCollection results =
                new CreateTopicsResponseData.CreatableTopicResultCollection();
        Set<String> seen = new HashSet<>();
        Set<String> duplicated = new HashSet<>();
        for (CreateTopicsRequestData.CreatableTopic t : data.topics()) {
            if (!seen.add(t.name())) {
                duplicated.add(t.name());
            }
        }
        List<TopicService.Request> requests = new ArrayList<>();
        boolean clusterCreate = context.authorizedCluster(AclOperation.CREATE);
        for (CreateTopicsRequestData.CreatableTopic t : data.topics()) {
            if (duplicated.contains(t.name())) {
                continue;
            }
            if (!clusterCreate && !context.authorized(AclOperation.CREATE, ResourceType.TOPIC, t.name())) {
                results.add(new CreateTopicsResponseData.CreatableTopicResult().setName(t.name())
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage("Authorization failed."));
                continue;
            }
            Map<Integer, List<Integer>> assignments = new LinkedHashMap<>();
            t.assignments().forEach(a -> assignments.put(a.partitionIndex(), List.copyOf(a.brokerIds())));
            Map<String, String> topicConfigs = new HashMap<>();
            t.configs().forEach(c -> topicConfigs.put(c.name(), c.value()));
            requests.add(new TopicService.Request(t.name(), t.numPartitions(), t.replicationFactor(), assignments,
                    topicConfigs));
        }
        for (String name : duplicated) {
            results.add(new CreateTopicsResponseData.CreatableTopicResult().setName(name)
                    .setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("Create topics request from client contains the topic " + name
                            + " more than once"));
        }
        Optional<PolicyViolationException> refused = admission.check(requests.stream()
                .mapToLong(this::partitionsOf).sum());
        Map<String, TopicOutcome> outcomes = new HashMap<>();
        if (refused.isPresent()) {
            requests.forEach(r -> outcomes.put(r.name(), TopicOutcome.failed(r.name(), refused.get())));
        } else {
            outcomes.putAll(topics.create(requests, data.validateOnly()));
        }
        for (TopicService.Request r : requests) {
            results.add(result(context, outcomes.get(r.name()), r.configs()));
        }
        return new CreateTopicsResponseData().setTopics(results);
    }

    /** The partitions a topic would have: its manual assignments, else its count or the default (at least 0). */
    private long partitionsOf(TopicService.Request r) {
        return !r.assignments().isEmpty() ? r.assignments().size()
                : r.numPartitions() == -1 ? defaultPartitions : Math.max(0, r.numPartitions());
    }

    private CreateTopicsResponseData.CreatableTopicResult result(RequestContext context, TopicOutcome outcome,
                                                                 Map<String, String> requested) {
        short version = context.apiVersion();
        CreateTopicsResponseData.CreatableTopicResult result = new CreateTopicsResponseData.CreatableTopicResult()
                .setName(outcome.name());
        if (outcome.error().isPresent()) {
            Errors error = Errors.forException(outcome.error().get());
            return result.setErrorCode(error.code()).setErrorMessage(outcome.error().get().getMessage());
        }
        result.setErrorCode(Errors.NONE.code()).setTopicId(outcome.topicId());
        if (version >= 5) {
            result.setNumPartitions(outcome.numPartitions()).setReplicationFactor(outcome.replicationFactor());
            // As Kafka: the created topic's configs only for a client that may describe them.
            if (context.authorized(AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, outcome.name())) {
                result.setConfigs(describeConfigs(requested));
            } else {
                result.setTopicConfigErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
            }
        }
        return result;
    }

    private List<CreateTopicsResponseData.CreatableTopicConfigs> describeConfigs(Map<String, String> requested) {
        Map<String, String> effective = new LinkedHashMap<>(configs.effective(quorum.image(), ""));
        effective.putAll(requested);
        List<CreateTopicsResponseData.CreatableTopicConfigs> list = new ArrayList<>();
        for (LogConfig.Key key : TopicConfigKeys.ALL) {
            // The schema validation keys have no broker-level value: their default applies.
            String brokerValue = configs.staticDefaults().getOrDefault(key.name(), key.defaultValue());
            DescribeConfigsResponse.ConfigSource source = requested.containsKey(key.name())
                    ? DescribeConfigsResponse.ConfigSource.TOPIC_CONFIG
                    : brokerValue.equals(key.defaultValue())
                    ? DescribeConfigsResponse.ConfigSource.DEFAULT_CONFIG
                    : DescribeConfigsResponse.ConfigSource.STATIC_BROKER_CONFIG;
            list.add(new CreateTopicsResponseData.CreatableTopicConfigs().setName(key.name())
                    .setValue(effective.getOrDefault(key.name(), brokerValue)).setReadOnly(false).setIsSensitive(false)
                    .setConfigSource(source.id()));
        }
        return list;
    }
}
