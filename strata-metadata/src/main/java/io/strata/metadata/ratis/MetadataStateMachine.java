package io.strata.metadata.ratis;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.image.ImageBuilder;
import io.strata.metadata.image.ImageCodec;
import io.strata.metadata.image.MetadataConflictException;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.RecordSerde;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of the metadata log.
 *
 * <p>Each log entry is one batch of {@link MetadataRecord}s, applied atomically to the immutable
 * {@link MetadataImage}: the new image (version = the entry's log index) is published through a volatile field,
 * then the listeners are called with (previous, current), then waiters for that index are released. A batch that
 * conflicts with the image ({@link MetadataConflictException}) or cannot be decoded leaves the image unchanged and
 * is answered with {@link ApplyResult#rejected}; the decision depends only on the image and the batch, so every
 * replica decides alike.
 *
 * <p>Snapshots are the whole image serialized with {@link ImageCodec} into one file of the
 * {@link SimpleStateMachineStorage} (with an MD5 file). {@link #initialize} and {@link #reinitialize} load the
 * latest one; {@link #pause} / {@link #reinitialize} implement the transitions Ratis performs around installing a
 * snapshot sent by the leader.
 *
 * <p>Thread-safety: Ratis applies entries on one thread; {@link #image()}, {@link #addListener} and
 * {@link #awaitApplied} may be called from any thread. Image and applied index change together under a lock, so a
 * snapshot always pairs an image with the index it reflects.
 */
public final class MetadataStateMachine extends BaseStateMachine {

    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);

    /** The query that returns the locally applied log index (8 bytes, big-endian). */
    public static final Message APPLIED_INDEX_QUERY = Message.valueOf("applied-index");

    /**
     * The query that returns the quorum's replication progress ({@link QuorumProgress#encode}); answered only by the
     * Ratis leader, the only node that knows it: send it as a non-linearizable read, which Ratis routes to the leader.
     */
    public static final Message QUORUM_STATUS_QUERY = Message.valueOf("quorum-status");

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final ReentrantLock stateLock = new ReentrantLock();
    private final List<BiConsumer<MetadataImage, MetadataImage>> listeners = new CopyOnWriteArrayList<>();
    private final AppliedIndexWaiters waiters = new AppliedIndexWaiters();
    private volatile MetadataImage image;

    /** A state machine whose image has no cluster id until the log commits one. */
    public MetadataStateMachine() {
        this.image = ImageBuilder.emptyImage();
    }

    /** The latest applied image. Never null. */
    public MetadataImage image() {
        return image;
    }

    /** Adds a listener called on the applying thread after every image change. */
    public void addListener(BiConsumer<MetadataImage, MetadataImage> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Completes once the entry at {@code index} (or a snapshot past it) has been applied locally. */
    public CompletableFuture<Void> awaitApplied(long index) {
        return waiters.await(index);
    }

    /** Fails pending {@link #awaitApplied} futures; used when the node shuts down. */
    public void failWaiters(Throwable cause) {
        waiters.close(cause);
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        getLifeCycle().startAndTransition(() -> load(storage.loadLatestSnapshot()), IOException.class);
    }

    @Override
    public void pause() {
        if (getLifeCycle().compareAndTransition(LifeCycle.State.RUNNING, LifeCycle.State.PAUSING)) {
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
        log.info("Metadata state machine paused at {}", getLastAppliedTermIndex());
    }

    @Override
    public void reinitialize() throws IOException {
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().startAndTransition(() -> load(storage.loadLatestSnapshot()), IOException.class);
        } else {
            load(storage.loadLatestSnapshot());
        }
        log.info("Metadata state machine reinitialized at {}", getLastAppliedTermIndex());
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        MetadataImage previous;
        MetadataImage current = null;
        ApplyResult result;
        stateLock.lock();
        try {
            previous = image;
            try {
                List<MetadataRecord> records = RecordSerde.decodeBatch(
                        entry.getStateMachineLogEntry().getLogData().toByteArray());
                current = ImageBuilder.applyBatch(previous, records, index);
                image = current;
                result = ApplyResult.OK;
            } catch (MetadataConflictException | IOException | RuntimeException e) {
                log.info("Rejected metadata entry {}: {}", index, e.getMessage());
                result = ApplyResult.rejected(e.getMessage());
            }
            updateLastAppliedTermIndex(entry.getTerm(), index);
        } finally {
            stateLock.unlock();
        }
        if (current != null) {
            notifyListeners(previous, current);
        }
        waiters.advance(index);
        return CompletableFuture.completedFuture(result.toMessage());
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        stateLock.lock();
        try {
            updateLastAppliedTermIndex(term, index);
        } finally {
            stateLock.unlock();
        }
        waiters.advance(index);
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        if (QUORUM_STATUS_QUERY.getContent().equals(request.getContent())) {
            return getServer().thenApply(server -> {
                try {
                    return QuorumProgress.read(server.getDivision(getGroupId()), System.currentTimeMillis())
                            .map(status -> Message.valueOf(ByteString.copyFrom(QuorumProgress.encode(status))))
                            .orElseThrow(() -> new IllegalStateException("This node is not the metadata leader"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        if (!APPLIED_INDEX_QUERY.getContent().equals(request.getContent())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Unknown query"));
        }
        TermIndex last = getLastAppliedTermIndex();
        long index = last == null ? -1 : last.getIndex();
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(
                ByteBuffer.allocate(Long.BYTES).putLong(0, index))));
    }

    @Override
    public long takeSnapshot() throws IOException {
        MetadataImage snapshotImage;
        TermIndex last;
        stateLock.lock();
        try {
            snapshotImage = image;
            last = getLastAppliedTermIndex();
        } finally {
            stateLock.unlock();
        }
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        Path tmp = file.toPath().resolveSibling("tmp-" + file.getName());
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream raw = java.nio.channels.Channels.newOutputStream(channel);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
            ImageCodec.write(snapshotImage, out);
            out.flush();
            channel.force(true);
        }
        // Renames, then fsyncs the directory: without it a crash could lose the rename of a snapshot Ratis was told of.
        org.apache.kafka.common.utils.Utils.atomicMoveWithFallback(tmp, file.toPath());
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        log.info("Took metadata snapshot at {} ({} topics, {} bytes)", last, snapshotImage.topicsById().size(),
                file.length());
        return last.getIndex();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        log.info("Metadata quorum leader is now {} (seen by {})", newLeaderId, groupMemberId.getPeerId());
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            log.info("No metadata snapshot to load");
            return;
        }
        Path path = snapshot.getFile().getPath();
        if (!Files.exists(path)) {
            log.warn("Metadata snapshot {} is missing", path);
            return;
        }
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) {
            MD5FileUtil.verifySavedMD5(path.toFile(), md5);
        }
        TermIndex last = snapshot.getTermIndex();
        MetadataImage loaded;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            loaded = ImageCodec.read(new DataInputStream(in));
        }
        MetadataImage previous;
        stateLock.lock();
        try {
            previous = image;
            image = loaded;
            setLastAppliedTermIndex(last);
        } finally {
            stateLock.unlock();
        }
        log.info("Loaded metadata snapshot {} ({} topics)", last, loaded.topicsById().size());
        notifyListeners(previous, loaded);
        waiters.advance(last.getIndex());
    }

    private void notifyListeners(MetadataImage previous, MetadataImage current) {
        for (BiConsumer<MetadataImage, MetadataImage> listener : listeners) {
            try {
                listener.accept(previous, current);
            } catch (RuntimeException e) {
                log.error("Metadata listener {} failed on version {}", listener, current.version(), e);
            }
        }
    }
}
