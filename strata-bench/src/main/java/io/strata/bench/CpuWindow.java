package io.strata.bench;

/**
 * CPU accounting over one measured run: the broker under test, the idle other broker, this harness and the
 * tool JVMs it has reaped, and the whole machine, so that the share of the cores used by anything else
 * ("other %") tells how clean the measurement is. Not thread-safe; one instance per run.
 */
final class CpuWindow {

    private final long brokerPid;
    private final long otherBrokerPid;
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
        this.brokerPid = brokerPid;
        this.otherBrokerPid = otherBrokerPid;
        this.broker0 = ProcFs.cpuTicks(brokerPid).orElse(0);
        this.otherBroker0 = ProcFs.cpuTicks(otherBrokerPid).orElse(0);
        this.self0 = ProcFs.cpuTicks(self).orElse(0);
        this.reaped0 = ProcFs.reapedChildrenCpuTicks(self).orElse(0);
    }

    /** Closes the window: reads every counter again. Call after the tool JVM has exited (and been reaped). */
    void end() {
        ProcFs.MachineCpu machine1 = ProcFs.machineCpu();
        brokerTicks = ProcFs.cpuTicks(brokerPid).orElse(broker0) - broker0;
        long otherBroker = ProcFs.cpuTicks(otherBrokerPid).orElse(otherBroker0) - otherBroker0;
        long selfTicks = ProcFs.cpuTicks(self).orElse(self0) - self0;
        clientTicks = ProcFs.reapedChildrenCpuTicks(self).orElse(reaped0) - reaped0;
        long busy = machine1.busyTicks() - machine0.busyTicks();
        long capacity = machine1.totalTicks() - machine0.totalTicks();
        otherPct = otherPercent(busy, capacity, brokerTicks + otherBroker + selfTicks + clientTicks);
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
