package io.strata.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a small file so that a crash leaves either its old or its new content, never a torn or empty one: the
 * content goes to {@code <name>.tmp}, which is fsynced, then renamed over the target with
 * {@link Utils#atomicMoveWithFallback(Path, Path)}, which also fsyncs the parent directory so the rename survives.
 *
 * <p>{@link #writeUnsynced} does the same without either fsync, for files written on a hot path under a lock (a
 * producer snapshot at roll, the leader epoch checkpoint): the caller must call {@link #sync} before it relies on
 * the file surviving a crash, and readers must tolerate a torn file (each such file carries a check of its own).
 *
 * <p>Thread-safety: stateless; concurrent writers of the same target must be serialized by the caller.
 */
public final class AtomicFile {
    private static final String TMP_SUFFIX = ".tmp";
    private static final Logger log = LoggerFactory.getLogger(AtomicFile.class);

    /** Writes the content of a file to a stream; the stream is closed by {@link AtomicFile}. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /** Durably replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Durably replaces {@code target} with what {@code content} writes. */
    public static void write(Path target, Content content) throws IOException {
        Path tmp = tmpFile(target);
        try {
            writeTmp(tmp, content, true);
            Utils.atomicMoveWithFallback(tmp, target);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** Replaces {@code target} atomically but not durably; see {@link #sync}. */
    static void writeUnsynced(Path target, byte[] bytes) throws IOException {
        Path tmp = tmpFile(target);
        try {
            writeTmp(tmp, out -> out.write(bytes), false);
            Utils.atomicMoveWithFallback(tmp, target, false);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** Makes a file written by {@link #writeUnsynced} durable: fsyncs it, then its directory (for the rename). */
    static void sync(Path target) throws IOException {
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.READ)) {
            channel.force(true);
        }
        Utils.flushDir(target.toAbsolutePath().normalize().getParent());
    }

    static Path tmpFile(Path target) {
        return target.resolveSibling(target.getFileName() + TMP_SUFFIX);
    }

    private static void writeTmp(Path tmp, Content content, boolean fsync) throws IOException {
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel));
            content.writeTo(out);
            out.flush();
            if (fsync) {
                channel.force(true);
            }
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            log.debug("Cannot delete {}: {}", tmp, e.toString());
        }
    }
}
