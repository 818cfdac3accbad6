package io.strata.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

class V3ResourcesTest {

    private static final String BASE = "http://host:9190/kafka";
    private static final String CLUSTER = "c1";
    private static final Node N1 = new Node(1, "h1", 9092);
    private static final Node N2 = new Node(2, "h2", 9092);
    private static final TopicDescription ORDERS = new TopicDescription("orders", false, List.of(
            new TopicPartitionInfo(0, N1, List.of(N1, N2), List.of(N1, N2)),
            new TopicPartitionInfo(1, Node.noNode(), List.of(N2, N1), List.of())));
    private final V3Resources resources = new V3Resources(BASE);

    @Test
    void theClusterLinksToItsResources() {
        ObjectNode list = resources.clusterList(CLUSTER, 2);
        assertThat(list.get("kind").asText()).isEqualTo("KafkaClusterList");
        assertThat(list.at("/metadata/self").asText()).isEqualTo(BASE + "/v3/clusters");
        assertThat(list.at("/metadata/next").isNull()).isTrue();
        JsonNode cluster = list.at("/data/0");
        assertThat(cluster).isEqualTo(resources.cluster(CLUSTER, 2));
        assertThat(cluster.get("kind").asText()).isEqualTo("KafkaCluster");
        assertThat(cluster.get("cluster_id").asText()).isEqualTo(CLUSTER);
        assertThat(cluster.at("/metadata/self").asText()).isEqualTo(BASE + "/v3/clusters/c1");
        assertThat(cluster.at("/metadata/resource_name").asText()).isEqualTo("crn:///kafka=c1");
        assertThat(cluster.at("/controller/related").asText()).isEqualTo(BASE + "/v3/clusters/c1/brokers/2");
        assertThat(cluster.at("/topics/related").asText()).isEqualTo(BASE + "/v3/clusters/c1/topics");
        assertThat(cluster.at("/partition_reassignments/related").asText())
                .isEqualTo(BASE + "/v3/clusters/c1/topics/-/partitions/-/reassignment");
    }

    @Test
    void aTopicHasItsReplicationFactorAndPartitionCount() {
        ObjectNode topic = resources.topic(CLUSTER, ORDERS);
        assertThat(topic.get("kind").asText()).isEqualTo("KafkaTopic");
        assertThat(topic.at("/metadata/self").asText()).isEqualTo(BASE + "/v3/clusters/c1/topics/orders");
        assertThat(topic.at("/metadata/resource_name").asText()).isEqualTo("crn:///kafka=c1/topic=orders");
        assertThat(topic.get("topic_name").asText()).isEqualTo("orders");
        assertThat(topic.get("is_internal").asBoolean()).isFalse();
        assertThat(topic.get("replication_factor").asInt()).isEqualTo(2);
        assertThat(topic.get("partitions_count").asInt()).isEqualTo(2);
        assertThat(topic.at("/partitions/related").asText())
                .isEqualTo(BASE + "/v3/clusters/c1/topics/orders/partitions");
        assertThat(topic.get("authorized_operations")).isEmpty();
        assertThat(resources.topic(CLUSTER, new TopicDescription("empty", true, List.of()))
                .get("replication_factor").asInt()).isZero();

        ObjectNode list = resources.topicList(CLUSTER, List.of(ORDERS));
        assertThat(list.get("kind").asText()).isEqualTo("KafkaTopicList");
        assertThat(list.at("/metadata/self").asText()).isEqualTo(BASE + "/v3/clusters/c1/topics");
        assertThat(list.get("data")).containsExactly(topic);
    }

    @Test
    void aPartitionLinksToItsLeaderWhenItHasOne() {
        ObjectNode led = resources.partition(CLUSTER, "orders", ORDERS.partitions().get(0));
        assertThat(led.get("kind").asText()).isEqualTo("KafkaPartition");
        assertThat(led.at("/metadata/self").asText()).isEqualTo(BASE + "/v3/clusters/c1/topics/orders/partitions/0");
        assertThat(led.at("/metadata/resource_name").asText()).isEqualTo("crn:///kafka=c1/topic=orders/partition=0");
        assertThat(led.get("partition_id").asInt()).isZero();
        assertThat(led.at("/leader/related").asText())
                .isEqualTo(BASE + "/v3/clusters/c1/topics/orders/partitions/0/replicas/1");
        ObjectNode leaderless = resources.partition(CLUSTER, "orders", ORDERS.partitions().get(1));
        assertThat(leaderless.get("leader").isNull()).isTrue();

        ObjectNode list = resources.partitionList(CLUSTER, ORDERS);
        assertThat(list.get("kind").asText()).isEqualTo("KafkaPartitionList");
        assertThat(list.at("/metadata/self").asText()).isEqualTo(BASE + "/v3/clusters/c1/topics/orders/partitions");
        assertThat(list.get("data")).containsExactly(led, leaderless);
    }
}
