package io.strata.metadata.image;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.ScramCredential;
import io.strata.metadata.TopicImage;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.AclRecord;
import io.strata.metadata.records.MetadataRecord.ClientQuotaRecord;
import io.strata.metadata.records.MetadataRecord.ClusterIdRecord;
import io.strata.metadata.records.MetadataRecord.ConfigRecord;
import io.strata.metadata.records.MetadataRecord.FeatureLevelRecord;
import io.strata.metadata.records.MetadataRecord.FenceBrokerRecord;
import io.strata.metadata.records.MetadataRecord.PartitionRecord;
import io.strata.metadata.records.MetadataRecord.ProducerIdsRecord;
import io.strata.metadata.records.MetadataRecord.RegisterBrokerRecord;
import io.strata.metadata.records.MetadataRecord.ScramCredentialRecord;
import io.strata.metadata.records.MetadataRecord.TopicRecord;
import io.strata.metadata.records.RecordSerde;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Serializes a whole {@link MetadataImage} (a snapshot) as the list of records that rebuilds it, so snapshots and
 * log entries share one format and one applier.
 *
 * <p>Layout: {@code magic:int32 format:int8 version:int64 count:int32 record*}; the cluster id is a
 * {@link ClusterIdRecord} like any other state. Format 1 (before the cluster id was agreed through the log) had
 * {@code clusterId:string} after the version; it is still read, as the id the image had.
 *
 * <p>Stateless and thread-safe.
 */
public final class ImageCodec {

    private static final int MAGIC = 0x53544d49; // "STMI"
    private static final byte FORMAT = 2;
    private static final byte FORMAT_WITH_HEADER_CLUSTER_ID = 1;

    private ImageCodec() {
    }

    /** The records that rebuild {@code image} from an empty image, in a deterministic order. */
    public static List<MetadataRecord> toRecords(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        if (image.hasClusterId()) {
            records.add(new ClusterIdRecord(image.clusterId()));
        }
        new TreeMap<>(image.brokers()).values().forEach(b -> {
            records.add(RegisterBrokerRecord.of(b));
            if (b.inControlledShutdown()) {
                records.add(new FenceBrokerRecord(b.brokerId(), b.incarnationId(), true));
            }
        });
        image.topicsByName().values().stream().sorted(Comparator.comparing(TopicImage::name)).forEach(topic -> {
            records.add(new TopicRecord(topic.name(), topic.id()));
            for (Map.Entry<Integer, PartitionImage> e : topic.partitions().entrySet()) {
                records.add(PartitionRecord.of(topic.id(), e.getKey(), e.getValue()));
            }
        });
        image.configs().entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<ConfigResourceKey, Map<String, String>> e) -> e.getKey().type())
                        .thenComparing(e -> e.getKey().name()))
                .forEach(e -> new TreeMap<>(e.getValue()).forEach((k, v) -> records.add(
                        new ConfigRecord(e.getKey().type(), e.getKey().name(), k, Optional.of(v)))));
        image.scramCredentials().entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<ScramCredential.Key, ScramCredential> e) -> e.getKey().user())
                        .thenComparing(e -> e.getKey().mechanism()))
                .forEach(e -> records.add(new ScramCredentialRecord(e.getKey().user(), e.getValue())));
        image.acls().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> records.add(new AclRecord(e.getKey(), e.getValue())));
        new TreeMap<>(image.clientQuotas()).forEach((entity, values) -> new TreeMap<>(values).forEach((key, value) ->
                records.add(new ClientQuotaRecord(entity, key, Optional.of(value)))));
        new TreeMap<>(image.features()).forEach((feature, level) ->
                records.add(new FeatureLevelRecord(feature, level, Optional.empty())));
        if (image.nextProducerId() > 0) {
            records.add(new ProducerIdsRecord(-1, image.nextProducerId()));
        }
        return records;
    }

    public static void write(MetadataImage image, DataOutput out) throws IOException {
        List<MetadataRecord> records = toRecords(image);
        out.writeInt(MAGIC);
        out.writeByte(FORMAT);
        out.writeLong(image.version());
        out.writeInt(records.size());
        for (MetadataRecord record : records) {
            RecordSerde.write(record, out);
        }
    }

    /** Reads an image written by {@link #write}. */
    public static MetadataImage read(DataInput in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("Not a metadata image snapshot");
        }
        byte format = in.readByte();
        if (format != FORMAT && format != FORMAT_WITH_HEADER_CLUSTER_ID) {
            throw new IOException("Unknown metadata image format " + format);
        }
        long version = in.readLong();
        String clusterId = format == FORMAT_WITH_HEADER_CLUSTER_ID ? in.readUTF() : MetadataImage.NO_CLUSTER_ID;
        int count = in.readInt();
        ImageBuilder builder = new ImageBuilder(ImageBuilder.emptyImage(clusterId));
        for (int i = 0; i < count; i++) {
            MetadataRecord record = RecordSerde.read(in);
            try {
                builder.apply(record);
            } catch (MetadataConflictException e) {
                throw new IOException("Inconsistent metadata snapshot: " + e.getMessage(), e);
            }
        }
        return builder.build(version);
    }
}
