package io.strata.server.coordinator.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets of classic groups: OffsetCommit, OffsetFetch, OffsetDelete and the expiry of offsets of empty
 * groups after {@code offsets.retention.minutes}.
 *
 * <p>Offsets become visible to OffsetFetch only once the records storing them are committed ({@link GroupWriter});
 * a commit that fails or times out is never shown.
 *
 * <p>Thread-safety: offsets live in their group and change under its lock; the records are appended under it too
 * (so that the log order is the order of the changes), and replication is awaited without it.
 */
final class GroupOffsets {

    private static final Logger log = LoggerFactory.getLogger(GroupOffsets.class);

    /** One offset to commit. */
    record Commit(TopicPartition partition, long offset, int leaderEpoch, Optional<String> metadata) {
    }

    private final GroupConfig config;
    private final GroupRegistry registry;
    private final GroupWriter writer;
    private final Time time;

    GroupOffsets(GroupConfig config, GroupRegistry registry, GroupWriter writer, Time time) {
        this.config = config;
        this.registry = registry;
        this.writer = writer;
        this.time = time;
    }

    /**
     * Commits offsets for a member of the group's current generation, or for a "simple" group (generation < 0,
     * no members: consumers using assign(), admin tools).
     *
     * @param unknownGroupError the answer when the group does not exist and a generation is given
     *                          (ILLEGAL_GENERATION before v9, GROUP_ID_NOT_FOUND from v9)
     * @return the error per commit, in order
     */
    List<Errors> commit(String groupId, String memberId, Optional<String> instanceId, int generation,
                        List<Commit> commits, Errors unknownGroupError) {
        if (groupId == null || groupId.isEmpty()) {
            return all(commits, Errors.INVALID_GROUP_ID);
        }
        Optional<ClassicGroup> found = registry.group(groupId, generation < 0);
        if (found.isEmpty()) {
            return all(commits, unknownGroupError);
        }
        ClassicGroup group = found.get();
        List<Errors> errors = new ArrayList<>();
        CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
        group.lock.lock();
        try {
            Errors error = validate(group, memberId, instanceId, generation, false);
            if (error != Errors.NONE) {
                return all(commits, error);
            }
            Map<TopicPartition, GroupRecords.OffsetValue> accepted = accept(commits, errors);
            List<SimpleRecord> records = offsetRecords(groupId, accepted);
            if (!records.isEmpty()) {
                group.pendingOffsets.putAll(accepted);
                written = writer.write(group, records, new PendingWrites.Effect() {
                    @Override
                    public void committed() {
                        group.offsets.putAll(accepted);
                        settled(group, accepted);
                    }

                    @Override
                    public void failed(ApiException cause) {
                        settled(group, accepted);
                    }
                });
            }
            Member member = group.members.get(memberId);
            if (member != null) {
                member.touch(time.nanoseconds());
            }
        } finally {
            group.lock.unlock();
        }
        return awaitWritten(written, commits, errors);
    }

    /**
     * TxnOffsetCommit: writes offsets in a transactional batch of the producer; once committed to the log they wait
     * in the group for the transaction's marker ({@link #completeTransaction}). Members are validated as for
     * OffsetCommit when a generation is given (KIP-447); generation -1 skips it.
     *
     * @return the error per commit, in order
     */
    List<Errors> commitTransactional(String groupId, long producerId, short producerEpoch, String memberId,
                                     Optional<String> instanceId, int generation, List<Commit> commits) {
        if (groupId == null || groupId.isEmpty()) {
            return all(commits, Errors.INVALID_GROUP_ID);
        }
        ClassicGroup group = registry.group(groupId, true).orElseThrow();
        List<Errors> errors = new ArrayList<>();
        CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
        group.lock.lock();
        try {
            Errors error = generation < 0 ? (group.isGone() ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NONE)
                    : validate(group, memberId, instanceId, generation, true);
            if (error != Errors.NONE) {
                return all(commits, error);
            }
            Map<TopicPartition, GroupRecords.OffsetValue> accepted = accept(commits, errors);
            List<SimpleRecord> records = offsetRecords(groupId, accepted);
            if (!records.isEmpty()) {
                written = writer.writeTransactional(group, producerId, producerEpoch, records,
                        PendingWrites.Effect.onCommit(() -> group.pendingTxnOffsets
                                .computeIfAbsent(producerId, id -> new HashMap<>()).putAll(accepted)));
            }
        } finally {
            group.lock.unlock();
        }
        return awaitWritten(written, commits, errors);
    }

