package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcFsTest {

    // A command name with spaces and a ')' of its own: fields must be counted after the last ')'.
    private static final String STAT = "4242 (java (x) y) S 1 4242 31904 0 -1 4194304 102 0 0 0 "
            + "1234 567 89 10 20 0 1 0 384571 3133440 388 18446744073709551615";

    @Test
    void cpuTicksAreUtimePlusStimeAfterTheCommandName() {
        assertThat(ProcFs.statField(STAT, 14)).isEqualTo(1234);
        assertThat(ProcFs.statField(STAT, 15)).isEqualTo(567);
        assertThat(ProcFs.parseCpuTicks(STAT)).isEqualTo(1801);
        assertThat(ProcFs.statField(STAT, 16) + ProcFs.statField(STAT, 17)).isEqualTo(99);
    }

    @Test
    void statusValuesInKib() {
        String status = "Name:\tjava\nVmPeak:\t 5000000 kB\nVmHWM:\t  412345 kB\nVmRSS:\t  300000 kB\n";

        assertThat(ProcFs.statusKb(status, "VmHWM")).hasValue(412_345);
        assertThat(ProcFs.statusKb(status, "VmRSS")).hasValue(300_000);
        assertThat(ProcFs.statusKb(status, "VmSwap")).isEmpty();
    }

    @Test
    void machineCpuCountsIowaitAsIdleAndIgnoresGuestTime() {
        String stat = "cpu  100 10 50 800 40 5 5 0 77 0\ncpu0 50 5 25 400 20 2 3 0 0 0\nintr 1 2 3\n";

        ProcFs.MachineCpu cpu = ProcFs.parseMachineCpu(stat);

        assertThat(cpu.totalTicks()).isEqualTo(100 + 10 + 50 + 800 + 40 + 5 + 5);
        assertThat(cpu.idleTicks()).isEqualTo(840);
        assertThat(cpu.busyTicks()).isEqualTo(170);
    }

    @Test
    void loadAverageIsTheFirstThreeFields() {
        assertThat(ProcFs.parseLoadAverage("0.93 1.21 0.77 2/612 12352\n")).isEqualTo("0.93 1.21 0.77");
    }

    @Test
    void otherShareIsBusyTimeNotOursAndNeverNegative() {
        assertThat(CpuWindow.otherPercent(150, 200, 50)).isEqualTo(50.0);
        assertThat(CpuWindow.otherPercent(40, 200, 50)).isZero();
        assertThat(CpuWindow.otherPercent(10, 0, 0)).isZero();
    }

    @Test
    void readsThisLiveProcess() {
        long self = ProcessHandle.current().pid();

        assertThat(ProcFs.cpuTicks(self)).isPresent();
        long rss = ProcFs.rssKb(self).orElseThrow();
        assertThat(ProcFs.peakRssKb(self).orElseThrow()).isGreaterThanOrEqualTo(rss); // the peak only grows
        assertThat(ProcFs.machineCpu().totalTicks()).isPositive();
        assertThat(ProcFs.cpuTicks(Long.MAX_VALUE)).isEmpty();
    }
}
