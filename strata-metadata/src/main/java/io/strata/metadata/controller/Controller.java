package io.strata.metadata.controller;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.NewTopic;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.ProducerIdBlock;
import io.strata.metadata.TopicImage;
import io.strata.metadata.TopicOutcome;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.ConfigRecord;
import io.strata.metadata.records.MetadataRecord.PartitionRecord;
import io.strata.metadata.records.MetadataRecord.ProducerIdsRecord;
import io.strata.metadata.records.MetadataRecord.RemoveTopicRecord;
import io.strata.metadata.records.MetadataRecord.TopicRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Controller decisions: validates a request against a {@link MetadataImage} and turns it into metadata records.
 * Pure with respect to the image (no I/O, no Ratis); randomness only in topic ids and the placement start.
 *
 * <p>The image may be stale. That is safe: the records carry their own preconditions which the state machine
 * checks at apply time ({@code ImageBuilder}); a rejected batch is decided again on a newer image.
 *
 * <p>Thread-safe if the id supplier and placer are.
 */
public final class Controller {

    /** Producer ids handed out per {@code allocateProducerIds} call. */
    public static final int PRODUCER_ID_BLOCK_SIZE = 1000;

    private static final int MAX_TOPIC_NAME_LENGTH = 249;

    /**
     * The most partitions one CreateTopics or CreatePartitions request may create, as in Kafka's CreateTopics
     * (KAFKA-17870; the same rule for CreatePartitions is KAFKA-19673): a request is one metadata entry, and the
     * entry must stay well within the Raft log's write buffer ({@code RatisOptions.maxEntryBytes}).
     */
    public static final int MAX_PARTITIONS_PER_REQUEST = 10_000;

    private final ReplicaPlacer placer;
    private final Supplier<Uuid> topicIds;

    public Controller(ReplicaPlacer placer, Supplier<Uuid> topicIds) {
        this.placer = placer;
        this.topicIds = topicIds;
    }

    /** Creates topics; per-topic failures go into the outcome map and do not affect the others. */
    public Decision<Map<String, TopicOutcome>> createTopics(MetadataImage image, List<NewTopic> topics,
                                                            boolean validateOnly) {
        Map<String, TopicOutcome> outcomes = new LinkedHashMap<>();
        List<MetadataRecord> records = new ArrayList<>();
        Set<String> duplicates = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (NewTopic topic : topics) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        long requested = topics.stream().mapToLong(t -> t.assignments() != null && !t.assignments().isEmpty()
                ? t.assignments().size() : Math.max(0, t.numPartitions())).sum();
        if (requested > MAX_PARTITIONS_PER_REQUEST) {
            return tooManyPartitions(topics.stream().map(NewTopic::name).toList());
        }
        SortedMap<Integer, Optional<String>> usable = usableBrokers(image);
        Set<Uuid> usedIds = new HashSet<>();
        for (NewTopic topic : topics) {
            String name = topic.name();
            if (duplicates.contains(name)) {
                outcomes.put(name, TopicOutcome.failed(name,
                        new InvalidRequestException("Topic '" + name + "' appears more than once in the request.")));
                continue;
            }
            try {
                validateName(name);
                if (image.topicsByName().containsKey(name)) {
                    throw new TopicExistsException("Topic '" + name + "' already exists.");
                }
                List<List<Integer>> assignment = assignmentFor(image, topic, usable);
                short replicationFactor = (short) assignment.get(0).size();
                if (validateOnly) {
                    outcomes.put(name, new TopicOutcome(name, Uuid.ZERO_UUID, assignment.size(), replicationFactor,
                            Optional.empty()));
                    continue;
                }
                Uuid id = newTopicId(image, usedIds);
                records.add(new TopicRecord(name, id));
                for (int p = 0; p < assignment.size(); p++) {
                    List<Integer> replicas = assignment.get(p);
                    records.add(new PartitionRecord(id, p, replicas, replicas, replicas.get(0), 0, 0));
                }
                if (topic.configs() != null) {
                    topic.configs().forEach((k, v) -> {
                        if (v != null) {
                            records.add(new ConfigRecord(ConfigResourceKey.Type.TOPIC, name, k, Optional.of(v)));
                        }
                    });
                }
                outcomes.put(name, new TopicOutcome(name, id, assignment.size(), replicationFactor,
                        Optional.empty()));
            } catch (ApiException e) {
                outcomes.put(name, TopicOutcome.failed(name, e));
            }
        }
        return new Decision<>(records, outcomes);
    }

