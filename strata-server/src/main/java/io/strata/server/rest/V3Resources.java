package io.strata.server.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The JSON of the v3 API's read-only resources, as Confluent REST Proxy writes them: the cluster, its topics and
 * their partitions, each with its kind, its {@code metadata.self} URL and CRN, and links to the related resources;
 * and the lists of them (one page, no {@code next}).
 *
 * <p>Immutable and thread-safe.
 */
final class V3Resources {

    private final String baseUrl;

    /** @param baseUrl the proxy's URL up to, not including, {@code /v3} */
    V3Resources(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** {@code GET /v3/clusters}: this one cluster. */
    ObjectNode clusterList(String clusterId, int controllerId) {
        ObjectNode list = list(baseUrl + "/v3/clusters", "KafkaClusterList");
        list.withArray("data").add(cluster(clusterId, controllerId));
        return list;
    }

    ObjectNode cluster(String clusterId, int controllerId) {
        String self = clusterUrl(clusterId);
        ObjectNode node = resource("KafkaCluster", self, "crn:///kafka=" + clusterId);
        node.put("cluster_id", clusterId);
        related(node, "controller", self + "/brokers/" + controllerId);
        related(node, "acls", self + "/acls");
        related(node, "brokers", self + "/brokers");
        related(node, "broker_configs", self + "/broker-configs");
        related(node, "consumer_groups", self + "/consumer-groups");
        related(node, "topics", self + "/topics");
        related(node, "partition_reassignments", self + "/topics/-/partitions/-/reassignment");
        return node;
    }

    ObjectNode topicList(String clusterId, Collection<TopicDescription> topics) {
        ObjectNode list = list(clusterUrl(clusterId) + "/topics", "KafkaTopicList");
        ArrayNode data = list.withArray("data");
        topics.forEach(t -> data.add(topic(clusterId, t)));
        return list;
    }

    ObjectNode topic(String clusterId, TopicDescription topic) {
        String self = topicUrl(clusterId, topic.name());
        ObjectNode node = resource("KafkaTopic", self, "crn:///kafka=" + clusterId + "/topic=" + topic.name());
        node.put("cluster_id", clusterId);
        node.put("topic_name", topic.name());
        node.put("is_internal", topic.isInternal());
        node.put("replication_factor", topic.partitions().isEmpty() ? 0
                : topic.partitions().getFirst().replicas().size());
        node.put("partitions_count", topic.partitions().size());
        related(node, "partitions", self + "/partitions");
        related(node, "configs", self + "/configs");
        related(node, "partition_reassignments", self + "/partitions/-/reassignment");
        node.putArray("authorized_operations");
        return node;
    }

    ObjectNode partitionList(String clusterId, TopicDescription topic) {
        ObjectNode list = list(topicUrl(clusterId, topic.name()) + "/partitions", "KafkaPartitionList");
        ArrayNode data = list.withArray("data");
        topic.partitions().forEach(p -> data.add(partition(clusterId, topic.name(), p)));
        return list;
    }

    ObjectNode partition(String clusterId, String topic, TopicPartitionInfo partition) {
        String self = topicUrl(clusterId, topic) + "/partitions/" + partition.partition();
        ObjectNode node = resource("KafkaPartition", self, "crn:///kafka=" + clusterId + "/topic=" + topic
                + "/partition=" + partition.partition());
        node.put("cluster_id", clusterId);
        node.put("topic_name", topic);
        node.put("partition_id", partition.partition());
        if (partition.leader() != null && !partition.leader().isEmpty()) {
            related(node, "leader", self + "/replicas/" + partition.leader().id());
        } else {
            node.putNull("leader");
        }
        related(node, "replicas", self + "/replicas");
        related(node, "reassignment", self + "/reassignment");
        return node;
    }

    private String clusterUrl(String clusterId) {
        return baseUrl + "/v3/clusters/" + clusterId;
    }

    private String topicUrl(String clusterId, String topic) {
        return clusterUrl(clusterId) + "/topics/" + topic;
    }

    private static ObjectNode list(String self, String kind) {
        ObjectNode list = Exchanges.MAPPER.createObjectNode();
        list.put("kind", kind);
        ObjectNode metadata = list.putObject("metadata");
        metadata.put("self", self);
        metadata.putNull("next");
        list.putArray("data");
        return list;
    }

    private static ObjectNode resource(String kind, String self, String resourceName) {
        ObjectNode node = Exchanges.MAPPER.createObjectNode();
        node.put("kind", kind);
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("self", self);
        metadata.put("resource_name", resourceName);
        return node;
    }

    private static void related(ObjectNode node, String field, String url) {
        node.putObject(field).put("related", url);
    }
}
