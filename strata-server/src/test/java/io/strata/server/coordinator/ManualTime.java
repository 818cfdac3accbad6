package io.strata.server.coordinator;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;

/**
 * A clock that moves only when a test advances it (kafka-clients ships no MockTime in its main jar). Thread-safe.
 */
public final class ManualTime implements Time {

    private final AtomicLong nanos = new AtomicLong(TimeUnit.DAYS.toNanos(1));
    private final long epochOffsetMs = 1_700_000_000_000L;

    @Override
    public long milliseconds() {
        return epochOffsetMs + TimeUnit.NANOSECONDS.toMillis(nanos.get());
    }

    @Override
    public long nanoseconds() {
        return nanos.get();
    }

    /** Advances the clock; nothing sleeps. */
    @Override
    public void sleep(long ms) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        throw new UnsupportedOperationException("Coordinators do not wait on objects");
    }
}
