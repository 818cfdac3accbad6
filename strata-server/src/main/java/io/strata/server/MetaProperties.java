package io.strata.server;

import io.strata.storage.AtomicFile;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * The identity file Kafka keeps in every log directory ({@code meta.properties}: cluster id, node id, directory
 * id). Strata formats directories on first start instead of requiring a separate format step, and refuses to
 * start on directories that belong to another node or cluster.
 */
record MetaProperties(String clusterId, int nodeId, Uuid directoryId) {

    static final String FILE = "meta.properties";

    /**
     * Reads every log directory's identity, creating missing ones with the cluster id found in the others (or a
     * new one).
     *
     * @return the cluster id
     * @throws IllegalStateException when directories disagree or belong to another node
     */
    static String ensure(List<Path> logDirs, int nodeId) throws IOException {
        String clusterId = null;
        for (Path dir : logDirs) {
            Optional<MetaProperties> meta = read(dir);
            if (meta.isEmpty()) {
                continue;
            }
            if (meta.get().nodeId() != nodeId) {
                throw new IllegalStateException("Log directory " + dir + " belongs to node " + meta.get().nodeId()
                        + ", but node.id is " + nodeId);
            }
            if (clusterId != null && !clusterId.equals(meta.get().clusterId())) {
                throw new IllegalStateException("Log directories belong to different clusters: " + clusterId
                        + " and " + meta.get().clusterId() + " (" + dir + ")");
            }
            clusterId = meta.get().clusterId();
        }
        if (clusterId == null) {
            clusterId = Uuid.randomUuid().toString();
        }
        for (Path dir : logDirs) {
            if (read(dir).isEmpty()) {
                write(dir, new MetaProperties(clusterId, nodeId, Uuid.randomUuid()));
            }
        }
        return clusterId;
    }

    static Optional<MetaProperties> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            return Optional.of(new MetaProperties(p.getProperty("cluster.id"),
                    Integer.parseInt(p.getProperty("node.id")), Uuid.fromString(p.getProperty("directory.id"))));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Unreadable " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path dir, MetaProperties meta) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("version", "1");
        p.setProperty("cluster.id", meta.clusterId());
        p.setProperty("node.id", Integer.toString(meta.nodeId()));
        p.setProperty("directory.id", meta.directoryId().toString());
        AtomicFile.write(dir.resolve(FILE), out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            p.store(w, "Written by Strata");
            w.flush();
        });
    }
}
