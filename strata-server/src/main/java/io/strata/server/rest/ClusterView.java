package io.strata.server.rest;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The cluster as the proxy lists it: topics, partitions with leaders, replicas and ISR, offsets and configs, all
 * read through Admin, so that every node shows the same cluster. Thread-safe (Admin is).
 */
final class ClusterView {

    private final KafkaClients clients;

    ClusterView(KafkaClients clients) {
        this.clients = clients;
    }

    private Admin admin() {
        return clients.admin();
    }

    String clusterId() {
        return await(admin().describeCluster().clusterId(), null);
    }

    int controllerId() {
        return await(admin().describeCluster().controller(), null).id();
    }

    List<String> topicNames(boolean internal) {
        return await(admin().listTopics(new ListTopicsOptions().listInternal(internal)).names(), null).stream()
                .sorted().toList();
    }

    /** The topic's description; 40401 when it does not exist. */
    TopicDescription topic(String topic) {
        return await(admin().describeTopics(List.of(topic)).allTopicNames(), topic).get(topic);
    }

    /** Every existing topic's description, by name. */
    Map<String, TopicDescription> topics(boolean internal) {
        List<String> names = topicNames(internal);
        return new TreeMap<>(await(admin().describeTopics(names).allTopicNames(), null));
    }

    /** A partition of the topic; 40402 when the topic has no such partition. */
    static TopicPartitionInfo partition(TopicDescription topic, int partition) {
        return topic.partitions().stream().filter(p -> p.partition() == partition).findFirst()
                .orElseThrow(() -> RestException.partitionNotFound(topic.name(), partition));
    }

    /** The topic's configs with their current values (defaults included), by name. */
    Map<String, String> configs(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = await(admin().describeConfigs(Set.of(resource)).all(), topic).get(resource);
        Map<String, String> values = new TreeMap<>();
        for (ConfigEntry entry : config.entries()) {
            values.put(entry.name(), entry.value());
        }
        return values;
    }

    /** The log start and end offsets of a partition. */
    Offsets offsets(TopicPartition partition) {
        ListOffsetsResult earliest = admin().listOffsets(Map.of(partition, OffsetSpec.earliest()));
        ListOffsetsResult latest = admin().listOffsets(Map.of(partition, OffsetSpec.latest()));
        return new Offsets(await(earliest.partitionResult(partition), partition.topic()).offset(),
                await(latest.partitionResult(partition), partition.topic()).offset());
    }

    /** A partition's log start offset and end offset (the high watermark). */
    record Offsets(long beginning, long end) {
    }

    /**
     * The future's value; an unknown topic is 40401 when {@code topic} names the one asked for, any other failure
     * 50002/50003.
     */
    static <T> T await(KafkaFuture<T> future, String topic) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException(503, 50301, "Interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException && topic != null) {
                throw RestException.topicNotFound(topic);
            }
            throw RestException.kafka(cause);
        }
    }
}