    /**
     * A transaction marker of {@code producerId} was committed to {@code partition} of {@code __consumer_offsets}:
     * its groups' transactional offsets become committed offsets (COMMIT) or are dropped (ABORT).
     */
    void completeTransaction(int partition, long producerId, boolean commit) {
        for (ClassicGroup group : registry.all()) {
            if (group.partition != partition) {
                continue;
            }
            group.lock.lock();
            try {
                Map<TopicPartition, GroupRecords.OffsetValue> txn = group.pendingTxnOffsets.remove(producerId);
                if (txn != null && commit) {
                    group.offsets.putAll(txn);
                }
            } finally {
                group.lock.unlock();
            }
        }
    }

    /** Partitions of the group with transactional offsets awaiting their marker (OffsetFetch require_stable). */
    Set<TopicPartition> unstable(String groupId) {
        Optional<ClassicGroup> found = registry.group(groupId, false);
        if (found.isEmpty()) {
            return Set.of();
        }
        return ClassicMembership.locked(found.get(), g -> {
            Set<TopicPartition> out = new HashSet<>();
            g.pendingTxnOffsets.values().forEach(m -> out.addAll(m.keySet()));
            return out;
        });
    }

    /** Forgets the pending offsets of a settled write, unless a later write of the same partition replaced them. */
    private static void settled(ClassicGroup group, Map<TopicPartition, GroupRecords.OffsetValue> written) {
        written.forEach((tp, v) -> group.pendingOffsets.remove(tp, v));
    }

