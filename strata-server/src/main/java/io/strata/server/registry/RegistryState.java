package io.strata.server.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The registry's state, the result of applying the {@code _schemas} records in order: subject versions, schemas by
 * global id, configs, modes, the highest id ever issued and where each node serves the registry. Records apply
 * last-write-wins per key, as compaction keeps them, so that a compacted topic rebuilds the same state.
 *
 * <p>Thread-safe: one applier writes ({@link #apply}), any thread reads through {@link #read}, which sees a
 * consistent state between records.
 */
final class RegistryState {

    /** A subject version as stored. */
    record Entry(String subject, int version, int id, SchemaContent content, boolean deleted) {
    }

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, NavigableMap<Integer, Entry>> subjects = new TreeMap<>();
    private final Map<Integer, SchemaContent> schemasById = new HashMap<>();
    private final Map<SchemaContent, Integer> idsByContent = new HashMap<>();
    private final Map<Integer, Set<Entry>> usersById = new HashMap<>();
    private final Map<String, CompatibilityLevel> configs = new HashMap<>();
    private final Map<String, RegistryMode> modes = new HashMap<>();
    private final Map<Integer, String> nodeUrls = new HashMap<>();
    private CompatibilityLevel globalConfig;
    private RegistryMode globalMode;
    private int maxId;

    /** Applies one record. */
    void apply(RegistryRecord record) {
        lock.writeLock().lock();
        try {
            switch (record) {
                case RegistryRecord.Version v -> {
                    remove(v.subject(), v.version());
                    Entry entry = new Entry(v.subject(), v.version(), v.id(), v.content(), v.deleted());
                    subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>()).put(v.version(), entry);
                    schemasById.put(v.id(), v.content());
                    idsByContent.putIfAbsent(v.content(), v.id());
                    usersById.computeIfAbsent(v.id(), id -> new LinkedHashSet<>()).add(entry);
                    maxId = Math.max(maxId, v.id());
                }
                case RegistryRecord.VersionTombstone t -> remove(t.subject(), t.version());
                case RegistryRecord.Config c -> {
                    if (c.subject().isEmpty()) {
                        globalConfig = c.level().orElse(null);
                    } else if (c.level().isPresent()) {
                        configs.put(c.subject().get(), c.level().get());
                    } else {
                        configs.remove(c.subject().get());
                    }
                }
                case RegistryRecord.Mode m -> {
                    if (m.subject().isEmpty()) {
                        globalMode = m.mode().orElse(null);
                    } else if (m.mode().isPresent()) {
                        modes.put(m.subject().get(), m.mode().get());
                    } else {
                        modes.remove(m.subject().get());
                    }
                }
                case RegistryRecord.IdWatermark w -> maxId = Math.max(maxId, w.maxId());
                case RegistryRecord.Node n -> nodeUrls.put(n.nodeId(), n.url());
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void remove(String subject, int version) {
        NavigableMap<Integer, Entry> versions = subjects.get(subject);
        Entry old = versions == null ? null : versions.remove(version);
        if (old == null) {
            return;
        }
        if (versions.isEmpty()) {
            subjects.remove(subject);
        }
        Set<Entry> users = usersById.get(old.id());
        users.remove(old);
        if (users.isEmpty()) {
            // No version uses the id any more: the schema is gone (a hard delete); the id stays issued.
            usersById.remove(old.id());
            SchemaContent content = schemasById.remove(old.id());
            idsByContent.remove(content, old.id());
        }
    }

    /** Reads a consistent view. */
    <T> T read(Function<View, T> query) {
        lock.readLock().lock();
        try {
            return query.apply(view);
        } finally {
            lock.readLock().unlock();
        }
    }

    private final View view = new View();

    /** Queries over the state; valid only inside {@link #read}. */
    final class View {

        /** Subject names with a version, live or (with {@code deleted}) soft-deleted. */
        List<String> subjects(boolean deleted) {
            List<String> names = new ArrayList<>();
            subjects.forEach((name, versions) -> {
                if (deleted || versions.values().stream().anyMatch(e -> !e.deleted())) {
                    names.add(name);
                }
            });
            return names;
        }

        /** Every version of a subject, soft-deleted ones included, oldest first; empty if it has none. */
        List<Entry> versions(String subject) {
            NavigableMap<Integer, Entry> versions = subjects.get(subject);
            return versions == null ? List.of() : List.copyOf(versions.values());
        }

        Optional<Entry> version(String subject, int version) {
            NavigableMap<Integer, Entry> versions = subjects.get(subject);
            return Optional.ofNullable(versions == null ? null : versions.get(version));
        }

        Optional<SchemaContent> schema(int id) {
            return Optional.ofNullable(schemasById.get(id));
        }

        Optional<Integer> id(SchemaContent content) {
            return Optional.ofNullable(idsByContent.get(content));
        }

        /** Whether a version of {@code subject} that is not soft-deleted uses schema id {@code id}. */
        boolean registeredUnder(int id, String subject) {
            for (Entry e : usersById.getOrDefault(id, Set.of())) {
                if (!e.deleted() && e.subject().equals(subject)) {
                    return true;
                }
            }
            return false;
        }

        /** The versions that use a schema id, soft-deleted ones included. */
        List<Entry> users(int id) {
            return List.copyOf(usersById.getOrDefault(id, Set.of()));
        }

        /** Every live or soft-deleted version whose schema references {@code subject} version {@code version}. */
        List<Entry> referrers(String subject, int version) {
            List<Entry> referrers = new ArrayList<>();
            for (NavigableMap<Integer, Entry> versions : subjects.values()) {
                for (Entry e : versions.values()) {
                    if (e.content().references().stream()
                            .anyMatch(r -> r.subject().equals(subject) && r.version() == version)) {
                        referrers.add(e);
                    }
                }
            }
            return referrers;
        }

        Optional<CompatibilityLevel> config(Optional<String> subject) {
            return Optional.ofNullable(subject.isEmpty() ? globalConfig : configs.get(subject.get()));
        }

        Optional<RegistryMode> mode(Optional<String> subject) {
            return Optional.ofNullable(subject.isEmpty() ? globalMode : modes.get(subject.get()));
        }

        /** The highest id ever issued, 0 if none. */
        int maxId() {
            return maxId;
        }

        Optional<String> nodeUrl(int nodeId) {
            return Optional.ofNullable(nodeUrls.get(nodeId));
        }

        /** Every node's published URL by node id; empty for a node that does not serve the registry. */
        Map<Integer, String> nodeUrls() {
            return Map.copyOf(nodeUrls);
        }

        /** Whether no schema was ever registered (IMPORT mode may only start on an empty registry). */
        boolean empty() {
            return subjects.isEmpty();
        }
    }
}
