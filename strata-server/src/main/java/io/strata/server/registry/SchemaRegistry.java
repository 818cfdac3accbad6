package io.strata.server.registry;

import io.strata.server.registry.RegistryState.Entry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The operations of Confluent Schema Registry's API over the registry's state: registration with compatibility
 * checks, lookups, soft and hard deletes, configs and modes. Reads answer from this node's state; writes are decided
 * here, on the node that is the registry's one writer, after catching up with the log, and return once applied.
 *
 * <p>Thread-safe: writes are serialized by a lock (a decision and its append are one step, so two registrations on
 * this node never take the same id or version), reads run concurrently.
 */
final class SchemaRegistry {

    private final RegistryState state;
    private final RegistryLog log;
    private final ReentrantLock writes = new ReentrantLock();
    /** Parsed schemas by content: parsing and Avro's compatibility rules need the parsed form of old versions. */
    private final Map<SchemaContent, ParsedSchema> parsed = new ConcurrentHashMap<>();

    SchemaRegistry(RegistryState state, RegistryLog log) {
        this.state = state;
        this.log = log;
    }

    /** Where this node forwards writes: empty when it decides them itself. */
    public Optional<String> forwardTo() {
        return log.forwardTo();
    }

    /** Returns once this node has read every write made anywhere before the call. */
    public void catchUp() {
        log.catchUp();
    }

    // ---- subjects and versions

    public List<String> subjects(String prefix, boolean deleted) {
        log.awaitLoaded();
        return state.read(v -> v.subjects(deleted)).stream().filter(s -> s.startsWith(prefix)).toList();
    }

    public List<Integer> versions(String subject, boolean deleted) {
        log.awaitLoaded();
        List<Integer> versions = state.read(v -> v.versions(subject)).stream()
                .filter(e -> deleted || !e.deleted()).map(Entry::version).toList();
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    /** A version by number, {@code latest} or {@code -1}; soft-deleted ones only with {@code deleted}. */
    public Entry version(String subject, String version, boolean deleted) {
        log.awaitLoaded();
        return resolve(subject, version, deleted);
    }

    private Entry resolve(String subject, String version, boolean deleted) {
        int number = versionNumber(version);
        List<Entry> versions = state.read(v -> v.versions(subject)).stream()
                .filter(e -> deleted || !e.deleted()).toList();
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        if (number == -1) {
            return versions.getLast();
        }
        return versions.stream().filter(e -> e.version() == number).findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(number));
    }

