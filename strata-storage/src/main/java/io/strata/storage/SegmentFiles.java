package io.strata.storage;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The names of a segment's files, Kafka's: {@code <20-digit base offset>.log}, {@code .index} and
 * {@code .timeindex}, optionally followed by a state suffix ({@code .cleaned}, {@code .swap}, {@code .deleted}),
 * and the renames between those states.
 *
 * <p>Thread-safety: stateless static helpers.
 */
final class SegmentFiles {
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String TXN_INDEX_SUFFIX = ".txnindex";
    static final String DELETED_SUFFIX = ".deleted";
    /** A segment being written by the cleaner; deleted on recovery (the cleaning never happened). */
    static final String CLEANED_SUFFIX = ".cleaned";
    /** A cleaned segment that replaces the segments of its range; completed on recovery. */
    static final String SWAP_SUFFIX = ".swap";

    /** The four kinds of file of a segment. */
    enum Kind {
        LOG(LOG_SUFFIX), INDEX(INDEX_SUFFIX), TIME_INDEX(TIME_INDEX_SUFFIX), TXN_INDEX(TXN_INDEX_SUFFIX);

        private final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }
    }

    private SegmentFiles() {
    }

    /** The base offset as 20 digits, zero-padded, which makes file names sort by offset. */
    static String filenamePrefix(long offset) {
        String digits = Long.toString(offset);
        return "0".repeat(Math.max(0, 20 - digits.length())) + digits;
    }

    static Path logFile(Path dir, long baseOffset) {
        return file(dir, baseOffset, Kind.LOG, "");
    }

    /** The file of {@code kind} of the segment at {@code baseOffset}, with the state suffix {@code state}. */
    static Path file(Path dir, long baseOffset, Kind kind, String state) {
        return dir.resolve(filenamePrefix(baseOffset) + kind.suffix + state);
    }

    /** Deletes the segment's files with state suffix {@code state}, where they exist. */
    static void deleteIfExist(Path dir, long baseOffset, String state) throws IOException {
        for (Kind kind : Kind.values()) {
            Files.deleteIfExists(file(dir, baseOffset, kind, state));
        }
    }

    /**
     * The name {@code file} takes when its state suffix {@code from} becomes {@code to}.
     *
     * @throws IOException when {@code file} does not carry the suffix {@code from}
     */
    static File withState(File file, String from, String to) throws IOException {
        String path = file.getPath();
        if (!path.endsWith(from)) {
            throw new IOException("Cannot rename " + path + ": it does not end with '" + from + "'");
        }
        return new File(path.substring(0, path.length() - from.length()) + to);
    }

    /** Whether {@code file} was already renamed for deletion. */
    static boolean isDeleted(File file) {
        return file.getName().endsWith(DELETED_SUFFIX);
    }

    static File deleted(File file) {
        return new File(file.getPath() + DELETED_SUFFIX);
    }
}
