package io.strata.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The seam through which the logs' disk writes pass before they reach the file system, so that tests can make them
 * fail as a failing disk would; production uses {@link #NONE}. Implementations must be thread-safe.
 */
@FunctionalInterface
interface DiskFaults {
    DiskFaults NONE = (op, file) -> { };

    /** The kinds of disk writes a log makes. */
    enum Op { APPEND, FLUSH, CHECKPOINT }

    /**
     * Called before {@code op} on {@code file}.
     *
     * @throws IOException to make the operation fail
     */
    void check(Op op, Path file) throws IOException;
}