    /** A version number from a path: 1 to 2^31-1, or {@code latest}/{@code -1} as -1. */
    static int versionNumber(String version) {
        if (version.equals("latest")) {
            return -1;
        }
        try {
            int number = Integer.parseInt(version);
            if (number == -1 || number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw RegistryException.invalidVersion(version);
    }

    /** The ids of the schemas that reference a subject version. */
    public List<Integer> referencedBy(String subject, String version) {
        Entry entry = version(subject, version, false);
        return state.read(v -> v.referrers(subject, entry.version())).stream().map(Entry::id).distinct().sorted()
                .toList();
    }

    /** The version of {@code subject} holding this schema. */
    public Entry lookup(String subject, RegisterRequest request, boolean normalize, boolean deleted) {
        log.awaitLoaded();
        List<Entry> versions = state.read(v -> v.versions(subject)).stream()
                .filter(e -> deleted || !e.deleted()).toList();
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        SchemaContent content = parse(request, normalize).content();
        return versions.stream().filter(e -> e.content().equals(content)).reduce((first, second) -> second)
                .orElseThrow(() -> new RegistryException(40403, "Schema not found"));
    }

    // ---- schemas by id

    /** Every version of the subjects under {@code prefix} (only the latest of each with {@code latestOnly}). */
    public List<Entry> schemas(String prefix, boolean deleted, boolean latestOnly) {
        log.awaitLoaded();
        List<Entry> schemas = new ArrayList<>();
        for (String subject : subjects(prefix, deleted)) {
            List<Entry> versions = state.read(v -> v.versions(subject)).stream()
                    .filter(e -> deleted || !e.deleted()).toList();
            schemas.addAll(latestOnly ? List.of(versions.getLast()) : versions);
        }
        return schemas;
    }

    public SchemaContent schema(int id) {
        log.awaitLoaded();
        return state.read(v -> v.schema(id)).orElseThrow(() -> RegistryException.schemaNotFound(Integer.toString(id)));
    }

    /** The schema with global id {@code id}, parsed (once) with its references resolved. */
    ParsedSchema parsedById(int id) {
        return parsedStored(schema(id));
    }

    /** The subject versions using a schema id. */
    public List<Entry> idVersions(int id, boolean deleted) {
        schema(id);
        return state.read(v -> v.users(id)).stream().filter(e -> deleted || !e.deleted())
                .sorted(Comparator.comparing(Entry::subject).thenComparing(Entry::version)).toList();
    }

    // ---- registration and compatibility

    /**
     * Registers a schema under a subject: the id of an equal live version if there is one, else a new version
     * (with the id this content already has anywhere, else a new one) once it is compatible with the subject's
     * previous versions at the subject's level.
     */
    public int register(String subject, RegisterRequest request, boolean normalize) {
        writes.lock();
        try {
            log.catchUp();
            RegistryMode mode = effectiveMode(subject);
            if (mode == RegistryMode.READONLY) {
                throw RegistryException.notPermitted("Subject " + subject + " is in read-only mode");
            }
            ParsedSchema schema = parse(request, normalize);
            SchemaContent content = schema.content();
            List<Entry> versions = state.read(v -> v.versions(subject));
            boolean importing = mode == RegistryMode.IMPORT;
            if (!importing && (request.id().isPresent() || request.version().isPresent())) {
                throw RegistryException.notPermitted("Registering a schema with an id or a version is only "
                        + "permitted in IMPORT mode");
            }
            Optional<Entry> same = versions.stream().filter(e -> !e.deleted() && e.content().equals(content))
                    .findFirst();
            if (same.isPresent() && request.id().map(id -> id.equals(same.get().id())).orElse(true)) {
                return same.get().id();
            }
            if (!importing) {
                List<String> errors = compatibilityErrors(schema, live(versions), level(subject));
                if (!errors.isEmpty()) {
                    throw RegistryException.incompatible("Schema being registered is incompatible with an earlier "
                            + "schema for subject \"" + subject + "\", details: " + errors);
                }
            }
            int id = importing && request.id().isPresent() ? importedId(request.id().get(), content)
                    : state.read(v -> v.id(content).orElse(v.maxId() + 1));
            int version = request.version().orElse(versions.isEmpty() ? 1 : versions.getLast().version() + 1);
            if (versions.stream().anyMatch(e -> e.version() == version)) {
                throw RegistryException.notPermitted("Version " + version + " of subject " + subject
                        + " already exists");
            }
            log.write(List.of(new RegistryRecord.Version(subject, version, id, content, false)));
            return id;
        } finally {
            writes.unlock();
        }
    }

    private int importedId(int id, SchemaContent content) {
        Optional<SchemaContent> existing = state.read(v -> v.schema(id));
        if (existing.isPresent() && !existing.get().equals(content)) {
            throw RegistryException.notPermitted("Overwrite new schema with id " + id + " is not permitted.");
        }
        return id;
    }

    /**
     * Why {@code request} may not follow {@code version} of the subject ({@code latest} by default, or every live
     * version when absent and the level is transitive); empty when it may.
     */
    public List<String> checkCompatibility(String subject, Optional<String> version, RegisterRequest request,
                                           boolean normalize) {
        log.awaitLoaded();
        ParsedSchema schema = parse(request, normalize);
        CompatibilityLevel level = level(subject);
        if (version.isEmpty()) {
            return compatibilityErrors(schema, live(state.read(v -> v.versions(subject))), level);
        }
        Entry previous = resolve(subject, version.get(), false);
        return compatibilityErrors(schema, List.of(previous), level);
    }

    private static List<Entry> live(List<Entry> versions) {
        return versions.stream().filter(e -> !e.deleted()).toList();
    }

    /** Checks against the latest of {@code previous} (oldest first), or all of them for a transitive level. */
    private List<String> compatibilityErrors(ParsedSchema candidate, List<Entry> previous, CompatibilityLevel level) {
        if (level == CompatibilityLevel.NONE || previous.isEmpty()) {
            return List.of();
        }
        List<Entry> checked = level.transitive() ? previous.reversed() : List.of(previous.getLast());
        List<String> errors = new ArrayList<>();
        for (Entry entry : checked) {
            ParsedSchema old = parsedStored(entry.content());
            if (level.backward()) {
                errors.addAll(candidate.readErrors(old));
            }
            if (level.forward()) {
                errors.addAll(old.readErrors(candidate));
            }
            if (!errors.isEmpty()) {
                errors.add("{compatibility: '" + level + "'} against version " + entry.version());
                break;
            }
        }
        return errors;
    }

    // ---- deletes

    /** Soft-deletes a live version, or hard-deletes a soft-deleted one with {@code permanent}; returns its number. */
    public int deleteVersion(String subject, String version, boolean permanent) {
        writes.lock();
        try {
            log.catchUp();
            refuseReadOnly(subject);
            Entry entry;
            if (permanent) {
                entry = resolve(subject, version, true);
                if (!entry.deleted()) {
                    throw RegistryException.versionNotSoftDeleted(subject, entry.version());
                }
            } else {
                int number = versionNumber(version);
                Optional<Entry> soft = number == -1 ? Optional.empty()
                        : state.read(v -> v.version(subject, number)).filter(Entry::deleted);
                if (soft.isPresent()) {
                    throw RegistryException.versionSoftDeleted(subject, number);
                }
                entry = resolve(subject, version, false);
            }
            refuseReferenced(List.of(entry));
            log.write(deletion(List.of(entry), permanent));
            return entry.version();
        } finally {
            writes.unlock();
        }
    }

    /** Soft-deletes every live version, or hard-deletes a soft-deleted subject with {@code permanent}. */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        writes.lock();
        try {
            log.catchUp();
            refuseReadOnly(subject);
            List<Entry> versions = state.read(v -> v.versions(subject));
            if (versions.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            List<Entry> deleted;
            if (permanent) {
                if (versions.stream().anyMatch(e -> !e.deleted())) {
                    throw RegistryException.subjectNotSoftDeleted(subject);
                }
                deleted = versions;
            } else {
                deleted = live(versions);
                if (deleted.isEmpty()) {
                    throw RegistryException.subjectSoftDeleted(subject);
                }
            }
            refuseReferenced(deleted);
            List<RegistryRecord> records = new ArrayList<>(deletion(deleted, permanent));
            if (permanent) {
                Optional<String> s = Optional.of(subject);
                if (state.read(v -> v.config(s)).isPresent()) {
                    records.add(new RegistryRecord.Config(s, Optional.empty()));
                }
                if (state.read(v -> v.mode(s)).isPresent()) {
                    records.add(new RegistryRecord.Mode(s, Optional.empty()));
                }
            }
            log.write(records);
            return deleted.stream().map(Entry::version).toList();
        } finally {
            writes.unlock();
        }
    }

    /** The records of a delete; a hard delete first records the highest id issued, which no tombstone may erase. */
    private List<RegistryRecord> deletion(List<Entry> entries, boolean permanent) {
        List<RegistryRecord> records = new ArrayList<>();
        if (permanent) {
            records.add(new RegistryRecord.IdWatermark(state.read(RegistryState.View::maxId)));
        }
        for (Entry e : entries) {
            records.add(permanent ? new RegistryRecord.VersionTombstone(e.subject(), e.version())
                    : new RegistryRecord.Version(e.subject(), e.version(), e.id(), e.content(), true));
        }
        return records;
    }

    private void refuseReferenced(List<Entry> entries) {
        for (Entry e : entries) {
            List<Entry> referrers = state.read(v -> v.referrers(e.subject(), e.version())).stream()
                    .filter(r -> !entries.contains(r)).toList();
            if (!referrers.isEmpty()) {
                throw RegistryException.referenceExists("subject " + e.subject() + " version " + e.version()
                        + " (referenced by id " + referrers.getFirst().id() + ")");
            }
        }
    }

    private void refuseReadOnly(String subject) {
        if (effectiveMode(subject) == RegistryMode.READONLY) {
            throw RegistryException.notPermitted("Subject " + subject + " is in read-only mode");
        }
    }

    // ---- config and mode

    /** The compatibility level of a subject, or the global one; a subject without its own is refused unless asked. */
    public CompatibilityLevel config(Optional<String> subject, boolean defaultToGlobal) {
        log.awaitLoaded();
        Optional<CompatibilityLevel> own = state.read(v -> v.config(subject));
        if (own.isPresent()) {
            return own.get();
        }
        if (subject.isPresent() && !defaultToGlobal) {
            throw RegistryException.subjectConfigNotFound(subject.get());
        }
        return state.read(v -> v.config(Optional.empty())).orElse(CompatibilityLevel.DEFAULT);
    }

    /** The level registrations to {@code subject} are checked at. */
    public CompatibilityLevel level(String subject) {
        return config(Optional.of(subject), true);
    }

    public CompatibilityLevel setConfig(Optional<String> subject, CompatibilityLevel level) {
        writes.lock();
        try {
            log.catchUp();
            log.write(List.of(new RegistryRecord.Config(subject, Optional.of(level))));
            return level;
        } finally {
            writes.unlock();
        }
    }

    /** Removes a subject's level (or resets the global one); returns the level it had. */
    public CompatibilityLevel deleteConfig(Optional<String> subject) {
        writes.lock();
        try {
            log.catchUp();
            if (subject.isPresent() && state.read(v -> v.versions(subject.get())).isEmpty()) {
                throw RegistryException.subjectNotFound(subject.get());
            }
            CompatibilityLevel previous = config(subject, true);
            log.write(List.of(new RegistryRecord.Config(subject, Optional.empty())));
            return previous;
        } finally {
            writes.unlock();
        }
    }

    public RegistryMode mode(Optional<String> subject, boolean defaultToGlobal) {
        log.awaitLoaded();
        Optional<RegistryMode> own = state.read(v -> v.mode(subject));
        if (own.isPresent()) {
            return own.get();
        }
        if (subject.isPresent() && !defaultToGlobal) {
            throw RegistryException.subjectModeNotFound(subject.get());
        }
        return state.read(v -> v.mode(Optional.empty())).orElse(RegistryMode.READWRITE);
    }

    private RegistryMode effectiveMode(String subject) {
        return mode(Optional.of(subject), true);
    }

    /** Sets a mode; IMPORT only on an empty registry (or subject) unless {@code force}. */
    public RegistryMode setMode(Optional<String> subject, RegistryMode mode, boolean force) {
        writes.lock();
        try {
            log.catchUp();
            if (mode == RegistryMode.IMPORT && !force) {
                boolean empty = subject.isEmpty() ? state.read(RegistryState.View::empty)
                        : state.read(v -> v.versions(subject.get())).isEmpty();
                if (!empty) {
                    throw RegistryException.notPermitted("Cannot import since found existing subjects");
                }
            }
            log.write(List.of(new RegistryRecord.Mode(subject, Optional.of(mode))));
            return mode;
        } finally {
            writes.unlock();
        }
    }

    public RegistryMode deleteMode(Optional<String> subject) {
        writes.lock();
        try {
            log.catchUp();
            RegistryMode previous = mode(subject, true);
            log.write(List.of(new RegistryRecord.Mode(subject, Optional.empty())));
            return previous;
        } finally {
            writes.unlock();
        }
    }

    // ---- parsing

    private ParsedSchema parse(RegisterRequest request, boolean normalize) {
        List<SchemaReference> references = new ArrayList<>();
        for (SchemaReference r : request.references()) {
            int version = r.version() == -1 ? resolveReference(r).version() : r.version();
            references.add(new SchemaReference(r.name(), r.subject(), version));
        }
        return ParsedSchema.parse(request.type(), request.schema(), references, dependencies(references),
                normalize);
    }

    /** A stored schema parsed, once. */
    private ParsedSchema parsedStored(SchemaContent content) {
        ParsedSchema known = parsed.get(content);
        if (known != null) {
            return known;
        }
        ParsedSchema schema = ParsedSchema.parse(content.type(), content.schema(), content.references(),
                dependencies(content.references()), false);
        parsed.put(content, schema);
        return schema;
    }

    /** The referenced schemas, transitively, each after its own dependencies, each once. */
    private List<ParsedSchema> dependencies(List<SchemaReference> references) {
        Map<String, ParsedSchema> ordered = new LinkedHashMap<>();
        collect(references, ordered, 0);
        return List.copyOf(ordered.values());
    }

    private void collect(List<SchemaReference> references, Map<String, ParsedSchema> ordered, int depth) {
        if (depth > 32) {
            throw RegistryException.invalidSchema("with references nested deeper than 32 levels");
        }
        for (SchemaReference r : references) {
            String key = r.subject() + "\u0000" + r.version();
            if (ordered.containsKey(key)) {
                continue;
            }
            Entry entry = resolveReference(r);
            collect(entry.content().references(), ordered, depth + 1);
            ordered.put(key, parsedStored(entry.content()));
        }
    }

    private Entry resolveReference(SchemaReference r) {
        try {
            return resolve(r.subject(), Integer.toString(r.version()), true);
        } catch (RegistryException e) {
            throw RegistryException.invalidSchema("reference " + r.name() + " (subject " + r.subject() + " version "
                    + r.version() + ") not found");
        }
    }
}
