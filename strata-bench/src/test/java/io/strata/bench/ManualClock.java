package io.strata.bench;

import java.util.ArrayList;
import java.util.List;

/** A {@link NanoClock} that only moves when told to, or when someone sleeps on it; records every sleep. */
final class ManualClock implements NanoClock {

    private long now;
    final List<Long> sleptUntil = new ArrayList<>();

    ManualClock(long start) {
        this.now = start;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleepUntil(long deadlineNanos) {
        sleptUntil.add(deadlineNanos);
        now = Math.max(now, deadlineNanos);
    }

    void advance(long nanos) {
        now += nanos;
    }
}
