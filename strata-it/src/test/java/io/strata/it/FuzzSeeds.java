package io.strata.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * The requests a real client sends for each API, as the starting points of the protocol fuzzer: what the producer,
 * the consumer and the Admin client put in them (an existing topic and its id, a group, small timeouts), built
 * with kafka-clients' generated request messages and serialized by kafka-clients, header included. An API without
 * a seed of its own gets its default message (every field at its default), so every advertised API is covered.
 *
 * <p>Seeds never name the topics the fuzzer relies on in a destructive request (DeleteTopics names a topic that
 * does not share their prefix, so a shortened name cannot hit them).
 */
final class FuzzSeeds {

    private final String topic;
    private final Uuid topicId;
    private final String group;

    /** Seeds about {@code topic} (with id {@code topicId}, at least one partition) and consumer group {@code group}. */
    FuzzSeeds(String topic, Uuid topicId, String group) {
        this.topic = topic;
        this.topicId = topicId;
        this.group = group;
    }

    /** A serialized seed: the frame body (request header and request) and where the request starts in it. */
    record Seed(ApiKeys key, short version, byte[] frame, int headerSize) {
    }

    /** The seed request of {@code key} at {@code version}. */
    Seed seed(ApiKeys key, short version) {
        RequestHeader header = new RequestHeader(key, version, "fuzz-client", 1);
        RequestHeaderData headerData = header.data();
        ByteBuffer buffer = RequestUtils.serialize(headerData, header.headerVersion(), message(key, version),
                version);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new Seed(key, version, bytes, headerData.size(new ObjectSerializationCache(), header.headerVersion()));
    }

