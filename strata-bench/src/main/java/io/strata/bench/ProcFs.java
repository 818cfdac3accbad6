package io.strata.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Readers of Linux {@code /proc}: CPU time and peak memory of a process, busy time of the whole machine, load
 * average. The parsing methods take the file content so that they can be tested without a live process.
 *
 * <p>Stateless and thread-safe. Values are in clock ticks ({@link #TICKS_PER_SECOND}, USER_HZ, 100 on every
 * Linux this runs on) and kibibytes, as the kernel reports them.
 */
public final class ProcFs {

    /** USER_HZ: the unit of the CPU times in /proc/[pid]/stat and /proc/stat (fixed at 100 by the kernel ABI). */
    public static final int TICKS_PER_SECOND = 100;

    /** Busy and total CPU ticks of the machine, summed over all cores, from the first line of /proc/stat. */
    public record MachineCpu(long totalTicks, long idleTicks) {
        public long busyTicks() {
            return totalTicks - idleTicks;
        }
    }

    private ProcFs() {
    }

    /** utime + stime of a process, in ticks; empty when the process is gone or /proc is unreadable. */
    public static OptionalLong cpuTicks(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "stat"))
                .map(s -> OptionalLong.of(parseCpuTicks(s))).orElse(OptionalLong.empty());
    }

    /** cutime + cstime of a process: the CPU used by its children that it has waited for, in ticks. */
    public static OptionalLong reapedChildrenCpuTicks(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "stat"))
                .map(s -> OptionalLong.of(statField(s, 16) + statField(s, 17))).orElse(OptionalLong.empty());
    }

    /** VmHWM (peak resident set) of a process in KiB; empty when unknown. */
    public static OptionalLong peakRssKb(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "status")).map(s -> statusKb(s, "VmHWM"))
                .orElse(OptionalLong.empty());
    }

    /** VmRSS (current resident set) of a process in KiB; empty when unknown. */
    public static OptionalLong rssKb(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "status")).map(s -> statusKb(s, "VmRSS"))
                .orElse(OptionalLong.empty());
    }

    /**
     * Resets the peak RSS of a process to its current RSS (writes 5 to /proc/[pid]/clear_refs, Linux 4.0+), so that
     * VmHWM afterwards is the peak of what follows. Returns false when not permitted; VmHWM then stays the peak
     * since the process started.
     */
    public static boolean resetPeakRss(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The machine's CPU ticks so far. */
    public static MachineCpu machineCpu() {
        return parseMachineCpu(read(Path.of("/proc/stat")).orElse("cpu 0 0 0 0 0 0 0 0\n"));
    }

    /** The 1, 5 and 15 minute load averages as printed by the kernel, e.g. "0.93 1.21 0.77". */
    public static String loadAverage() {
        return read(Path.of("/proc/loadavg")).map(ProcFs::parseLoadAverage).orElse("?");
    }

    static long parseCpuTicks(String stat) {
        return statField(stat, 14) + statField(stat, 15);
    }

    /**
     * Field {@code n} (1-based, as in proc(5)) of a /proc/[pid]/stat line. The command name (field 2) is in
     * parentheses and may contain spaces or parentheses itself, so fields are counted after the last ')'.
     */
    static long statField(String stat, int n) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || n < 3) {
            throw new IllegalArgumentException("Not a /proc/[pid]/stat line, or not a numeric field: " + n);
        }
        String[] rest = stat.substring(close + 1).trim().split("\\s+");
        // rest[0] is field 3 (state).
        return Long.parseLong(rest[n - 3]);
    }

    static OptionalLong statusKb(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                String[] parts = line.substring(key.length() + 1).trim().split("\\s+");
                return OptionalLong.of(Long.parseLong(parts[0]));
            }
        }
        return OptionalLong.empty();
    }

    static MachineCpu parseMachineCpu(String procStat) {
        String first = procStat.lines().filter(l -> l.startsWith("cpu ")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No aggregate cpu line in /proc/stat"));
        String[] f = first.trim().split("\\s+");
        // user nice system idle iowait irq softirq steal [guest guest_nice: already counted in user/nice]
        long total = 0;
        for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new MachineCpu(total, idle);
    }

    static String parseLoadAverage(String loadavg) {
        String[] f = loadavg.trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static java.util.Optional<String> read(Path file) {
        try {
            return java.util.Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
