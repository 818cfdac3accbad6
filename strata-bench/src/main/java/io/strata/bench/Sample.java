package io.strata.bench;

import java.util.Optional;

/**
 * What one run of one case measured on one broker, or why it has no numbers.
 *
 * @param broker  "kafka" or "strata"
 * @param run     1-based run number
 * @param metrics the measurements; empty when the case could not run on this broker
 * @param reason  why there are no metrics ("n/a (...)" or "FAIL (...)"); empty when there are
 */
public record Sample(String broker, int run, Optional<Metrics> metrics, Optional<String> reason) {

    /**
     * @param recordsPerSec throughput in records/s
     * @param mbPerSec      throughput in MiB/s
     * @param p50Ms         latency percentiles in ms (producer: send to ack, whole ms from the tool;
     *                      consume: none, NaN; e2e: scheduled send to consumed, microsecond resolution)
     * @param brokerCpuSec  CPU seconds (user + system) the broker used during the run
     * @param mebibytes     payload moved
     * @param peakRssMb     the broker's peak resident memory (VmHWM) during the run, MiB
     * @param clientCpuSec  CPU seconds of the tool JVM
     * @param otherPct      share of all cores used by processes other than the brokers, the tool and the harness
     */
    public record Metrics(double recordsPerSec, double mbPerSec, double p50Ms, double p99Ms, double p999Ms,
                          double brokerCpuSec, double mebibytes, double peakRssMb, double clientCpuSec,
                          double otherPct) {
        public double cpuSecPerMb() {
            return mebibytes > 0 ? brokerCpuSec / mebibytes : Double.NaN;
        }
    }

    public static Sample of(String broker, int run, Metrics m) {
        return new Sample(broker, run, Optional.of(m), Optional.empty());
    }

    public static Sample without(String broker, int run, String reason) {
        return new Sample(broker, run, Optional.empty(), Optional.of(reason));
    }
}
