package io.strata.server.cluster;

import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.NewTopic;
import io.strata.metadata.TopicOutcome;
import io.strata.server.schemaid.SchemaValidationConfig;
import io.strata.storage.LogConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * Creates and deletes topics on behalf of the API handlers: validates what the controller cannot (names, config
 * keys and values), fills in the broker's defaults, and waits for the metadata quorum with a timeout.
 * Thread-safe.
 */
public final class TopicService {

    /** A topic to create as the client asked for it; -1 means the broker default. */
    public record Request(String name, int numPartitions, short replicationFactor,
                          Map<Integer, List<Integer>> assignments, Map<String, String> configs) {
    }

    private final MetadataQuorum quorum;
    private final int defaultPartitions;
    private final short defaultReplicationFactor;
    private final QuorumWaiter waiter;

    public TopicService(MetadataQuorum quorum, int defaultPartitions, short defaultReplicationFactor,
                        QuorumWaiter waiter) {
        this.quorum = quorum;
        this.defaultPartitions = defaultPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
        this.waiter = waiter;
    }

    /** Creates topics in one controller round; the result has one outcome per requested name. */
    public Map<String, TopicOutcome> create(List<Request> requests, boolean validateOnly) {
        Map<String, TopicOutcome> outcomes = new LinkedHashMap<>();
        List<NewTopic> valid = new ArrayList<>();
        for (Request r : requests) {
            try {
                valid.add(toNewTopic(r));
            } catch (ApiException e) {
                outcomes.put(r.name(), TopicOutcome.failed(r.name(), e));
            }
        }
        if (!valid.isEmpty()) {
            outcomes.putAll(waiter.await(quorum.createTopics(valid, validateOnly)));
        }
        Map<String, TopicOutcome> ordered = new LinkedHashMap<>();
        for (Request r : requests) {
            ordered.put(r.name(), outcomes.get(r.name()));
        }
        return ordered;
    }

    public Map<Uuid, TopicOutcome> delete(List<Uuid> topicIds) {
        return waiter.await(quorum.deleteTopics(topicIds));
    }

    /** Checks topic-level configs: known keys only, each with a valid value. */
    public static void validateConfigs(Map<String, String> configs) {
        for (Map.Entry<String, String> e : configs.entrySet()) {
            if (!TopicConfigKeys.isTopicConfig(e.getKey())) {
                throw new InvalidConfigurationException("Unknown topic config name: " + e.getKey());
            }
            if (e.getValue() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic config " + e.getKey());
            }
        }
        LogConfig.fromTopicConfigs(configs);
        SchemaValidationConfig.validate(configs);
    }

    private NewTopic toNewTopic(Request r) {
        TopicNames.validate(r.name());
        validateConfigs(r.configs());
        boolean explicit = !r.assignments().isEmpty();
        if (explicit && (r.numPartitions() != -1 || r.replicationFactor() != -1)) {
            throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments "
                    + "were set; only one is allowed");
        }
        int partitions = explicit ? -1 : r.numPartitions() == -1 ? defaultPartitions : r.numPartitions();
        short replication = explicit ? -1
                : r.replicationFactor() == -1 ? defaultReplicationFactor : r.replicationFactor();
        return new NewTopic(r.name(), partitions, replication, r.assignments(), r.configs());
    }
}
