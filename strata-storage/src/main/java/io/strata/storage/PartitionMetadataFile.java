package io.strata.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code partition.metadata}: the topic id of a partition directory, in Kafka's format
 * ({@code version: 0} then {@code topic_id: <base64 uuid>}). Stateless; safe from any thread.
 */
final class PartitionMetadataFile {
    static final String NAME = "partition.metadata";
    private static final Logger log = LoggerFactory.getLogger(PartitionMetadataFile.class);

    private PartitionMetadataFile() {
    }

    static void write(Path dir, Uuid topicId) {
        Path path = dir.resolve(NAME);
        try {
            AtomicFile.write(path, ("version: 0\ntopic_id: " + topicId + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write " + path, e);
        }
    }

    static Optional<Uuid> read(Path dir) {
        Path path = dir.resolve(NAME);
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                if (line.startsWith("topic_id:")) {
                    return Optional.of(Uuid.fromString(line.substring("topic_id:".length()).trim()));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring malformed {}: {}", path, e.toString());
        }
        return Optional.empty();
    }
}
