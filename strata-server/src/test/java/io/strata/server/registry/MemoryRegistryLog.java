package io.strata.server.registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A registry log in memory for the registry's own tests: every written record is kept (with its encoding, checked
 * to round-trip) and applied at once; {@link #replay} rebuilds a state from them as a restarted node would.
 */
final class MemoryRegistryLog implements RegistryLog {

    private final RegistryState state;
    private final List<byte[][]> records = new ArrayList<>();

    MemoryRegistryLog(RegistryState state) {
        this.state = state;
    }

    @Override
    public void catchUp() {
    }

    @Override
    public void awaitLoaded() {
    }

    @Override
    public synchronized void write(List<RegistryRecord> written) {
        for (RegistryRecord record : written) {
            byte[][] kv = record.encode();
            records.add(kv);
            state.apply(RegistryRecord.decode(kv[0], kv[1]).orElseThrow());
        }
    }

    @Override
    public Optional<String> forwardTo() {
        return Optional.empty();
    }

    /** How many records were written. */
    synchronized int written() {
        return records.size();
    }

    /** A new state from every record written, in order (what a node restarted on this log reads). */
    synchronized RegistryState replay() {
        RegistryState replayed = new RegistryState();
        records.forEach(kv -> RegistryRecord.decode(kv[0], kv[1]).ifPresent(replayed::apply));
        return replayed;
    }

    /**
     * A new state from the records a fully compacted topic keeps: the last record of each key, in offset order,
     * tombstones gone too (past {@code delete.retention.ms}).
     */
    synchronized RegistryState replayCompacted() {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            last.put(new String(records.get(i)[0], StandardCharsets.UTF_8), i);
        }
        RegistryState replayed = new RegistryState();
        for (int i = 0; i < records.size(); i++) {
            byte[][] kv = records.get(i);
            if (last.get(new String(kv[0], StandardCharsets.UTF_8)) == i && kv[1] != null) {
                RegistryRecord.decode(kv[0], kv[1]).ifPresent(replayed::apply);
            }
        }
        return replayed;
    }

    /** A registry over a fresh in-memory log. */
    static SchemaRegistry registry() {
        RegistryState state = new RegistryState();
        return new SchemaRegistry(state, new MemoryRegistryLog(state));
    }
}
