package io.strata.server.registry;

import io.strata.server.schemaid.SchemaIdLookup;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Schema id validation's view of this node's registry: its in-memory state, read without I/O. Record names are
 * computed once per schema. Thread-safe.
 */
final class RegistrySchemaIds implements SchemaIdLookup {

    private final SchemaRegistry registry;
    private final RegistryState state;
    private final BooleanSupplier isLoaded;
    private final Optional<String> loading;
    private final Map<SchemaContent, Optional<String>> names = new ConcurrentHashMap<>();
    /** Set once the log has loaded; it never unloads. */
    private volatile boolean loaded;

    /** @param isLoaded whether the state holds what the registry's topic held at start; never waits */
    RegistrySchemaIds(SchemaRegistry registry, RegistryState state, BooleanSupplier isLoaded, String topic) {
        this.registry = registry;
        this.state = state;
        this.isLoaded = isLoaded;
        this.loading = Optional.of("the schema registry is still reading " + topic);
    }

    @Override
    public Optional<String> unavailable() {
        if (!loaded) {
            loaded = isLoaded.getAsBoolean();
        }
        return loaded ? Optional.empty() : loading;
    }

    @Override
    public boolean exists(int id) {
        return state.read(v -> v.schema(id).isPresent());
    }

    @Override
    public boolean registeredUnder(int id, String subject) {
        return state.read(v -> v.registeredUnder(id, subject));
    }

    @Override
    public Optional<String> recordName(int id) {
        Optional<SchemaContent> content = state.read(v -> v.schema(id));
        if (content.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> name = names.get(content.get());
        if (name != null) {
            return name;
        }
        try {
            name = RecordNames.of(registry.parsedById(id));
        } catch (RegistryException e) {
            // Deleted meanwhile, or references that no longer resolve: no name, so the id is refused.
            return Optional.empty();
        }
        names.put(content.get(), name);
        return name;
    }
}
