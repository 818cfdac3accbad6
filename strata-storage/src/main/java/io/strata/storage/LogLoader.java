package io.strata.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory as a {@link FileLog}, recovering it after an unclean shutdown.
 *
 * <p>After a clean shutdown every segment is trusted: indexes are loaded if they look sane (else rebuilt from batch
 * headers) and producer state comes from the snapshot written on close. Otherwise the segments from the one
 * containing the recovery point to the end are re-validated in one sequential pass (sizes, magic, CRC32C, offset
 * order) that also rebuilds their indexes, replays producer state and fills the leader epoch cache; the file is
 * truncated at the first bad byte and later segments are dropped. Everything below the recovery point was fsynced
 * before the recovery point moved past it, so it is not read at all.
 *
 * <p>Thread-safety: one loader call per directory; different directories load in parallel.
 */
final class LogLoader {
    private static final Logger log = LoggerFactory.getLogger(LogLoader.class);

    /** Checkpointed state of a log, each value absent when not checkpointed. */
    record Checkpoints(boolean cleanShutdown, OptionalLong recoveryPoint, OptionalLong logStartOffset,
                       OptionalLong highWatermark) {
        static final Checkpoints NEW = new Checkpoints(true, OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty());
    }

    private LogLoader() {
    }

    /** Parses {@code <topic>-<partition>}, or empty for other directory names. */
    static Optional<TopicPartition> parseDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return Optional.empty();
        }
        try {
            int partition = Integer.parseInt(name.substring(dash + 1));
            return partition < 0 ? Optional.empty() : Optional.of(new TopicPartition(name.substring(0, dash), partition));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static String dirName(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    /** Loads a log used without a manager: I/O errors take only this log offline. */
    static FileLog load(Path dir, TopicPartition tp, Uuid topicId, LogConfig config, Checkpoints checkpoints,
                        Time time, BackgroundTasks background, long fileDeleteDelayMs) {
        return load(dir, tp, topicId, config, checkpoints, new Env(time, background, fileDeleteDelayMs,
                LogManagerConfig.DEFAULT_PRODUCER_ID_EXPIRATION_MS, LogDirFailureChannel.standalone(),
                DiskFaults.NONE, new LogDirSpace(0, LogDirSpace.fileStores(), time::nanoseconds)));
    }

    /**
     * What a log shares with the rest of its manager.
     *
     * @param producerIdExpirationMs producers older than this are not loaded ({@code producer.id.expiration.ms})
     * @param failures               where the log reports I/O errors
     * @param faults                 the test seam its disk writes pass through
     * @param space                  refuses appends while a log directory is full
     */
    record Env(Time time, BackgroundTasks background, long fileDeleteDelayMs, long producerIdExpirationMs,
               LogDirFailureChannel failures, DiskFaults faults, LogDirSpace space) {
    }

    static FileLog load(Path dir, TopicPartition tp, Uuid topicId, LogConfig config, Checkpoints checkpoints,
                        Env env) {
        long startNs = System.nanoTime();
        Time time = env.time();
        try {
            if (createdNow(dir)) {
                return createNew(dir, tp, topicId, config, checkpoints, env);
            }
            Uuid id = PartitionMetadataFile.read(dir).orElse(topicId == null ? Uuid.ZERO_UUID : topicId);
            if (topicId != null && !topicId.equals(Uuid.ZERO_UUID) && PartitionMetadataFile.read(dir).isEmpty()) {
                PartitionMetadataFile.write(dir, topicId);
            }
            List<Long> bases = cleanDirectory(dir);
            ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
            for (long base : bases) {
                segments.put(base, LogSegment.open(dir, base, 0));
            }
            if (segments.isEmpty()) {
                long base = checkpoints.logStartOffset().orElse(0);
                segments.put(base, LogSegment.create(dir, base, 0));
            }
            ProducerStateManager producerState = new ProducerStateManager(dir);
            LeaderEpochCache epochCache = new LeaderEpochCache(dir);
            boolean epochsLoaded = epochCache.load();
            boolean clean = checkpoints.cleanShutdown() && epochsLoaded;
            long firstBase = segments.firstKey();
            long recoverFromBase = Long.MAX_VALUE;
            if (!epochsLoaded) {
                // The epochs of every batch must come back: recover the whole log, which rebuilds them as it goes.
                recoverFromBase = firstBase;
            } else if (!clean) {
                Long floor = segments.floorKey(checkpoints.recoveryPoint().orElse(firstBase));
                recoverFromBase = floor == null ? firstBase : floor;
                // Epochs assigned above the recovery point may not have reached the checkpoint (it is fsynced with
                // the segments): rebuild them from the batches recovery scans.
                epochCache.truncateFromEnd(recoverFromBase);
            }
            Optional<Long> snapshot = producerState.loadLatestSnapshotAtOrBelow(recoverFromBase);
            long replayFrom = snapshot.orElse(Long.MIN_VALUE);
            if (snapshot.isEmpty()) {
                producerState.reset(firstBase);
            }
            LogSegment.BatchVisitor replay = h -> {
                if (h.lastOffset() >= replayFrom) {
                    producerState.replay(h);
                }
            };

            List<Long> ordered = new ArrayList<>(segments.keySet());
            boolean truncated = false;
            for (int i = 0; i < ordered.size(); i++) {
                LogSegment seg = segments.get(ordered.get(i));
                long nextBase = i + 1 < ordered.size() ? ordered.get(i + 1) : Long.MAX_VALUE;
                if (seg.baseOffset >= recoverFromBase) {
                    seg.makeActive(config.segmentIndexBytes());
                    LogSegment.ScanResult r = seg.recover(config.indexIntervalBytes(), h -> {
                        reindexAborts(producerState, seg, h, replayFrom);
                        epochCache.assign(h.partitionLeaderEpoch(), h.baseOffset());
                    });
                    seg.flush();
                    if (r.problem() != null) {
                        log.warn("Recovery of {}: truncated segment {} at position {} ({}); dropping {} later segments",
                                tp, seg.baseOffset, r.validBytes(), r.problem(), ordered.size() - i - 1);
                        for (long later : ordered.subList(i + 1, ordered.size())) {
                            segments.remove(later).deleteFiles();
                        }
                        truncated = true;
                        break;
                    }
                } else if (seg.indexesNeedRebuild()) {
                    log.info("Rebuilding the indexes of segment {} of {}", seg.baseOffset, tp);
                    seg.makeActive(config.segmentIndexBytes());
                    // The aborts can be re-indexed when the replay covers the whole segment; a segment older than
                    // the producer snapshot keeps the entries its index file still had.
                    boolean reindex = seg.baseOffset >= replayFrom;
                    if (reindex) {
                        seg.txnIndex().reset();
                    }
                    seg.scan(0, false, true, config.indexIntervalBytes(), reindex
                            ? h -> reindexAborts(producerState, seg, h, replayFrom)
                            : nextBase > replayFrom ? replay : LogSegment.BatchVisitor.NONE);
                } else if (nextBase > replayFrom) {
                    int from = seg.baseOffset <= replayFrom ? seg.offsetIndex().lookup(replayFrom) : 0;
                    seg.scan(from, false, false, 0, replay);
                }
            }
            LogSegment active = segments.lastEntry().getValue();
            for (LogSegment seg : segments.headMap(active.baseOffset).values()) {
                seg.onBecomeInactive();
            }
            active.makeActive(config.segmentIndexBytes());
            active.initRollingBaseTime(time.milliseconds());
            long nextOffset = active.readNextOffset();
            producerState.loadedUpTo(nextOffset);
            producerState.removeExpiredProducers(time.milliseconds(), env.producerIdExpirationMs());
            producerState.snapshots().deleteAbove(nextOffset);
            if (!clean) {
                producerState.takeSnapshot();
            }
            long logStart = Math.min(Math.max(checkpoints.logStartOffset().orElse(firstBase), segments.firstKey()),
                    nextOffset);
            epochCache.truncateFromEnd(nextOffset);
            epochCache.truncateFromStart(logStart);
            FileLog loaded = new FileLog(tp, id, dir, config, env, new LogSegments(segments.values()), producerState,
                    epochCache, logStart, nextOffset, checkpoints.highWatermark().orElse(0));
            long ms = (System.nanoTime() - startNs) / 1_000_000;
            if (clean) {
                log.debug("Loaded {} in {} ms: {} segments, offsets [{}, {})", tp, ms, segments.size(), logStart,
                        nextOffset);
            } else {
                log.info("Recovered {} in {} ms: {} segments, offsets [{}, {}){}", tp, ms, segments.size(), logStart,
                        nextOffset, truncated ? ", torn tail truncated" : "");
            }
            return loaded;
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot load log " + tp + " from " + dir, e);
        }
    }

    /** Replays {@code h} into the producer state and indexes the transaction it aborts in {@code seg}. */
    private static void reindexAborts(ProducerStateManager producerState, LogSegment seg, BatchHeader h,
                                      long replayFrom) throws IOException {
        if (h.lastOffset() >= replayFrom) {
            Optional<AbortedTxn> aborted = producerState.replay(h);
            if (aborted.isPresent()) {
                seg.txnIndex().append(aborted.get());
            }
        }
    }

    /** Creates {@code dir} (and missing parents); true when this call created it, i.e. it holds nothing yet. */
    private static boolean createdNow(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (NoSuchFileException e) {
            Files.createDirectories(dir.getParent());
            return createdNow(dir);
        }
    }

    /**
     * A new log in a directory this call just created: what {@link #load} would find in an empty directory, without
     * looking. Creating thousands of partitions pays for every syscall here (listing the directory for segments and
     * producer snapshots, deleting stale files), and an empty directory has none of them.
     */
    private static FileLog createNew(Path dir, TopicPartition tp, Uuid topicId, LogConfig config,
                                     Checkpoints checkpoints, Env env) throws IOException {
        Uuid id = topicId == null ? Uuid.ZERO_UUID : topicId;
        if (!id.equals(Uuid.ZERO_UUID)) {
            PartitionMetadataFile.write(dir, id);
        }
        long base = checkpoints.logStartOffset().orElse(0);
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        segments.put(base, LogSegment.createInEmptyDirectory(dir, base, config.segmentIndexBytes()));
        ProducerStateManager producerState = new ProducerStateManager(dir);
        producerState.reset(base);
        FileLog created = new FileLog(tp, id, dir, config, env, new LogSegments(segments.values()), producerState,
                new LeaderEpochCache(dir), base, base, checkpoints.highWatermark().orElse(0));
        log.debug("Created {} in {}", tp, dir);
        return created;
    }

    /**
     * Deletes leftovers (files renamed for deletion, temporary files, indexes without a log) and returns the base
     * offsets of the segments, ascending.
     */
    private static List<Long> cleanDirectory(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.toList();
        }
        if (completeInterruptedSwaps(dir, files)) {
            try (Stream<Path> list = Files.list(dir)) {
                files = list.toList();
            }
        }
        List<Long> bases = new ArrayList<>();
        List<Path> indexes = new ArrayList<>();
        for (Path p : files) {
            String name = p.getFileName().toString();
            if (name.endsWith(SegmentFiles.DELETED_SUFFIX) || name.endsWith(".tmp")) {
                Files.deleteIfExists(p);
            } else if (name.endsWith(SegmentFiles.LOG_SUFFIX)
                    && name.length() == 20 + SegmentFiles.LOG_SUFFIX.length()) {
                bases.add(Long.parseLong(name.substring(0, 20)));
            } else if (name.endsWith(SegmentFiles.INDEX_SUFFIX) || name.endsWith(SegmentFiles.TIME_INDEX_SUFFIX)
                    || name.endsWith(SegmentFiles.TXN_INDEX_SUFFIX)) {
                indexes.add(p);
            }
        }
        for (Path p : indexes) {
            String name = p.getFileName().toString();
            if (!Files.exists(dir.resolve(name.substring(0, name.indexOf('.')) + SegmentFiles.LOG_SUFFIX))) {
                Files.deleteIfExists(p);
            }
        }
        bases.sort(null);
        return bases;
    }

    /**
     * Finishes what a crash interrupted in the cleaner (see {@link SegmentSwap}): {@code .cleaned} files are an
     * unfinished cleaning and go; a {@code .log.swap} file is a complete cleaned segment, which replaces every
     * segment of its offset range. Its indexes are dropped and rebuilt, since they may be the old segment's.
     *
     * @return whether any file was changed
     */
    private static boolean completeInterruptedSwaps(Path dir, List<Path> files) throws IOException {
        boolean changed = false;
        List<Path> swapLogs = new ArrayList<>();
        for (Path p : files) {
            String name = p.getFileName().toString();
            if (name.endsWith(SegmentFiles.CLEANED_SUFFIX)) {
                Files.deleteIfExists(p);
                changed = true;
            } else if (name.equals(SegmentFiles.filenamePrefix(prefixOffset(name)) + SegmentFiles.LOG_SUFFIX
                    + SegmentFiles.SWAP_SUFFIX)) {
                swapLogs.add(p);
            }
        }
        swapLogs.sort(null);
        for (Path swap : swapLogs) {
            long base = prefixOffset(swap.getFileName().toString());
            long end = SegmentSwap.readEnd(dir, base).orElse(nextOffset(swap, base));
            log.info("Completing the interrupted swap of cleaned segment {} over offsets [{}, {}) in {}", base, base,
                    end, dir);
            for (Path p : files) {
                String name = p.getFileName().toString();
                long offset = prefixOffset(name);
                if (offset >= base && offset < end && name.length() == 20 + SegmentFiles.LOG_SUFFIX.length()
                        && name.endsWith(SegmentFiles.LOG_SUFFIX)) {
                    deleteSegmentFiles(dir, offset);
                }
            }
            deleteSegmentFiles(dir, base);
            Files.move(swap, SegmentFiles.logFile(dir, base), StandardCopyOption.ATOMIC_MOVE);
            // The other indexes are rebuilt from the log; the aborts the cleaner carried over are kept.
            Path txnSwap = SegmentFiles.file(dir, base, SegmentFiles.Kind.TXN_INDEX, SegmentFiles.SWAP_SUFFIX);
            if (Files.exists(txnSwap)) {
                Files.move(txnSwap, SegmentFiles.file(dir, base, SegmentFiles.Kind.TXN_INDEX, ""),
                        StandardCopyOption.ATOMIC_MOVE);
            }
            SegmentSwap.deleteEnd(dir, base);
            changed = true;
        }
        for (Path p : files) {
            String name = p.getFileName().toString();
            if (isCommittedTxnIndexSwap(dir, files, name)) {
                // The swap committed (the cleaned log took its final name) before its .txnindex followed.
                Files.move(p, dir.resolve(name.substring(0, name.length() - SegmentFiles.SWAP_SUFFIX.length())),
                        StandardCopyOption.ATOMIC_MOVE);
                changed = true;
            } else if ((name.endsWith(SegmentFiles.SWAP_SUFFIX) && !swapLogs.contains(p))
                    || name.endsWith(SegmentSwap.SUFFIX)) {
                changed |= Files.deleteIfExists(p);
            }
        }
        if (changed) {
            SegmentSwap.fsyncDirectory(dir);
        }
        return changed;
    }

    /**
     * Whether {@code name} is the {@code .txnindex.swap} of a cleaned segment whose log already has its final name:
     * the last rename of a swap renames the log first, then the indexes. Its base then has a plain {@code .log}
     * (the cleaned one: the old segments were renamed {@code .deleted} before) and no {@code .log.cleaned} (which
     * would mean the first rename, to {@code .swap}, was interrupted and the plain log is the old segment's).
     */
    private static boolean isCommittedTxnIndexSwap(Path dir, List<Path> files, String name) {
        long base = prefixOffset(name);
        if (base < 0 || !name.equals(SegmentFiles.filenamePrefix(base) + SegmentFiles.TXN_INDEX_SUFFIX
                + SegmentFiles.SWAP_SUFFIX)) {
            return false;
        }
        Path cleanedLog = SegmentFiles.file(dir, base, SegmentFiles.Kind.LOG, SegmentFiles.CLEANED_SUFFIX);
        Path swapLog = SegmentFiles.file(dir, base, SegmentFiles.Kind.LOG, SegmentFiles.SWAP_SUFFIX);
        return Files.exists(SegmentFiles.logFile(dir, base)) && !files.contains(cleanedLog) && !files.contains(swapLog)
                && !Files.exists(SegmentFiles.file(dir, base, SegmentFiles.Kind.TXN_INDEX, ""));
    }

    /** Deletes a segment's log and indexes under their plain names and its swap indexes. */
    private static void deleteSegmentFiles(Path dir, long base) throws IOException {
        SegmentFiles.deleteIfExist(dir, base, "");
        Files.deleteIfExists(SegmentFiles.file(dir, base, SegmentFiles.Kind.INDEX, SegmentFiles.SWAP_SUFFIX));
        Files.deleteIfExists(SegmentFiles.file(dir, base, SegmentFiles.Kind.TIME_INDEX, SegmentFiles.SWAP_SUFFIX));
    }

    /** The 20-digit offset a file name starts with, or -1. */
    private static long prefixOffset(String name) {
        if (name.length() < 20) {
            return -1;
        }
        for (int i = 0; i < 20; i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(name.substring(0, 20));
    }

    /** The offset after the last batch of a segment file (a swap whose range marker was lost). */
    private static long nextOffset(Path logFile, long base) throws IOException {
        try (FileChannel channel = FileChannel.open(logFile, StandardOpenOption.READ)) {
            SegmentScanner scanner = new SegmentScanner(channel, 0, (int) channel.size(), false);
            long next = base;
            while (scanner.next() == SegmentScanner.Status.BATCH) {
                next = scanner.header().lastOffset() + 1;
            }
            return next;
        }
    }
}
