package io.strata.metadata.records;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.ClientQuotaEntity;
import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.ScramCredential;
import io.strata.metadata.records.MetadataRecord.AclRecord;
import io.strata.metadata.records.MetadataRecord.ClientQuotaRecord;
import io.strata.metadata.records.MetadataRecord.ClusterIdRecord;
import io.strata.metadata.records.MetadataRecord.ConfigRecord;
import io.strata.metadata.records.MetadataRecord.FeatureLevelRecord;
import io.strata.metadata.records.MetadataRecord.FenceBrokerRecord;
import io.strata.metadata.records.MetadataRecord.PartitionChangeRecord;
import io.strata.metadata.records.MetadataRecord.PartitionRecord;
import io.strata.metadata.records.MetadataRecord.ProducerIdsRecord;
import io.strata.metadata.records.MetadataRecord.RegisterBrokerRecord;
import io.strata.metadata.records.MetadataRecord.RemoveAclRecord;
import io.strata.metadata.records.MetadataRecord.RemoveScramCredentialRecord;
import io.strata.metadata.records.MetadataRecord.RemoveTopicRecord;
import io.strata.metadata.records.MetadataRecord.ScramCredentialRecord;
import io.strata.metadata.records.MetadataRecord.TopicRecord;
import io.strata.metadata.records.MetadataRecord.UnfenceBrokerRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Compact, versioned binary form of {@link MetadataRecord}s and record batches.
 *
 * <p>A record is {@code type:int8 version:int8 fields...}; a batch is {@code formatVersion:int8 count:int32
 * record*}. Strings are {@code length:int32 utf8}, optional strings a presence byte then the string, int lists
 * {@code count:int32 int32*}, UUIDs two int64. Readers reject unknown types and versions with an
 * {@link IOException}. Adding a field means a new record version; readers keep decoding the old ones.
 *
 * <p>Partition records: version 1 is a partition without a reassignment in progress; version 2 appends its adding
 * and removing replicas (two int lists). Writers use version 1 whenever both are empty, so logs and snapshots of
 * clusters that never reassigned stay byte for byte what older code wrote and reads.
 *
 * <p>Stateless and thread-safe.
 */
public final class RecordSerde {

    /** The batch framing version written by this code. */
    public static final byte BATCH_FORMAT_VERSION = 1;

    static final byte REGISTER_BROKER = 1;
    static final byte TOPIC = 2;
    static final byte PARTITION = 3;
    static final byte PARTITION_CHANGE = 4;
    static final byte REMOVE_TOPIC = 5;
    static final byte CONFIG = 6;
    static final byte PRODUCER_IDS = 7;
    static final byte FENCE_BROKER = 8;
    static final byte UNFENCE_BROKER = 9;
    static final byte CLUSTER_ID = 10;
    static final byte SCRAM_CREDENTIAL = 11;
    static final byte REMOVE_SCRAM_CREDENTIAL = 12;
    static final byte ACCESS_CONTROL_ENTRY = 13;
    static final byte REMOVE_ACCESS_CONTROL_ENTRY = 14;
    static final byte CLIENT_QUOTA = 15;
    static final byte FEATURE_LEVEL = 16;

    private static final byte V1 = 1;
    private static final byte V2_REASSIGNING = 2;
    private static final int MAX_COLLECTION = 1 << 24;

    private RecordSerde() {
    }

    /** Serializes a batch of records into one byte array (the payload of one Ratis entry). */
    public static byte[] encodeBatch(List<? extends MetadataRecord> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + records.size() * 48);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(BATCH_FORMAT_VERSION);
            out.writeInt(records.size());
            for (MetadataRecord record : records) {
                write(record, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen on a byte array
        }
        return bytes.toByteArray();
    }

