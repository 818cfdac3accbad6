package io.strata.server.coordinator.group;

import static org.awaitility.Awaitility.await;

import io.strata.server.coordinator.ManualTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * The classic group coordinator's parts wired to a {@link HeldStore} and a {@link ManualTime}, with partition 0
 * loaded: a unit-test rig in which writes commit only when the test says so and time moves only when it says so.
 */
final class GroupTestKit implements AutoCloseable {

    static final GroupConfig CONFIG = new GroupConfig(3000, 6000, 1_800_000, 10, 1, (short) 1, 1 << 20,
            7 * 24 * 3_600_000L, 600_000L, 4096, 5000, 5000, 45_000, 10);
    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 60_000;

    final ManualTime time = new ManualTime();
    final HeldStore store = new HeldStore();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    final GroupRegistry registry = new GroupRegistry(1, store, scheduler, time);
    final GroupWriter writer = new GroupWriter(store, time);
    final ClassicRebalance rebalance = new ClassicRebalance(CONFIG, registry, writer, time);
    final ClassicJoin join = new ClassicJoin(registry, rebalance);
    final ClassicSync sync = new ClassicSync(registry, rebalance);
    final ClassicMembership membership = new ClassicMembership(registry, rebalance);
    final GroupOffsets offsets = new GroupOffsets(CONFIG, registry, writer, time);
    final GroupAdmin admin = new GroupAdmin(registry, writer, offsets);

    GroupTestKit() {
        registry.lead(Set.of(0));
        await().until(() -> {
            try {
                registry.checkOwned("any");
                return true;
            } catch (RuntimeException loading) {
                return false;
            }
        });
    }

    /** Runs a request on a thread of its own, as the network layer does: it may park. */
    <T> CompletableFuture<T> async(Supplier<T> request) {
        return CompletableFuture.supplyAsync(request, requests);
    }

    CompletableFuture<JoinGroupResponseData> join(String groupId, String memberId) {
        return join(groupId, memberId, Optional.empty());
    }

    CompletableFuture<JoinGroupResponseData> join(String groupId, String memberId, Optional<String> instanceId) {
        return async(() -> join.join(new ClassicJoin.JoinRequest(groupId, memberId, instanceId, "client",
                "/127.0.0.1", SESSION_MS, REBALANCE_MS, "consumer",
                List.of(new Member.Protocol("range", new byte[] {1})), false)));
    }

    CompletableFuture<SyncGroupResponseData> sync(String groupId, JoinGroupResponseData joined,
                                                  List<SyncGroupRequestData.SyncGroupRequestAssignment> given) {
        return async(() -> sync.sync(new SyncGroupRequestData().setGroupId(groupId)
                .setMemberId(joined.memberId()).setGenerationId(joined.generationId()).setAssignments(given)));
    }

    /** Moves the clock and runs the coordinator's timer once, as its scheduler would. */
    void advance(long ms) {
        time.sleep(ms);
        rebalance.tick();
    }

    /** The group's state as readers see it. */
    GroupState state(String groupId) {
        return registry.group(groupId, false).map(g -> ClassicMembership.locked(g, x -> x.state)).orElseThrow();
    }

    /** Waits until {@code n} threads are parked on the group (so that what follows happens after they parked). */
    void awaitParked(String groupId, int n) {
        await().until(() -> registry.group(groupId, false).map(GroupTestKit::waiters).orElse(0) >= n);
    }

    private static int waiters(ClassicGroup group) {
        group.lock.lock();
        try {
            return group.lock.getWaitQueueLength(group.changed);
        } finally {
            group.lock.unlock();
        }
    }

    @Override
    public void close() {
        rebalance.close();
        registry.unloadAll();
        requests.shutdownNow();
        scheduler.shutdownNow();
    }
}
