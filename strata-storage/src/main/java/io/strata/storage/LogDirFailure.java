package io.strata.storage;

import java.nio.file.Path;
import java.util.Set;

/**
 * A log directory went offline after an I/O error, as told to {@link LogManager#onLogDirFailure} listeners.
 *
 * @param dir         the directory that failed; its logs refuse reads and writes from now on
 * @param offlineDirs every offline directory, including {@code dir}
 * @param noneLeft    whether no log directory is left online: the node cannot serve any partition
 */
public record LogDirFailure(Path dir, Set<Path> offlineDirs, boolean noneLeft) {
    public LogDirFailure {
        offlineDirs = Set.copyOf(offlineDirs);
    }
}