    /** Deletes topics by id; unknown ids fail with {@link UnknownTopicIdException}. */
    public Decision<Map<Uuid, TopicOutcome>> deleteTopics(MetadataImage image, List<Uuid> topicIds) {
        Map<Uuid, TopicOutcome> outcomes = new LinkedHashMap<>();
        List<MetadataRecord> records = new ArrayList<>();
        for (Uuid id : topicIds) {
            if (outcomes.containsKey(id)) {
                continue;
            }
            TopicImage topic = image.topicsById().get(id);
            if (topic == null) {
                outcomes.put(id, TopicOutcome.failed(null, new UnknownTopicIdException("Topic id " + id
                        + " not found.")));
                continue;
            }
            records.add(new RemoveTopicRecord(id));
            outcomes.put(id, new TopicOutcome(topic.name(), id, topic.partitions().size(),
                    replicationFactor(topic), Optional.empty()));
        }
        return new Decision<>(records, outcomes);
    }

    /** Grows topics to the requested partition counts, placing the new partitions over usable brokers. */
    public Decision<Map<String, TopicOutcome>> createPartitions(MetadataImage image, Map<String, Integer> newCounts,
                                                                boolean validateOnly) {
        // New partitions only (a topic's existing ones are not created again); unknown topics and shrinking counts
        // add none, they fail on their own below. A long, so that many huge counts cannot wrap around.
        long requested = newCounts.entrySet().stream().mapToLong(e -> {
            TopicImage topic = image.topicsByName().get(e.getKey());
            return topic == null || e.getValue() == null ? 0 : Math.max(0, e.getValue() - topic.partitions().size());
        }).sum();
        if (requested > MAX_PARTITIONS_PER_REQUEST) {
            return tooManyPartitions(newCounts.keySet());
        }
        Map<String, TopicOutcome> outcomes = new LinkedHashMap<>();
        List<MetadataRecord> records = new ArrayList<>();
        SortedMap<Integer, Optional<String>> usable = usableBrokers(image);
        newCounts.forEach((name, count) -> {
            try {
                TopicImage topic = image.topicsByName().get(name);
                if (topic == null) {
                    throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
                }
                int current = topic.partitions().size();
                if (count == null || count < current) {
                    throw new InvalidPartitionsException("Topic currently has " + current
                            + " partitions, which is higher than the requested " + count + ".");
                }
                if (count == current) {
                    throw new InvalidPartitionsException("Topic already has " + current + " partitions.");
                }
                short replicationFactor = replicationFactor(topic);
                List<List<Integer>> assignment = placer.place(usable, count - current, replicationFactor);
                if (!validateOnly) {
                    for (int i = 0; i < assignment.size(); i++) {
                        List<Integer> replicas = assignment.get(i);
                        records.add(new PartitionRecord(topic.id(), current + i, replicas, replicas, replicas.get(0),
                                0, 0));
                    }
                }
                outcomes.put(name, new TopicOutcome(name, topic.id(), count, replicationFactor, Optional.empty()));
            } catch (ApiException e) {
                outcomes.put(name, TopicOutcome.failed(name, e));
            }
        });
        return new Decision<>(records, outcomes);
    }

    /**
     * Refuses a CreateTopics or CreatePartitions request that would create more than
     * {@value #MAX_PARTITIONS_PER_REQUEST} partitions: as in Kafka the whole request fails, every topic with the same
     * error, and nothing is written.
     */
    private static Decision<Map<String, TopicOutcome>> tooManyPartitions(Iterable<String> names) {
        Map<String, TopicOutcome> outcomes = new LinkedHashMap<>();
        for (String name : names) {
            outcomes.put(name, TopicOutcome.failed(name, new PolicyViolationException(
                    "Excessively large number of partitions per request.")));
        }
        return new Decision<>(List.of(), outcomes);
    }

    /**
     * Sets ({@code value} non-null) or deletes ({@code value} null) config keys of one resource.
     *
     * @throws UnknownTopicOrPartitionException for a topic that does not exist
     */
    public Decision<Void> alterConfigs(MetadataImage image, ConfigResourceKey resource, Map<String, String> changes) {
        if (resource.type() == ConfigResourceKey.Type.TOPIC && !image.topicsByName().containsKey(resource.name())) {
            throw new UnknownTopicOrPartitionException("Topic '" + resource.name() + "' does not exist.");
        }
        List<MetadataRecord> records = new ArrayList<>(changes.size());
        changes.forEach((key, value) -> records.add(new ConfigRecord(resource.type(), resource.name(), key,
                Optional.ofNullable(value))));
        return new Decision<>(records, null);
    }

