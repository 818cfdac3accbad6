package io.strata.cli.output;

import java.util.Locale;

/** Human-readable sizes, counts and rates. Stateless and thread-safe. */
public final class Units {

    private Units() {
    }

    /** {@code 1234567} as {@code 1,234,567}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Bytes in B, KB, MB or GB (powers of 1000, as the rates are). */
    public static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Per-second rate of {@code amount} over {@code nanos}. */
    public static double perSecond(double amount, long nanos) {
        return nanos <= 0 ? 0 : amount * 1e9 / nanos;
    }

    public static String decimal(double v, int digits) {
        return String.format(Locale.ROOT, "%,." + digits + "f", v);
    }
}
