package io.georep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcTest {

  @Test
  void cpuTicksOfAProcessAreUserPlusSystem() {
    // a command name with spaces and parentheses, as /proc allows
    String stat =
        "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1500 250 3 4 20 0 40 0 12345"
            + " 9000000 5000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
    assertThat(Proc.cpuTicksOfStat(stat)).isEqualTo(1750);
  }

  @Test
  void machineTicksCountIdleAndIowaitAsNotBusy() {
    String procStat =
        "cpu  100 10 50 1000 40 5 5 2 7 0\n" + "cpu0 50 5 25 500 20 2 3 1 0 0\n" + "intr 12345\n";
    Proc.MachineTicks ticks = Proc.machineTicksOf(procStat);
    // user nice system idle iowait irq softirq steal; guest is inside user already
    assertThat(ticks.total()).isEqualTo(100 + 10 + 50 + 1000 + 40 + 5 + 5 + 2);
    assertThat(ticks.busy()).isEqualTo(100 + 10 + 50 + 5 + 5 + 2);
  }

  @Test
  void statusFieldsInKilobytes() {
    String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  523456 kB\nVmRSS:\t  400000 kB\n";
    assertThat(Proc.statusKbOf(status, "VmHWM")).hasValue(523456);
    assertThat(Proc.statusKbOf(status, "VmRSS")).hasValue(400000);
    assertThat(Proc.statusKbOf(status, "VmSwap")).isEmpty();
  }

  @Test
  void usageBetweenSnapshotsInSeconds() {
    CpuMeter.Snapshot from =
        new CpuMeter.Snapshot(
            0, new Proc.MachineTicks(1000, 5000), Map.of("broker", 100L, "gone", -1L));
    CpuMeter.Snapshot to =
        new CpuMeter.Snapshot(
            2_000_000_000L, new Proc.MachineTicks(1400, 5400), Map.of("broker", 250L, "gone", 10L));
    CpuMeter.Usage usage = CpuMeter.between(from, to);
    assertThat(usage.wallSeconds()).isEqualTo(2.0);
    assertThat(usage.machineSeconds()).isEqualTo(4.0);
    assertThat(usage.of("broker")).isEqualTo(1.5);
    assertThat(usage.of("gone")).isZero();
    assertThat(usage.processSum()).isEqualTo(1.5);
    assertThat(usage.foreignCores()).isEqualTo(1.25);
  }
}
