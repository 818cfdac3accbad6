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
 * start on directories that belong to another node or cluster. The cluster id is the one agreed through the
 * metadata log; a directory records it once the quorum has it.
 *
 * <p>Stateless; callers serialize access (one node start at a time holds the directory locks).
 */
record MetaProperties(String clusterId, int nodeId, Uuid directoryId) {

    static final String FILE = "meta.properties";

    /**
     * The cluster id this node proposes to the metadata quorum: the one its log directories already record (an
     * existing node keeps its id), or a new random one for a fresh node. Writes nothing: only the id the quorum
     * agrees is recorded, by {@link #record}.
     *
     * @throws IllegalStateException when directories disagree or belong to another node
     */
    static String candidateClusterId(List<Path> logDirs, int nodeId) throws IOException {
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
        return clusterId != null ? clusterId : Uuid.randomUuid().toString();
    }

    /**
     * Records the cluster id agreed through the metadata log in every log directory that has no identity yet.
     * Checks every directory before writing any, so a refusal leaves them all as they were.
     *
     * @throws IllegalStateException with Kafka's message if a directory names another cluster (a node of another
     *                               cluster must not join silently)
     */
    static void record(List<Path> logDirs, int nodeId, String clusterId) throws IOException {
        for (Path dir : logDirs) {
            Optional<MetaProperties> meta = read(dir);
            if (meta.isPresent() && !clusterId.equals(meta.get().clusterId())) {
                throw new IllegalStateException("Invalid cluster.id in: " + dir.resolve(FILE) + ". Expected "
                        + clusterId + ", but read " + meta.get().clusterId());
            }
        }
        for (Path dir : logDirs) {
            if (read(dir).isEmpty()) {
                write(dir, new MetaProperties(clusterId, nodeId, Uuid.randomUuid()));
            }
        }
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