    /** Grants {@code brokerId} the next {@link #PRODUCER_ID_BLOCK_SIZE} producer ids. */
    public Decision<ProducerIdBlock> allocateProducerIds(MetadataImage image, int brokerId) {
        long first = image.nextProducerId();
        return new Decision<>(List.of(new ProducerIdsRecord(brokerId, first + PRODUCER_ID_BLOCK_SIZE)),
                new ProducerIdBlock(brokerId, first, PRODUCER_ID_BLOCK_SIZE));
    }

    /** Registered, unfenced brokers by id, with their racks (replicas are placed across racks). */
    static SortedMap<Integer, Optional<String>> usableBrokers(MetadataImage image) {
        SortedMap<Integer, Optional<String>> usable = new TreeMap<>();
        for (BrokerRegistration b : image.brokers().values()) {
            if (!b.fenced()) {
                usable.put(b.brokerId(), b.rack());
            }
        }
        return usable;
    }

    private List<List<Integer>> assignmentFor(MetadataImage image, NewTopic topic,
                                              SortedMap<Integer, Optional<String>> usable) {
        Map<Integer, List<Integer>> manual = topic.assignments() == null ? Map.of() : topic.assignments();
        if (manual.isEmpty()) {
            if (topic.numPartitions() == -1 || topic.replicationFactor() == -1) {
                throw new InvalidRequestException("Topic '" + topic.name()
                        + "': the number of partitions and the replication factor must be given (the caller "
                        + "substitutes the broker defaults).");
            }
            if (topic.numPartitions() <= 0) {
                throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive "
                        + "value.");
            }
            if (topic.replicationFactor() <= 0) {
                throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
            }
            return placer.place(usable, topic.numPartitions(), topic.replicationFactor());
        }
        if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
            throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments "
                    + "were set. Both cannot be used at the same time.");
        }
        List<List<Integer>> assignment = new ArrayList<>(manual.size());
        for (int p = 0; p < manual.size(); p++) {
            List<Integer> replicas = manual.get(p);
            if (replicas == null) {
                throw new InvalidReplicaAssignmentException("Partitions should be numbered consecutively from 0; "
                        + "partition " + p + " is missing.");
            }
            if (replicas.isEmpty()) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes an empty "
                        + "replica list.");
            }
            if (new HashSet<>(replicas).size() != replicas.size()) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment " + replicas
                        + " contains duplicate replicas.");
            }
            if (!assignment.isEmpty() && assignment.get(0).size() != replicas.size()) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes a "
                        + "partition with " + replicas.size() + " replica(s), but this is not consistent with "
                        + "previous partitions, which have " + assignment.get(0).size() + " replica(s).");
            }
            for (int broker : replicas) {
                if (!image.brokers().containsKey(broker)) {
                    throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                            + broker + ", but no broker with that id is registered.");
                }
            }
            assignment.add(List.copyOf(replicas));
        }
        return assignment;
    }

    private Uuid newTopicId(MetadataImage image, Set<Uuid> usedIds) {
        while (true) {
            Uuid id = topicIds.get();
            if (!Uuid.ZERO_UUID.equals(id) && !image.topicsById().containsKey(id) && usedIds.add(id)) {
                return id;
            }
        }
    }

    private static short replicationFactor(TopicImage topic) {
        PartitionImage first = topic.partitions().isEmpty() ? null : topic.partitions().get(topic.partitions()
                .firstKey());
        return first == null ? 0 : (short) first.targetReplicas().size();
    }

    static void validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidTopicException("Topic name is illegal, it can't be empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidTopicException("Topic name cannot be \".\" or \"..\"");
        }
        if (name.length() > MAX_TOPIC_NAME_LENGTH) {
            throw new InvalidTopicException("Topic name is illegal, it can't be longer than "
                    + MAX_TOPIC_NAME_LENGTH + " characters, topic name: " + name);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!legal) {
                throw new InvalidTopicException("Topic name \"" + name + "\" is illegal, it contains a character "
                        + "other than ASCII alphanumerics, '.', '_' and '-'");
            }
        }
    }
}