    /**
     * Kafka's validation of an offset commit. A transactional one (TxnOffsetCommit) gets only the errors a
     * producer handles: it is not refused while the group completes a rebalance (REBALANCE_IN_PROGRESS would be
     * fatal to the producer, and the generation already proves the member's), and a stale KIP-848 member epoch is
     * an ILLEGAL_GENERATION. Under the group lock.
     */
    private static Errors validate(ClassicGroup group, String memberId, Optional<String> instanceId, int generation,
                                   boolean transactional) {
        if (group.isGone()) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (group.consumer.isPresent()) {
            // KIP-848 groups: the member epoch plays the generation's part.
            ConsumerProtocolGroup cg = group.consumer.get();
            if (generation < 0 && cg.isEmpty()) {
                return Errors.NONE;
            }
            ConsumerMember member = cg.members.get(memberId);
            if (member == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (generation == member.memberEpoch) {
                return Errors.NONE;
            }
            // The producer knows no STALE_MEMBER_EPOCH: Kafka tells it ILLEGAL_GENERATION (an abortable error).
            return transactional ? Errors.ILLEGAL_GENERATION : Errors.STALE_MEMBER_EPOCH;
        }
        if (generation < 0 && group.state == GroupState.EMPTY) {
            return Errors.NONE;
        }
        Errors error = ClassicMembership.validateMember(group, memberId, instanceId, generation);
        if (error != Errors.NONE) {
            return error;
        }
        return group.state == GroupState.COMPLETING_REBALANCE && !transactional ? Errors.REBALANCE_IN_PROGRESS
                : Errors.NONE;
    }

    private static List<Errors> all(List<Commit> commits, Errors error) {
        return commits.stream().map(c -> error).toList();
    }

    /**
     * The group's committed offsets: for the given partitions (absent ones omitted from the map), or all of them.
     * An unknown group has none.
     */
    Map<TopicPartition, GroupRecords.OffsetValue> fetch(String groupId, Optional<List<TopicPartition>> partitions) {
        Optional<ClassicGroup> found = registry.group(groupId, false);
        if (found.isEmpty()) {
            return Map.of();
        }
        return ClassicMembership.locked(found.get(), g -> {
            if (partitions.isEmpty()) {
                return Map.copyOf(g.offsets);
            }
            Map<TopicPartition, GroupRecords.OffsetValue> out = new HashMap<>();
            for (TopicPartition tp : partitions.get()) {
                GroupRecords.OffsetValue v = g.offsets.get(tp);
                if (v != null) {
                    out.put(tp, v);
                }
            }
            return out;
        });
    }

    /** The outcome of OffsetDelete: a group-level error, or one error per requested partition. */
    record DeleteOutcome(Errors groupError, Map<TopicPartition, Errors> partitions) {
    }

    /** Deletes committed offsets of partitions the group is not consuming (OffsetDelete). */
    DeleteOutcome delete(String groupId, List<TopicPartition> partitions) {
        if (groupId == null || groupId.isEmpty()) {
            return new DeleteOutcome(Errors.INVALID_GROUP_ID, Map.of());
        }
        Optional<ClassicGroup> found = registry.group(groupId, false);
        if (found.isEmpty()) {
            return new DeleteOutcome(Errors.GROUP_ID_NOT_FOUND, Map.of());
        }
        ClassicGroup group = found.get();
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
        group.lock.lock();
        try {
            if (group.isGone()) {
                return new DeleteOutcome(Errors.GROUP_ID_NOT_FOUND, Map.of());
            }
            Set<String> subscribed;
            if (group.consumer.isPresent()) {
                Set<String> topics = new HashSet<>(group.consumer.get().subscribedTopics.keySet());
                group.consumer.get().members.values().forEach(m -> topics.addAll(m.subscribedTopicNames));
                subscribed = topics;
            } else if (group.state == GroupState.EMPTY) {
                subscribed = Set.of();
            } else if (group.protocolType.map(ConsumerProtocol.PROTOCOL_TYPE::equals).orElse(false)
                    && group.protocol.isPresent()) {
                subscribed = subscribedTopics(group);
            } else {
                return new DeleteOutcome(Errors.NON_EMPTY_GROUP, Map.of());
            }
            Set<TopicPartition> stored = group.offsetKeys();
            List<TopicPartition> deleted = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (subscribed.contains(tp.topic())) {
                    result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                    continue;
                }
                result.put(tp, Errors.NONE);
                if (stored.contains(tp)) {
                    deleted.add(tp);
                }
            }
            if (!deleted.isEmpty()) {
                written = writer.write(group, tombstones(group, deleted),
                        PendingWrites.Effect.onCommit(() -> deleted.forEach(group.offsets::remove)));
            }
        } finally {
            group.lock.unlock();
        }
        try {
            written.join();
        } catch (CompletionException | CancellationException e) {
            return new DeleteOutcome(StoreErrors.forOffsets(e), Map.of());
        }
        return new DeleteOutcome(Errors.NONE, result);
    }

