package io.strata.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AppendNotifierTest {

    @Test
    void waiterWakesOnAppend() throws Exception {
        AppendNotifier notifier = new AppendNotifier();
        long seen = notifier.sequence();
        CountDownLatch woke = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                notifier.awaitChange(seen, 60, TimeUnit.SECONDS);
                woke.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        notifier.notifyAppend();
        assertThat(woke.await(30, TimeUnit.SECONDS)).isTrue();
        waiter.join();
    }

    @Test
    void waiterReturnsAtItsDeadline() throws Exception {
        AppendNotifier notifier = new AppendNotifier();
        long start = System.nanoTime();
        notifier.awaitChange(notifier.sequence(), 50, TimeUnit.MILLISECONDS);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void changeBeforeWaitingIsNotMissed() throws Exception {
        AppendNotifier notifier = new AppendNotifier();
        long seen = notifier.sequence();
        notifier.notifyAppend();
        long start = System.nanoTime();
        notifier.awaitChange(seen, 60, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
    }
}
