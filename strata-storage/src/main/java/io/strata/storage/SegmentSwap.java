package io.strata.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk protocol that replaces a group of segments with their cleaned version so that a crash at any point
 * recovers to either the old or the new segments (as Kafka does, with one addition):
 * <ol>
 *   <li>the cleaned segment is written as {@code <base>.log.cleaned} (and indexes), fsynced, and the end of the
 *       replaced offset range is written to {@code <base>.swapend}, fsynced;</li>
 *   <li>its indexes, then its log are renamed to {@code .swap}: the log's rename is the commit point;</li>
 *   <li>the old segments are renamed to {@code .deleted} (deleted later, so that readers keep working);</li>
 *   <li>the swap's log, then its indexes lose the {@code .swap} suffix, and the range marker is deleted.</li>
 * </ol>
 * On recovery ({@link LogLoader}) {@code .cleaned} files are deleted (old segments win) and a {@code .log.swap}
 * replaces every plain segment whose base offset is in {@code [base, end)} (new segments win). The range marker is
 * our addition: without it the range would end at the swap's last batch, and an old segment whose batches were all
 * removed would come back after a crash, resurrecting records whose tombstones were already gone.
 *
 * <p>Thread-safety: stateless static helpers.
 */
final class SegmentSwap {
    static final String SUFFIX = ".swapend";
    private static final Logger log = LoggerFactory.getLogger(SegmentSwap.class);

    private SegmentSwap() {
    }

    static Path endFile(Path dir, long base) {
        return dir.resolve(SegmentFiles.filenamePrefix(base) + SUFFIX);
    }

    /** Durably records that the segment at {@code base} replaces the offsets up to {@code end} (exclusive). */
    static void writeEnd(Path dir, long base, long end) throws IOException {
        AtomicFile.write(endFile(dir, base), (end + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The recorded end, or empty when the marker is missing or unreadable. */
    static OptionalLong readEnd(Path dir, long base) {
        Path file = endFile(dir, base);
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()));
        } catch (java.nio.file.NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            log.warn("Ignoring unreadable swap range marker {}: {}", file, e.toString());
            return OptionalLong.empty();
        }
    }

    static void deleteEnd(Path dir, long base) throws IOException {
        Files.deleteIfExists(endFile(dir, base));
    }

    /** Makes renames in {@code dir} durable; a no-op where directories cannot be opened. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("Cannot fsync directory {}: {}", dir, e.toString());
        }
    }
}