    /** Parses a batch written by {@link #encodeBatch}. */
    public static List<MetadataRecord> decodeBatch(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        byte format = in.readByte();
        if (format != BATCH_FORMAT_VERSION) {
            throw new IOException("Unknown metadata batch format " + format);
        }
        int count = checkedCount(in.readInt());
        List<MetadataRecord> records = new ArrayList<>(Math.min(count, 1 << 16));
        for (int i = 0; i < count; i++) {
            records.add(read(in));
        }
        if (in.read() != -1) {
            throw new IOException("Trailing bytes after " + count + " metadata records");
        }
        return records;
    }

    /** Writes one record. */
    public static void write(MetadataRecord record, DataOutput out) throws IOException {
        switch (record) {
            case RegisterBrokerRecord r -> {
                header(out, REGISTER_BROKER);
                out.writeInt(r.brokerId());
                writeUuid(out, r.incarnationId());
                out.writeInt(r.endpoints().size());
                for (BrokerRegistration.Endpoint e : r.endpoints()) {
                    writeString(out, e.listenerName());
                    writeString(out, e.host());
                    out.writeInt(e.port());
                    writeString(out, e.securityProtocol());
                }
                writeOptionalString(out, r.rack());
                out.writeBoolean(r.fenced());
            }
            case FenceBrokerRecord r -> {
                header(out, FENCE_BROKER);
                out.writeInt(r.brokerId());
                writeUuid(out, r.incarnationId());
                out.writeBoolean(r.controlledShutdown());
            }
            case UnfenceBrokerRecord r -> {
                header(out, UNFENCE_BROKER);
                out.writeInt(r.brokerId());
                writeUuid(out, r.incarnationId());
            }
            case TopicRecord r -> {
                header(out, TOPIC);
                writeString(out, r.name());
                writeUuid(out, r.topicId());
            }
            case PartitionRecord r -> writePartition(out, PARTITION, r.topicId(), r.partition(), r.toImage());
            case PartitionChangeRecord r -> writePartition(out, PARTITION_CHANGE, r.topicId(), r.partition(),
                    r.toImage());
            case RemoveTopicRecord r -> {
                header(out, REMOVE_TOPIC);
                writeUuid(out, r.topicId());
            }
            case ConfigRecord r -> {
                header(out, CONFIG);
                out.writeByte(r.resourceType().ordinal());
                writeString(out, r.resourceName());
                writeString(out, r.key());
                writeOptionalString(out, r.value());
            }
            case ProducerIdsRecord r -> {
                header(out, PRODUCER_IDS);
                out.writeInt(r.brokerId());
                out.writeLong(r.nextProducerId());
            }
            case ClusterIdRecord r -> {
                header(out, CLUSTER_ID);
                writeString(out, r.clusterId());
            }
            case ScramCredentialRecord r -> {
                header(out, SCRAM_CREDENTIAL);
                writeString(out, r.user());
                ScramCredential c = r.credential();
                writeString(out, c.mechanism());
                writeBytes(out, c.salt());
                writeBytes(out, c.storedKey());
                writeBytes(out, c.serverKey());
                out.writeInt(c.iterations());
            }
            case RemoveScramCredentialRecord r -> {
                header(out, REMOVE_SCRAM_CREDENTIAL);
                writeString(out, r.user());
                writeString(out, r.mechanism());
            }
            case AclRecord r -> {
                header(out, ACCESS_CONTROL_ENTRY);
                writeUuid(out, r.id());
                AclBinding acl = r.acl();
                // Kafka's own wire codes of the enums: stable across releases, unlike ordinals.
                out.writeByte(acl.pattern().resourceType().code());
                writeString(out, acl.pattern().name());
                out.writeByte(acl.pattern().patternType().code());
                writeString(out, acl.entry().principal());
                writeString(out, acl.entry().host());
                out.writeByte(acl.entry().operation().code());
                out.writeByte(acl.entry().permissionType().code());
            }
            case RemoveAclRecord r -> {
                header(out, REMOVE_ACCESS_CONTROL_ENTRY);
                writeUuid(out, r.id());
            }
            case ClientQuotaRecord r -> {
                header(out, CLIENT_QUOTA);
                Map<String, Optional<String>> components = new TreeMap<>(r.entity().components());
                out.writeInt(components.size());
                for (Map.Entry<String, Optional<String>> c : components.entrySet()) {
                    writeString(out, c.getKey());
                    writeOptionalString(out, c.getValue());
                }
                writeString(out, r.key());
                out.writeBoolean(r.value().isPresent());
                if (r.value().isPresent()) {
                    out.writeDouble(r.value().get());
                }
            }
            case FeatureLevelRecord r -> {
                header(out, FEATURE_LEVEL);
                writeString(out, r.feature());
                out.writeShort(r.level());
                out.writeBoolean(r.previous().isPresent());
                if (r.previous().isPresent()) {
                    out.writeShort(r.previous().get());
                }
            }
        }
    }

