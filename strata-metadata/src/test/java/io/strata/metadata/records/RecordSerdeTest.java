package io.strata.metadata.records;

import io.strata.metadata.records.MetadataRecord.AclRecord;
import io.strata.metadata.records.MetadataRecord.RemoveAclRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.ClientQuotaEntity;
import io.strata.metadata.ScramCredential;
import io.strata.metadata.records.MetadataRecord.ClientQuotaRecord;
import io.strata.metadata.records.MetadataRecord.ClusterIdRecord;
import io.strata.metadata.records.MetadataRecord.ConfigRecord;
import io.strata.metadata.records.MetadataRecord.FeatureLevelRecord;
import io.strata.metadata.records.MetadataRecord.FenceBrokerRecord;
import io.strata.metadata.records.MetadataRecord.PartitionChangeRecord;
import io.strata.metadata.records.MetadataRecord.PartitionRecord;
import io.strata.metadata.records.MetadataRecord.ProducerIdsRecord;
import io.strata.metadata.records.MetadataRecord.RegisterBrokerRecord;
import io.strata.metadata.records.MetadataRecord.RemoveScramCredentialRecord;
import io.strata.metadata.records.MetadataRecord.RemoveTopicRecord;
import io.strata.metadata.records.MetadataRecord.ScramCredentialRecord;
import io.strata.metadata.records.MetadataRecord.TopicRecord;
import io.strata.metadata.records.MetadataRecord.UnfenceBrokerRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RecordSerdeTest {

    static Stream<MetadataRecord> everyRecordType() {
        Uuid id = Uuid.randomUuid();
        return Stream.of(
                new RegisterBrokerRecord(3, Uuid.randomUuid(), List.of(
                        new BrokerRegistration.Endpoint("PLAINTEXT", "host-ä.example", 9092, "PLAINTEXT"),
                        new BrokerRegistration.Endpoint("SSL", "h2", 9093, "SSL")), Optional.of("rack-1"), true),
                new RegisterBrokerRecord(0, Uuid.randomUuid(), List.of(), Optional.empty(), false),
                new FenceBrokerRecord(3, id, true),
                new FenceBrokerRecord(0, id, false),
                new UnfenceBrokerRecord(7, id),
                new TopicRecord("orders.v1_x-y", id),
                new PartitionRecord(id, 7, List.of(1, 2, 3), List.of(1, 3), 1, 4, 9),
                new PartitionChangeRecord(id, 0, List.of(2), List.of(), -1, 5, 10),
                new PartitionRecord(id, 1, List.of(3, 4, 1), List.of(1), 1, 2, 3, List.of(3, 4), List.of(1)),
                new PartitionChangeRecord(id, 2, List.of(2, 1), List.of(1), 1, 2, 3, List.of(), List.of(1)),
                new RemoveTopicRecord(id),
                new ConfigRecord(ConfigResourceKey.Type.TOPIC, "t", "retention.ms", Optional.of("1000")),
                new ConfigRecord(ConfigResourceKey.Type.BROKER, "", "log.retention.ms", Optional.empty()),
                new ProducerIdsRecord(2, 5000L),
                new ProducerIdsRecord(-1, Long.MAX_VALUE),
                new ClusterIdRecord("MkU3OEVBNTcwNTJENDM2Qg"),
                new ClusterIdRecord("clüster-ä"),
                new ScramCredentialRecord("alice, the =admin", new ScramCredential("SCRAM-SHA-512",
                        new byte[] {1, 2, 3}, new byte[64], new byte[] {9}, 4096)),
                new RemoveScramCredentialRecord("alice", "SCRAM-SHA-256"),
                new AclRecord(id, new AclBinding(new ResourcePattern(ResourceType.TOPIC, "orders-", PatternType.PREFIXED),
                        new AccessControlEntry("User:alice", "10.0.0.1", AclOperation.READ, AclPermissionType.ALLOW))),
                new AclRecord(id, new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster",
                        PatternType.LITERAL), new AccessControlEntry("User:*", "*", AclOperation.ALL,
                        AclPermissionType.DENY))),
                new RemoveAclRecord(id),
                new ClientQuotaRecord(ClientQuotaEntity.user(Optional.of("alice")), "producer_byte_rate",
                        Optional.of(1048576.0)),
                new ClientQuotaRecord(ClientQuotaEntity.userAndClientId(Optional.empty(), Optional.of("app")),
                        "request_percentage", Optional.of(12.5)),
                new ClientQuotaRecord(ClientQuotaEntity.clientId(Optional.empty()), "consumer_byte_rate",
                        Optional.empty()),
                new FeatureLevelRecord("transaction.version", (short) 2, Optional.empty()),
                new FeatureLevelRecord("metadata.version", (short) 0, Optional.of((short) 25)));
    }

    @Test
    void writesAclsWithKafkasEnumCodesAndRejectsUnknownOnes() throws IOException {
        AclRecord record = new AclRecord(new Uuid(1, 2), new AclBinding(new ResourcePattern(
                ResourceType.TRANSACTIONAL_ID, "tx", PatternType.LITERAL), new AccessControlEntry("User:bob", "*",
                AclOperation.IDEMPOTENT_WRITE, AclPermissionType.ALLOW)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RecordSerde.write(record, new DataOutputStream(bytes));
        byte[] written = bytes.toByteArray();
        assertThat(written[0]).isEqualTo((byte) 13);
        assertThat(written[18]).isEqualTo(ResourceType.TRANSACTIONAL_ID.code());
        written[18] = ResourceType.ANY.code(); // not a concrete ACL: a corrupt entry, never applied
        assertThatThrownBy(() -> RecordSerde.read(new DataInputStream(new ByteArrayInputStream(written))))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new AclRecord(Uuid.ONE_UUID, new AclBinding(new ResourcePattern(ResourceType.TOPIC,
                "t", PatternType.UNKNOWN), new AccessControlEntry("User:a", "*", AclOperation.READ,
                AclPermissionType.ALLOW)))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("everyRecordType")
    void roundTripsEveryRecordType(MetadataRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RecordSerde.write(record, new DataOutputStream(bytes));
        MetadataRecord read = RecordSerde.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(read).isEqualTo(record);
    }

    @Test
    void coversEveryPermittedSubtype() {
        assertThat(everyRecordType().map(Object::getClass).distinct())
                .containsExactlyInAnyOrder(MetadataRecord.class.getPermittedSubclasses());
    }

    @Test
    void roundTripsABatch() throws IOException {
        List<MetadataRecord> records = everyRecordType().toList();
        assertThat(RecordSerde.decodeBatch(RecordSerde.encodeBatch(records))).isEqualTo(records);
        assertThat(RecordSerde.decodeBatch(RecordSerde.encodeBatch(List.of()))).isEmpty();
    }

    @Test
    void writesPartitionsWithoutAReassignmentAsTheFirstVersionDid() throws IOException {
        Uuid id = new Uuid(1, 2);
        // The layout of version 1, which logs and snapshots written before reassignments hold.
        ByteArrayOutputStream v1 = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(v1);
        out.writeByte(RecordSerde.PARTITION_CHANGE);
        out.writeByte(1);
        out.writeLong(1);
        out.writeLong(2);
        out.writeInt(5);
        out.writeInt(2);
        out.writeInt(1);
        out.writeInt(2);
        out.writeInt(1);
        out.writeInt(1);
        out.writeInt(1);
        out.writeInt(3);
        out.writeInt(4);
        PartitionChangeRecord record = new PartitionChangeRecord(id, 5, List.of(1, 2), List.of(1), 1, 3, 4);

        ByteArrayOutputStream written = new ByteArrayOutputStream();
        RecordSerde.write(record, new DataOutputStream(written));
        assertThat(written.toByteArray()).isEqualTo(v1.toByteArray());
        assertThat(RecordSerde.read(new DataInputStream(new ByteArrayInputStream(v1.toByteArray()))))
                .isEqualTo(record);

        ByteArrayOutputStream reassigning = new ByteArrayOutputStream();
        RecordSerde.write(new PartitionChangeRecord(id, 5, List.of(3, 1, 2), List.of(1), 1, 3, 4, List.of(3),
                List.of(2)), new DataOutputStream(reassigning));
        assertThat(reassigning.toByteArray()[1]).isEqualTo((byte) 2);
    }

    @Test
    void rejectsUnknownTypesVersionsAndTruncation() {
        byte[] batch = RecordSerde.encodeBatch(List.of(new RemoveTopicRecord(Uuid.randomUuid())));
        byte[] unknownType = batch.clone();
        unknownType[5] = 99; // after format byte and count
        assertThatThrownBy(() -> RecordSerde.decodeBatch(unknownType)).isInstanceOf(IOException.class)
                .hasMessageContaining("type");
        byte[] unknownVersion = batch.clone();
        unknownVersion[6] = 42;
        assertThatThrownBy(() -> RecordSerde.decodeBatch(unknownVersion)).isInstanceOf(IOException.class)
                .hasMessageContaining("version");
        byte[] unknownFormat = batch.clone();
        unknownFormat[0] = 7;
        assertThatThrownBy(() -> RecordSerde.decodeBatch(unknownFormat)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> RecordSerde.decodeBatch(Arrays.copyOf(batch, batch.length - 3)))
                .isInstanceOf(IOException.class);
        byte[] trailing = Arrays.copyOf(batch, batch.length + 1);
        assertThatThrownBy(() -> RecordSerde.decodeBatch(trailing)).isInstanceOf(IOException.class);
    }
}
