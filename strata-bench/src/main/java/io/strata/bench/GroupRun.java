package io.strata.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one group of consumers ({@link GroupMembers}) in a client JVM against one broker and charges the broker's CPU
 * and peak memory to the interval from the first subscribe to the moment the group became stable: the child prints
 * {@code SUBSCRIBING} and {@code STABLE n} as they happen, and the harness reads the counters from /proc on each
 * line, so the settle time and the closing of the consumers are not counted. Not thread-safe.
 */
final class GroupRun {

    /** CPU and memory counters read at one moment, in ticks and KiB. */
    record Counters(long brokerTicks, long otherBrokerTicks, long childTicks, long selfTicks,
                    ProcFs.MachineCpu machine, long brokerPeakRssKb) {

        static Counters read(long broker, long otherBroker, long child) {
            return new Counters(ProcFs.cpuTicks(broker).orElse(0), ProcFs.cpuTicks(otherBroker).orElse(0),
                    ProcFs.cpuTicks(child).orElse(0), ProcFs.cpuTicks(ProcessHandle.current().pid()).orElse(0),
                    ProcFs.machineCpu(), ProcFs.peakRssKb(broker).orElse(0));
        }
    }

    /**
     * The measured figures of one run.
     *
     * @param stableSec      first subscribe to stable
     * @param firstP50Sec    median over members of subscribe to first non-empty assignment
     * @param firstMaxSec    maximum of the same
     * @param brokerCpuSec   the broker's CPU seconds from the first subscribe to stable
     * @param peakRssMb      the broker's peak resident memory over the run, MiB
     * @param clientCpuSec   CPU seconds of the consumers' JVM over the same interval
     * @param otherPct       share of all cores used by other processes over the same interval
     */
    record Metrics(double stableSec, double firstP50Sec, double firstMaxSec, double brokerCpuSec, double peakRssMb,
                   double clientCpuSec, double otherPct) {

        /** Combines the child's result line with the counters read at {@code SUBSCRIBING} and at its stable line. */
        static Metrics of(Result r, Counters start, Counters stable) {
            long brokerTicks = stable.brokerTicks() - start.brokerTicks();
            long childTicks = stable.childTicks() - start.childTicks();
            long own = brokerTicks + childTicks + (stable.otherBrokerTicks() - start.otherBrokerTicks())
                    + (stable.selfTicks() - start.selfTicks());
            double otherPct = CpuWindow.otherPercent(stable.machine().busyTicks() - start.machine().busyTicks(),
                    stable.machine().totalTicks() - start.machine().totalTicks(), own);
            return new Metrics(r.stableMs() / 1000, r.firstP50Ms() / 1000, r.firstMaxMs() / 1000,
                    brokerTicks / (double) ProcFs.TICKS_PER_SECOND, stable.brokerPeakRssKb() / 1024.0,
                    childTicks / (double) ProcFs.TICKS_PER_SECOND, otherPct);
        }
    }

    /** The child's {@code RESULT} line. */
    record Result(int period, double stableMs, double firstP50Ms, double firstMaxMs, int events) {

        /** Parses {@code RESULT period=.. stable_ms=.. first_p50_ms=.. first_max_ms=.. events=..}. */
        static Optional<Result> parse(String line) {
            if (!line.startsWith("RESULT ")) {
                return Optional.empty();
            }
            Map<String, String> kv = new HashMap<>();
            for (String token : line.substring("RESULT ".length()).trim().split("\\s+")) {
                int eq = token.indexOf('=');
                if (eq > 0) {
                    kv.put(token.substring(0, eq), token.substring(eq + 1));
                }
            }
            try {
                return Optional.of(new Result(Integer.parseInt(kv.get("period")),
                        Double.parseDouble(kv.get("stable_ms")), Double.parseDouble(kv.get("first_p50_ms")),
                        Double.parseDouble(kv.get("first_max_ms")), Integer.parseInt(kv.get("events"))));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    private final Jvm jvm;
    private final ChildProcesses children;
    private final Path logbackConfig;
    private final Path rawDir;
    private final Duration timeout;

    GroupRun(Jvm jvm, ChildProcesses children, Path logbackConfig, Path rawDir, Duration timeout) {
        this.jvm = jvm;
        this.children = children;
        this.logbackConfig = logbackConfig;
        this.rawDir = rawDir;
        this.timeout = timeout;
    }

    /**
     * Runs {@code members} consumers of a new group on {@code topic}, waiting {@code settle} after stable. Returns the
     * metrics, or why there are none ({@code FAIL (...)}).
     */
    Outcome run(String name, Broker broker, Broker other, String topic, int partitions, int members, String protocol,
                Duration settle) throws IOException, InterruptedException {
        Path out = rawDir.resolve(name + ".txt");
        List<String> cmd = jvm.tool(logbackConfig, GroupMembers.class.getName(), List.of(broker.bootstrap(), topic,
                Integer.toString(partitions), Integer.toString(members), protocol, name + "-" + System.nanoTime(),
                Long.toString(settle.toMillis()), Long.toString(timeout.toMillis())));
        ProcFs.resetPeakRss(broker.pid());
        Process p = children.start(new ProcessBuilder(cmd).redirectErrorStream(true));
        // The child enforces the timeout itself; this is the backstop if it hangs.
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                if (!p.waitFor(timeout.toSeconds() + 90, TimeUnit.SECONDS)) {
                    ChildProcesses.kill9(p);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Counters start = null;
        Map<Integer, Counters> stable = new HashMap<>();
        Optional<Result> result = Optional.empty();
        String last = "(no output)";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer raw = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("SUBSCRIBING")) {
                    start = Counters.read(broker.pid(), other.pid(), p.pid());
                } else if (line.startsWith("STABLE ")) {
                    stable.put(Integer.parseInt(line.substring(7).trim()), Counters.read(broker.pid(), other.pid(),
                            p.pid()));
                } else if (line.startsWith("RESULT ")) {
                    result = Result.parse(line);
                }
                if (!line.isBlank()) {
                    last = line.trim();
                }
                raw.write(line);
                raw.write('\n');
            }
        }
        int exit = p.waitFor();
        watchdog.interrupt();
        if (result.isEmpty() || start == null || !stable.containsKey(result.get().period())) {
            if (last.startsWith("UNSUPPORTED ")) {
                return Outcome.fail("n/a (" + broker.name() + " refuses group.protocol=" + protocol + ": "
                        + shorten(last.substring(12)) + ")");
            }
            String reason = last.startsWith("FAILED ") ? last.substring(7) : "exit " + exit + ": " + last;
            return Outcome.fail("FAIL (" + shorten(reason) + "; see " + out + ")");
        }
        return Outcome.of(Metrics.of(result.get(), start, stable.get(result.get().period())));
    }

    /** Metrics, or the reason there are none. */
    record Outcome(Optional<Metrics> metrics, Optional<String> reason) {
        static Outcome of(Metrics m) {
            return new Outcome(Optional.of(m), Optional.empty());
        }

        static Outcome fail(String reason) {
            return new Outcome(Optional.empty(), Optional.of(reason));
        }
    }

    private static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
