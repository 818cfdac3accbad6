package io.strata.metadata.image;

import io.strata.metadata.records.MetadataRecord.AclRecord;
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
import io.strata.metadata.ClientQuotaEntity;
import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
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
import io.strata.metadata.records.MetadataRecord.ScramCredentialRecord;
import io.strata.metadata.records.MetadataRecord.TopicRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class ImageCodecTest {

    @Test
    void roundTripsAWholeImage() throws Exception {
        Uuid a = Uuid.randomUuid();
        Uuid b = Uuid.randomUuid();
        Uuid incarnation = Uuid.randomUuid();
        MetadataImage image = ImageBuilder.applyBatch(ImageBuilder.emptyImage(), List.of(
                new ClusterIdRecord("cluster-x"),
                new RegisterBrokerRecord(1, Uuid.randomUuid(), List.of(
                        new BrokerRegistration.Endpoint("PLAINTEXT", "h", 1, "PLAINTEXT")), Optional.of("r"), false),
                new RegisterBrokerRecord(2, Uuid.randomUuid(), List.of(), Optional.empty(), true),
                new RegisterBrokerRecord(3, incarnation, List.of(), Optional.empty(), false),
                new FenceBrokerRecord(3, incarnation, true),
                new TopicRecord("a", a),
                new PartitionRecord(a, 0, List.of(1, 2), List.of(1, 2), 1, 0, 0),
                new PartitionRecord(a, 1, List.of(2, 1), List.of(2, 1), 2, 0, 0),
                new PartitionChangeRecord(a, 1, List.of(2, 1), List.of(1), 1, 3, 1),
                new TopicRecord("b", b),
                new PartitionRecord(b, 0, List.of(2), List.of(2), 2, 0, 0),
                new PartitionRecord(b, 1, List.of(1, 2), List.of(2), 2, 0, 0, List.of(1), List.of(2)),
                new ConfigRecord(ConfigResourceKey.Type.TOPIC, "b", "retention.ms", Optional.of("5")),
                new ConfigRecord(ConfigResourceKey.Type.BROKER, "1", "x", Optional.of("y")),
                new ProducerIdsRecord(1, 3000),
                new ScramCredentialRecord("bob", new ScramCredential("SCRAM-SHA-256", new byte[] {1}, new byte[] {2},
                        new byte[] {3}, 8192)),
                new ScramCredentialRecord("alice", new ScramCredential("SCRAM-SHA-512", new byte[] {4},
                        new byte[] {5}, new byte[] {6}, 4096)),
                new AclRecord(Uuid.randomUuid(), new AclBinding(new ResourcePattern(ResourceType.GROUP, "g-",
                        PatternType.PREFIXED), new AccessControlEntry("User:alice", "*", AclOperation.READ,
                        AclPermissionType.ALLOW))),
                new AclRecord(Uuid.randomUuid(), new AclBinding(new ResourcePattern(ResourceType.TOPIC, "*",
                        PatternType.LITERAL), new AccessControlEntry("User:bob", "*", AclOperation.WRITE,
                        AclPermissionType.DENY))),
                new ClientQuotaRecord(ClientQuotaEntity.user(Optional.of("alice")), "producer_byte_rate",
                        Optional.of(1048576.0)),
                new ClientQuotaRecord(ClientQuotaEntity.userAndClientId(Optional.of("alice"), Optional.empty()),
                        "request_percentage", Optional.of(50.0)),
                new FeatureLevelRecord("transaction.version", (short) 2, Optional.empty()),
                new FeatureLevelRecord("transaction.version", (short) 0, Optional.of((short) 2)),
                new FeatureLevelRecord("metadata.version", (short) 25, Optional.empty())), 42);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageCodec.write(image, new DataOutputStream(bytes));
        MetadataImage read = ImageCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        assertThat(read).isEqualTo(image);
        assertThat(read.version()).isEqualTo(42);
        assertThat(read.clusterId()).isEqualTo("cluster-x");
        assertThat(read.brokers().get(3).inControlledShutdown()).isTrue(); // survives a snapshot
        assertThat(read.nextProducerId()).isEqualTo(3000);
        assertThat(read.acls()).hasSize(2).isEqualTo(image.acls()); // ACLs survive a snapshot with their ids
        assertThat(read.scramCredential("bob", "SCRAM-SHA-256").orElseThrow().iterations()).isEqualTo(8192);
        assertThat(read.topic(b).orElseThrow().partitions().get(1).addingReplicas()).containsExactly(1);
        assertThat(read.clientQuotas(ClientQuotaEntity.user(Optional.of("alice"))))
                .containsEntry("producer_byte_rate", 1048576.0);
        // A feature finalized at level 0 stays settled through a snapshot.
        assertThat(read.features()).containsOnly(Map.entry("transaction.version", (short) 0),
                Map.entry("metadata.version", (short) 25));
    }

    @Test
    void roundTripsTheEmptyImageAndRejectsGarbage() throws IOException {
        MetadataImage empty = ImageBuilder.emptyImage();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageCodec.write(empty, new DataOutputStream(bytes));
        assertThat(ImageCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
                .isEqualTo(empty);
        assertThatThrownBy(() -> ImageCodec.read(new DataInputStream(new ByteArrayInputStream(new byte[8]))))
                .isInstanceOf(IOException.class);
    }

    @Test
    void readsTheHeaderClusterIdOfAFirstFormatSnapshot() throws IOException {
        // format 1 carried the cluster id in its header, before the id was a record of the log
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x53544d49);
        out.writeByte(1);
        out.writeLong(7);
        out.writeUTF("old-cluster");
        out.writeInt(0);
        MetadataImage read = ImageCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(read.clusterId()).isEqualTo("old-cluster");
        assertThat(read.version()).isEqualTo(7);
    }
}
