package io.strata.server.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoordinatorPartitionsTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<String> unloaded = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aLedPartitionLoadsOnceItsLogExistsAndUnloadsWhenLeadershipMoves() {
        AtomicInteger attempts = new AtomicInteger();
        // No log for the first two attempts: the load is tried again.
        CoordinatorPartitions partitions = new CoordinatorPartitions(1, "__t", scheduler,
                p -> attempts.incrementAndGet() > 2, (p, reason) -> unloaded.add(p + ": " + reason));
        partitions.lead(Set.of(4));
        assertThat(partitions.state(4)).isNotNull();
        await().until(() -> partitions.state(4) == CoordinatorPartitions.State.LOADED);
        assertThat(attempts).hasValue(3);
        assertThat(partitions.anyLoading()).isFalse();

        partitions.lead(Set.of(4)); // already led: not loaded again
        partitions.lead(Set.of());
        assertThat(partitions.state(4)).isNull();
        assertThat(unloaded).containsExactly("4: leadership moved");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aFailedLoadIsRetriedAndShutdownUnloadsEverything() {
        AtomicInteger attempts = new AtomicInteger();
        CoordinatorPartitions partitions = new CoordinatorPartitions(1, "__t", scheduler, p -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("corrupt");
            }
            return true;
        }, (p, reason) -> unloaded.add(p + ": " + reason));
        partitions.lead(Set.of(0, 1));
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !partitions.anyLoading());
        assertThat(partitions.state(0)).isEqualTo(CoordinatorPartitions.State.LOADED);
        assertThat(partitions.state(1)).isEqualTo(CoordinatorPartitions.State.LOADED);
        partitions.unloadAll();
        assertThat(unloaded).containsExactlyInAnyOrder("0: the node is stopping", "1: the node is stopping");
    }
}
