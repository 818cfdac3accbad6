package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogSchedulerTest {

    private static final long LATER_MS = 600_000;
    private final LogScheduler scheduler = new LogScheduler();

    @AfterEach
    void close() {
        scheduler.close();
    }

    @Test
    void runsOneOffTasksAndPeriodicOnesEvenAfterAFailure() {
        AtomicInteger once = new AtomicInteger();
        AtomicInteger periodic = new AtomicInteger();
        scheduler.schedule("flush t-0", once::incrementAndGet, 0);
        scheduler.every(5, "retention", () -> {
            periodic.incrementAndGet();
            throw new IllegalStateException("a failing pass must not end the schedule");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> once.get() == 1 && periodic.get() >= 3);
    }

    @Test
    void closeRunsTheWaitingDeletionsOnceAndDropsEverythingElse() {
        AtomicInteger deletedEarly = new AtomicInteger();
        AtomicInteger deletedLater = new AtomicInteger();
        AtomicInteger flushed = new AtomicInteger();
        scheduler.schedule("delete early", deletedEarly::incrementAndGet, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> deletedEarly.get() == 1);
        scheduler.schedule("delete later", deletedLater::incrementAndGet, LATER_MS);
        scheduler.schedule("flush t-0", flushed::incrementAndGet, LATER_MS);
        assertThat(deletedLater).hasValue(0);

        scheduler.close();
        assertThat(deletedEarly).hasValue(1);
        assertThat(deletedLater).hasValue(1);
        assertThat(flushed).hasValue(0);

        // After close a deletion runs at once on the caller's thread; other work is dropped.
        Thread caller = Thread.currentThread();
        AtomicInteger onCaller = new AtomicInteger();
        scheduler.schedule("delete after close", () -> onCaller.addAndGet(Thread.currentThread() == caller ? 1 : 100),
                LATER_MS);
        scheduler.schedule("flush t-1", flushed::incrementAndGet, 0);
        assertThat(onCaller).hasValue(1);
        assertThat(flushed).hasValue(0);
    }

    @Test
    void aCrashLeavesTheWaitingDeletionsUndone() {
        AtomicInteger deleted = new AtomicInteger();
        scheduler.schedule("delete later", deleted::incrementAndGet, LATER_MS);
        scheduler.crashForTesting();
        assertThat(deleted).hasValue(0);
    }
}
