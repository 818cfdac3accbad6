package io.strata.cli.output;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr, redrawn in place at most every 200 ms: percentage of the input read, records,
 * records/s and MB/s. A disabled bar prints nothing, so callers update it unconditionally.
 *
 * <p>Not thread-safe: updated from the thread that does the work.
 */
public final class Progress {

    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private final long totalBytes;
    private final int width;
    private final LongSupplier clock;
    private final long startNanos;
    private long lastDraw;
    private boolean drawn;

    /**
     * @param totalBytes size of the input, or a non-positive value when unknown (no percentage then)
     */
    public Progress(PrintWriter err, boolean enabled, long totalBytes, int width, LongSupplier clock) {
        this.err = err;
        this.enabled = enabled;
        this.totalBytes = totalBytes;
        this.width = width;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.lastDraw = startNanos;
    }

    /** Redraws the bar if enough time has passed since the last redraw. */
    public void update(long inputBytesRead, long records, long payloadBytes) {
        long now = clock.getAsLong();
        if (enabled && now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(inputBytesRead, records, payloadBytes, now);
        }
    }

    /** Draws the final state and ends the line, so that the next output starts on a fresh line. */
    public void finish(long inputBytesRead, long records, long payloadBytes) {
        if (enabled) {
            draw(inputBytesRead, records, payloadBytes, clock.getAsLong());
            err.print('\n');
            err.flush();
        }
    }

    /** Nanoseconds since the bar was created. */
    public long elapsedNanos() {
        return clock.getAsLong() - startNanos;
    }

    private void draw(long read, long records, long payloadBytes, long now) {
        long elapsed = now - startNanos;
        String stats = "  " + Units.count(records) + " records  "
                + Units.decimal(Units.perSecond(records, elapsed), 0) + " records/s  "
                + Units.decimal(Units.perSecond(payloadBytes, elapsed) / 1e6, 2) + " MB/s";
        StringBuilder line = new StringBuilder("\r");
        if (totalBytes > 0) {
            double fraction = Math.min(1.0, (double) read / totalBytes);
            int barWidth = Math.max(10, width - stats.length() - 10);
            int filled = (int) Math.round(fraction * barWidth);
            line.append(String.format(java.util.Locale.ROOT, "%3d%% [", (int) Math.floor(fraction * 100)))
                    .append("=".repeat(filled)).append(" ".repeat(barWidth - filled)).append(']');
        }
        line.append(stats);
        // Pad to overwrite a longer previous line.
        int pad = Math.max(0, width - 1 - line.length());
        line.append(" ".repeat(drawn ? pad : 0));
        drawn = true;
        err.print(line);
        err.flush();
    }
}
