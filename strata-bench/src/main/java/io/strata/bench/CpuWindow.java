package io.strata.bench;

import java.util.List;

/**
 * CPU accounting over one measured run: the broker(s) under test (one node, or every node of a cluster), the idle
 * other broker(s), this harness and the tool JVMs it has reaped, and the whole machine, so that the share of the
 * cores used by anything else ("other %") tells how clean the measurement is. Not thread-safe; one instance per run.
 */
final class CpuWindow {

    private final List<Long> brokerPids;
    private final List<Long> otherBrokerPids;
    private final long self = ProcessHandle.current().pid();
    private final ProcFs.MachineCpu machine0 = ProcFs.machineCpu();
    private final long broker0;
    private final long otherBroker0;
    private final long self0;
    private final long reaped0;
    private long brokerTicks;
    private long clientTicks;
    private double otherPct;

    CpuWindow(long brokerPid, long otherBrokerPid) {
        this(List.of(brokerPid), List.of(otherBrokerPid));
    }

    /** A window charging the CPU of every process in {@code brokerPids} to the broker. */
    CpuWindow(List<Long> brokerPids, List<Long> otherBrokerPids) {
        this.brokerPids = List.copyOf(brokerPids);
        this.otherBrokerPids = List.copyOf(otherBrokerPids);
        this.broker0 = ticks(this.brokerPids);
        this.otherBroker0 = ticks(this.otherBrokerPids);
        this.self0 = ProcFs.cpuTicks(self).orElse(0);
        this.reaped0 = ProcFs.reapedChildrenCpuTicks(self).orElse(0);
    }

    /** Closes the window: reads every counter again. Call after the tool JVM has exited (and been reaped). */
    void end() {
        ProcFs.MachineCpu machine1 = ProcFs.machineCpu();
        brokerTicks = ticks(brokerPids) - broker0;
        long otherBroker = ticks(otherBrokerPids) - otherBroker0;
        long selfTicks = ProcFs.cpuTicks(self).orElse(self0) - self0;
        clientTicks = ProcFs.reapedChildrenCpuTicks(self).orElse(reaped0) - reaped0;
        long busy = machine1.busyTicks() - machine0.busyTicks();
        long capacity = machine1.totalTicks() - machine0.totalTicks();
        otherPct = otherPercent(busy, capacity, brokerTicks + otherBroker + selfTicks + clientTicks);
    }

    /**
     * The CPU ticks of the processes so far, summed. A process that has died counts 0, which is only right if none
     * dies inside the window: the harness checks its brokers are alive before and after each run.
     */
    private static long ticks(List<Long> pids) {
        return pids.stream().mapToLong(pid -> ProcFs.cpuTicks(pid).orElse(0)).sum();
    }

    double brokerCpuSec() {
        return brokerTicks / (double) ProcFs.TICKS_PER_SECOND;
    }

    double clientCpuSec() {
        return clientTicks / (double) ProcFs.TICKS_PER_SECOND;
    }

    double otherPct() {
        return otherPct;
    }

    /** Busy ticks not explained by {@code ownTicks}, as a percentage of the machine's capacity; never negative. */
    static double otherPercent(long busyTicks, long capacityTicks, long ownTicks) {
        if (capacityTicks <= 0) {
            return 0;
        }
        return Math.max(0, 100.0 * (busyTicks - ownTicks) / capacityTicks);
    }
}