    ApiMessage message(ApiKeys key, short v) {
        return switch (key) {
            case API_VERSIONS -> new ApiVersionsRequestData().setClientSoftwareName("apache-kafka-java")
                    .setClientSoftwareVersion("4.3.1");
            case METADATA -> new MetadataRequestData().setAllowAutoTopicCreation(v < 4)
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(topic)));
            case PRODUCE -> produce(v);
            case FETCH -> fetch(v);
            case LIST_OFFSETS -> new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                    new ListOffsetsRequestData.ListOffsetsTopic().setName(topic).setPartitions(List.of(
                            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                                    .setTimestamp(-1)))));
            case FIND_COORDINATOR -> v >= 4
                    ? new FindCoordinatorRequestData().setCoordinatorKeys(List.of(group))
                    : new FindCoordinatorRequestData().setKey(group);
            case JOIN_GROUP -> joinGroup(v);
            case SYNC_GROUP -> new SyncGroupRequestData().setGroupId(group).setGenerationId(1)
                    .setMemberId("fuzz-member").setAssignments(List.of(
                            new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId("fuzz-member")
                                    .setAssignment(new byte[] {0, 1, 0, 0, 0, 0})));
            case HEARTBEAT -> new HeartbeatRequestData().setGroupId(group).setGenerationId(1)
                    .setMemberId("fuzz-member");
            case LEAVE_GROUP -> v >= 3
                    ? new LeaveGroupRequestData().setGroupId(group).setMembers(List.of(
                            new LeaveGroupRequestData.MemberIdentity().setMemberId("fuzz-member")))
                    : new LeaveGroupRequestData().setGroupId(group).setMemberId("fuzz-member");
            case OFFSET_COMMIT -> offsetCommit(v);
            case OFFSET_FETCH -> offsetFetch(v);
            case LIST_GROUPS -> ApiMessageType.LIST_GROUPS.newRequest();
            case DESCRIBE_GROUPS -> new DescribeGroupsRequestData().setGroups(List.of(group));
            case DELETE_GROUPS -> new DeleteGroupsRequestData().setGroupsNames(List.of("zz-empty-group"));
            case OFFSET_DELETE -> new OffsetDeleteRequestData().setGroupId(group).setTopics(
                    new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection(List.of(
                            new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(topic).setPartitions(
                                    List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition()
                                            .setPartitionIndex(0)))).iterator()));
            case CONSUMER_GROUP_HEARTBEAT -> new ConsumerGroupHeartbeatRequestData().setGroupId(group + "-848")
                    .setMemberId(Uuid.randomUuid().toString()).setMemberEpoch(0).setRebalanceTimeoutMs(5_000)
                    .setSubscribedTopicNames(List.of(topic)).setTopicPartitions(List.of());
            case CONSUMER_GROUP_DESCRIBE -> new ConsumerGroupDescribeRequestData()
                    .setGroupIds(List.of(group + "-848"));
            case INIT_PRODUCER_ID -> new InitProducerIdRequestData().setTransactionalId(null)
                    .setTransactionTimeoutMs(60_000);
            case CREATE_TOPICS -> new CreateTopicsRequestData().setTimeoutMs(5_000).setTopics(
                    new CreateTopicsRequestData.CreatableTopicCollection(List.of(
                            new CreateTopicsRequestData.CreatableTopic().setName(topic + "-new").setNumPartitions(1)
                                    .setReplicationFactor((short) 1)).iterator()));
            case DELETE_TOPICS -> v >= 6
                    ? new DeleteTopicsRequestData().setTimeoutMs(5_000).setTopics(List.of(
                            new DeleteTopicsRequestData.DeleteTopicState().setName("zz-doomed")))
                    : new DeleteTopicsRequestData().setTimeoutMs(5_000).setTopicNames(List.of("zz-doomed"));
            case CREATE_PARTITIONS -> new CreatePartitionsRequestData().setTimeoutMs(5_000).setTopics(
                    new CreatePartitionsRequestData.CreatePartitionsTopicCollection(List.of(
                            new CreatePartitionsRequestData.CreatePartitionsTopic().setName(topic + "-grow")
                                    .setCount(2).setAssignments(null)).iterator()));
            case DESCRIBE_CONFIGS -> new DescribeConfigsRequestData().setResources(List.of(
                    new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
                            .setResourceName(topic).setConfigurationKeys(null)));
            case ALTER_CONFIGS -> new AlterConfigsRequestData().setResources(
                    new AlterConfigsRequestData.AlterConfigsResourceCollection(List.of(
                            new AlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2)
                                    .setResourceName(topic).setConfigs(
                                            new AlterConfigsRequestData.AlterableConfigCollection(List.of(
                                                    new AlterConfigsRequestData.AlterableConfig()
                                                            .setName("retention.ms").setValue("604800000"))
                                                    .iterator()))).iterator()));
            case INCREMENTAL_ALTER_CONFIGS -> new IncrementalAlterConfigsRequestData().setResources(
                    new IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection(List.of(
                            new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2)
                                    .setResourceName(topic).setConfigs(
                                            new IncrementalAlterConfigsRequestData.AlterableConfigCollection(
                                                    List.of(new IncrementalAlterConfigsRequestData
                                                            .AlterableConfig().setName("retention.bytes")
                                                            .setConfigOperation((byte) 0).setValue("-1"))
                                                            .iterator()))).iterator()));
            case DELETE_RECORDS -> new DeleteRecordsRequestData().setTimeoutMs(5_000).setTopics(List.of(
                    new DeleteRecordsRequestData.DeleteRecordsTopic().setName(topic).setPartitions(List.of(
                            new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0)
                                    .setOffset(0)))));
            case ELECT_LEADERS -> new ElectLeadersRequestData().setTimeoutMs(5_000).setTopicPartitions(
                    new ElectLeadersRequestData.TopicPartitionsCollection(List.of(
                            new ElectLeadersRequestData.TopicPartitions().setTopic(topic).setPartitions(List.of(0)))
                            .iterator()));
            case WRITE_TXN_MARKERS -> new WriteTxnMarkersRequestData().setMarkers(List.of(
                    new WriteTxnMarkersRequestData.WritableTxnMarker().setProducerId(1).setProducerEpoch((short) 0)
                            .setCoordinatorEpoch(0).setTransactionResult(false).setTopics(List.of(
                                    new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName(topic)
                                            .setPartitionIndexes(List.of(0))))));
            case DESCRIBE_PRODUCERS -> new DescribeProducersRequestData().setTopics(List.of(
                    new DescribeProducersRequestData.TopicRequest().setName(topic).setPartitionIndexes(List.of(0))));
            case OFFSET_FOR_LEADER_EPOCH -> new OffsetForLeaderEpochRequestData().setReplicaId(-1).setTopics(
                    new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection(List.of(
                            new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(topic)
                                    .setPartitions(List.of(new OffsetForLeaderEpochRequestData
                                            .OffsetForLeaderPartition().setPartition(0).setCurrentLeaderEpoch(-1)
                                            .setLeaderEpoch(0)))).iterator()));
            case DESCRIBE_TOPIC_PARTITIONS -> new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(2)
                    .setTopics(List.of(new DescribeTopicPartitionsRequestData.TopicRequest().setName(topic)))
                    .setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName(topic)
                            .setPartitionIndex(1));
            case DESCRIBE_QUORUM -> DescribeQuorumRequest.singletonRequest(new TopicPartition("__cluster_metadata", 0));
            default -> ApiMessageType.fromApiKey(key.id).newRequest();
        };
    }

    private ProduceRequestData produce(short v) {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("key".getBytes(StandardCharsets.UTF_8), "value".getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData.TopicProduceData data = new ProduceRequestData.TopicProduceData();
        if (v >= 13) {
            data.setTopicId(topicId);
        } else {
            data.setName(topic);
        }
        data.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        return new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5_000).setTopicData(
                new ProduceRequestData.TopicProduceDataCollection(List.of(data).iterator()));
    }

    private FetchRequestData fetch(short v) {
        FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic().setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                        .setPartitionMaxBytes(1024 * 1024)));
        if (v >= 13) {
            fetchTopic.setTopicId(topicId);
        } else {
            fetchTopic.setTopic(topic);
        }
        return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(100).setMinBytes(1).setMaxBytes(1024 * 1024)
                .setTopics(List.of(fetchTopic));
    }

    private JoinGroupRequestData joinGroup(short v) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range")
                .setMetadata(new byte[] {0, 1, 0, 0, 0, 1, 0, 4, 'f', 'u', 'z', 'z'}));
        // A short rebalance timeout: a join that has to wait for other members waits a bounded time.
        return new JoinGroupRequestData().setGroupId(group).setSessionTimeoutMs(6_000)
                .setRebalanceTimeoutMs(v >= 1 ? 1_000 : -1).setMemberId("").setProtocolType("consumer")
                .setProtocols(protocols);
    }

    private OffsetCommitRequestData offsetCommit(short v) {
        OffsetCommitRequestData.OffsetCommitRequestTopic commitTopic =
                new OffsetCommitRequestData.OffsetCommitRequestTopic().setPartitions(List.of(
                        new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0)
                                .setCommittedOffset(1)));
        if (v >= 10) {
            commitTopic.setTopicId(topicId);
        } else {
            commitTopic.setName(topic);
        }
        return new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(commitTopic));
    }

    private OffsetFetchRequestData offsetFetch(short v) {
        if (v < 8) {
            return new OffsetFetchRequestData().setGroupId(group).setTopics(List.of(
                    new OffsetFetchRequestData.OffsetFetchRequestTopic().setName(topic)
                            .setPartitionIndexes(List.of(0))));
        }
        OffsetFetchRequestData.OffsetFetchRequestTopics fetchTopic =
                new OffsetFetchRequestData.OffsetFetchRequestTopics().setPartitionIndexes(List.of(0));
        if (v >= 10) {
            fetchTopic.setTopicId(topicId);
        } else {
            fetchTopic.setName(topic);
        }
        return new OffsetFetchRequestData().setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                .setGroupId(group).setTopics(List.of(fetchTopic))));
    }
}