    /** Tombstones for the offsets of {@code partitions}. */
    List<SimpleRecord> tombstones(ClassicGroup group, Collection<TopicPartition> partitions) {
        List<SimpleRecord> tombstones = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            tombstones.add(writer.record(GroupRecords.offsetKey(group.groupId, tp.topic(), tp.partition()), null));
        }
        return tombstones;
    }

    /** Topics any member subscribes to, from the consumer protocol subscriptions. Under the group lock. */
    static Set<String> subscribedTopics(ClassicGroup group) {
        Set<String> topics = new HashSet<>();
        for (Member m : group.members.values()) {
            byte[] metadata = m.metadata(group.protocol.orElse(""));
            try {
                topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)).topics());
            } catch (RuntimeException e) {
                log.debug("Unreadable subscription of member {} in group {}", m.memberId, group.groupId);
            }
        }
        return topics;
    }

    /**
     * Removes offsets of empty groups older than {@code offsets.retention.minutes} (counted from when the group
     * became empty, or from the commit for groups that never had members), and drops groups left with nothing.
     */
    void expire() {
        long now = time.milliseconds();
        for (ClassicGroup group : registry.all()) {
            group.lock.lock();
            try {
                if (group.state != GroupState.EMPTY || group.hasMembers() || group.isGone()
                        || !group.writes.isEmpty() || !group.pendingTxnOffsets.isEmpty()) {
                    continue;
                }
                List<TopicPartition> expired = new ArrayList<>();
                group.offsets.forEach((tp, v) -> {
                    // Groups that had members count from when they became empty; simple (assign-only) groups from
                    // the commit itself, as in Kafka.
                    long base = group.generation > 0 || group.consumer.isPresent() ? group.stateTimestamp
                            : v.commitTimestamp();
                    if (now - base >= config.offsetsRetentionMs()) {
                        expired.add(tp);
                    }
                });
                boolean drop = group.offsets.size() == expired.size();
                if (expired.isEmpty() && !drop) {
                    continue;
                }
                List<SimpleRecord> tombstones = tombstones(group, expired);
                if (drop) {
                    tombstones.add(writer.record(GroupRecords.groupKey(group.groupId), null));
                    group.deleting = true;
                }
                writer.write(group, tombstones, new PendingWrites.Effect() {
                    @Override
                    public void committed() {
                        expired.forEach(group.offsets::remove);
                        if (drop) {
                            group.deleting = false;
                            group.transition(GroupState.DEAD);
                            registry.remove(group);
                        }
                        log.info("Expired {} offsets of group {}{}", expired.size(), group.groupId,
                                drop ? "; the group is removed" : "");
                    }

                    @Override
                    public void failed(ApiException cause) {
                        group.deleting = false;
                        log.warn("Offset expiry failed for group {}: {}", group.groupId, cause.toString());
                    }
                });
            } catch (RuntimeException e) {
                log.warn("Offset expiry failed for group {}: {}", group.groupId, e.toString());
            } finally {
                group.lock.unlock();
            }
        }
    }

    /**
     * The commits that fit {@code offsets.metadata.max.bytes}, by partition (a later commit of a partition wins);
     * adds each commit's error to {@code errors} in order. Caller holds the group's lock.
     */
    private Map<TopicPartition, GroupRecords.OffsetValue> accept(List<Commit> commits, List<Errors> errors) {
        Map<TopicPartition, GroupRecords.OffsetValue> accepted = new HashMap<>();
        long now = time.milliseconds();
        for (Commit c : commits) {
            if (c.metadata().map(m -> m.length() > config.offsetMetadataMaxBytes()).orElse(false)) {
                errors.add(Errors.OFFSET_METADATA_TOO_LARGE);
                continue;
            }
            errors.add(Errors.NONE);
            accepted.put(c.partition(), new GroupRecords.OffsetValue(c.offset(), c.leaderEpoch(), c.metadata(), now));
        }
        return accepted;
    }

    private List<SimpleRecord> offsetRecords(String groupId, Map<TopicPartition, GroupRecords.OffsetValue> offsets) {
        List<SimpleRecord> records = new ArrayList<>(offsets.size());
        offsets.forEach((tp, value) -> records.add(writer.record(
                GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()), GroupRecords.offsetValue(value))));
        return records;
    }

    /** Waits, outside the group's lock, for the offsets' write; a failed write fails every commit alike. */
    private static List<Errors> awaitWritten(CompletableFuture<Void> written, List<Commit> commits,
                                             List<Errors> errors) {
        try {
            written.join();
        } catch (CompletionException | CancellationException e) {
            return all(commits, StoreErrors.forOffsets(e));
        }
        return errors;
    }
}
