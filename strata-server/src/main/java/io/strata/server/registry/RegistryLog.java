package io.strata.server.registry;

import java.util.List;
import java.util.Optional;

/**
 * Where the registry's records are kept and applied to its {@link RegistryState}: the {@code _schemas} topic on a
 * node ({@link KafkaRegistryLog}). Thread-safe.
 */
interface RegistryLog {

    /**
     * Returns once the state has applied every record written anywhere before this call, so that a write decided
     * next sees the latest ids and versions.
     *
     * @throws RegistryException 50001 when the topic cannot be read, 50002 on timeout
     */
    void catchUp();

    /**
     * Returns once the state has applied what the log held when this node started serving, so that a restarted node
     * answers from its full history; a no-op afterwards.
     *
     * @throws RegistryException 50002 on timeout
     */
    void awaitLoaded();

    /**
     * Appends {@code records} in order and returns once the state has applied them.
     *
     * @throws RegistryException 50001 when the append fails, 50002 on timeout
     */
    void write(List<RegistryRecord> records);

    /**
     * Where writes are decided: empty when on this node, else the URL of the node that decides them (the registry
     * has one writer, so that two nodes never hand out the same id).
     *
     * @throws RegistryException 50002 when no writer is known within the timeout
     */
    Optional<String> forwardTo();
}