    /** Reads one record written by {@link #write}. */
    public static MetadataRecord read(DataInput in) throws IOException {
        byte type = in.readByte();
        byte version = in.readByte();
        boolean partitionType = type == PARTITION || type == PARTITION_CHANGE;
        if (version != V1 && !(partitionType && version == V2_REASSIGNING)) {
            throw new IOException("Unknown version " + version + " of metadata record type " + type);
        }
        return switch (type) {
            case REGISTER_BROKER -> {
                int brokerId = in.readInt();
                Uuid incarnation = readUuid(in);
                int n = checkedCount(in.readInt());
                List<BrokerRegistration.Endpoint> endpoints = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    endpoints.add(new BrokerRegistration.Endpoint(readString(in), readString(in), in.readInt(),
                            readString(in)));
                }
                Optional<String> rack = readOptionalString(in);
                boolean fenced = in.readBoolean();
                yield new RegisterBrokerRecord(brokerId, incarnation, endpoints, rack, fenced);
            }
            case FENCE_BROKER -> new FenceBrokerRecord(in.readInt(), readUuid(in), in.readBoolean());
            case UNFENCE_BROKER -> new UnfenceBrokerRecord(in.readInt(), readUuid(in));
            case TOPIC -> new TopicRecord(readString(in), readUuid(in));
            case PARTITION -> new PartitionRecord(readUuid(in), in.readInt(), readInts(in), readInts(in),
                    in.readInt(), in.readInt(), in.readInt(), readReassigning(in, version),
                    readReassigning(in, version));
            case PARTITION_CHANGE -> new PartitionChangeRecord(readUuid(in), in.readInt(), readInts(in),
                    readInts(in), in.readInt(), in.readInt(), in.readInt(), readReassigning(in, version),
                    readReassigning(in, version));
            case REMOVE_TOPIC -> new RemoveTopicRecord(readUuid(in));
            case CONFIG -> {
                int ordinal = in.readByte();
                ConfigResourceKey.Type[] types = ConfigResourceKey.Type.values();
                if (ordinal < 0 || ordinal >= types.length) {
                    throw new IOException("Unknown config resource type " + ordinal);
                }
                yield new ConfigRecord(types[ordinal], readString(in), readString(in), readOptionalString(in));
            }
            case PRODUCER_IDS -> new ProducerIdsRecord(in.readInt(), in.readLong());
            case CLUSTER_ID -> new ClusterIdRecord(readString(in));
            case SCRAM_CREDENTIAL -> new ScramCredentialRecord(readString(in), new ScramCredential(readString(in),
                    readBytes(in), readBytes(in), readBytes(in), in.readInt()));
            case REMOVE_SCRAM_CREDENTIAL -> new RemoveScramCredentialRecord(readString(in), readString(in));
            case ACCESS_CONTROL_ENTRY -> readAcl(in);
            case REMOVE_ACCESS_CONTROL_ENTRY -> new RemoveAclRecord(readUuid(in));
            case CLIENT_QUOTA -> {
                int n = checkedCount(in.readInt());
                Map<String, Optional<String>> components = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    components.put(readString(in), readOptionalString(in));
                }
                if (components.size() != n || n == 0) {
                    throw new IOException("Corrupt client quota entity of " + n + " components");
                }
                String key = readString(in);
                Optional<Double> value = in.readBoolean() ? Optional.of(in.readDouble()) : Optional.empty();
                yield new ClientQuotaRecord(new ClientQuotaEntity(components), key, value);
            }
            case FEATURE_LEVEL -> readFeatureLevel(in);
            default -> throw new IOException("Unknown metadata record type " + type);
        };
    }

    private static FeatureLevelRecord readFeatureLevel(DataInput in) throws IOException {
        String feature = readString(in);
        short level = in.readShort();
        Optional<Short> previous = in.readBoolean() ? Optional.of(in.readShort()) : Optional.empty();
        try {
            return new FeatureLevelRecord(feature, level, previous);
        } catch (IllegalArgumentException e) {
            throw new IOException("Invalid feature level record: " + e.getMessage(), e);
        }
    }

    private static AclRecord readAcl(DataInput in) throws IOException {
        Uuid id = readUuid(in);
        ResourceType type = ResourceType.fromCode(in.readByte());
        String name = readString(in);
        PatternType pattern = PatternType.fromCode(in.readByte());
        String principal = readString(in);
        String host = readString(in);
        AclOperation operation = AclOperation.fromCode(in.readByte());
        AclPermissionType permission = AclPermissionType.fromCode(in.readByte());
        try {
            return new AclRecord(id, new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal, host, operation, permission)));
        } catch (IllegalArgumentException e) {
            throw new IOException("Invalid access control entry " + id + ": " + e.getMessage(), e);
        }
    }

    private static void header(DataOutput out, byte type) throws IOException {
        out.writeByte(type);
        out.writeByte(V1);
    }

    private static void writePartition(DataOutput out, byte type, Uuid topicId, int partition, PartitionImage state)
            throws IOException {
        boolean reassigning = state.isReassigning();
        out.writeByte(type);
        out.writeByte(reassigning ? V2_REASSIGNING : V1);
        writeUuid(out, topicId);
        out.writeInt(partition);
        writeInts(out, state.replicas());
        writeInts(out, state.isr());
        out.writeInt(state.leader());
        out.writeInt(state.leaderEpoch());
        out.writeInt(state.partitionEpoch());
        if (reassigning) {
            writeInts(out, state.addingReplicas());
            writeInts(out, state.removingReplicas());
        }
    }

    /** Adding or removing replicas: present from version 2 of a partition record, none before. */
    private static List<Integer> readReassigning(DataInput in, byte version) throws IOException {
        return version == V2_REASSIGNING ? readInts(in) : List.of();
    }

    static void writeUuid(DataOutput out, Uuid id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    static Uuid readUuid(DataInput in) throws IOException {
        return new Uuid(in.readLong(), in.readLong());
    }

    static void writeString(DataOutput out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    static String readString(DataInput in) throws IOException {
        int length = checkedCount(in.readInt());
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInput in) throws IOException {
        byte[] bytes = new byte[checkedCount(in.readInt())];
        in.readFully(bytes);
        return bytes;
    }

    private static void writeOptionalString(DataOutput out, Optional<String> s) throws IOException {
        out.writeBoolean(s.isPresent());
        if (s.isPresent()) {
            writeString(out, s.get());
        }
    }

    private static Optional<String> readOptionalString(DataInput in) throws IOException {
        return in.readBoolean() ? Optional.of(readString(in)) : Optional.empty();
    }

    private static void writeInts(DataOutput out, List<Integer> values) throws IOException {
        out.writeInt(values.size());
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static List<Integer> readInts(DataInput in) throws IOException {
        int n = checkedCount(in.readInt());
        Integer[] values = new Integer[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readInt();
        }
        return List.of(values);
    }

    private static int checkedCount(int n) throws IOException {
        if (n < 0 || n > MAX_COLLECTION) {
            throw new EOFException("Corrupt metadata: length " + n);
        }
        return n;
    }
}
