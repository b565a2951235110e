package io.georep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

  private static String stat(String name, long user, long system) {
    return "77 ("
        + name
        + ") S 1 4242 4242 0 -1 4194560 100 0 0 0 "
        + user
        + " "
        + system
        + " 0 0 20 0 40 0 12345 9000000 5000";
  }

  @Test
  void threadsOfOnePoolAreOneGroupWithUserAndKernelTicks() {
    String journal = stat("BookieJournal-3181", 12, 30);
    assertThat(ThreadCpu.groupOf(journal)).isEqualTo("BookieJournal-N");
    assertThat(ThreadCpu.groupOf(stat("pulsar-io-4-2", 1, 1))).isEqualTo("pulsar-io-N-N");
    assertThat(ThreadCpu.groupOf(stat("VM (Thread)", 1, 1))).isEqualTo("VM (Thread)");
    assertThat(Proc.ticksOfStat(journal)).isEqualTo(new Proc.Ticks(12, 30));
  }

  @Test
  void groupsAreSummedOverTheirThreadsAndSortedByCores() {
    ThreadCpu.Snapshot from =
        new ThreadCpu.Snapshot(
            0,
            Map.of("1", "io-N", "2", "io-N", "3", "journal"),
            Map.of(
                "1", new Proc.Ticks(100, 10),
                "2", new Proc.Ticks(50, 0),
                "3", new Proc.Ticks(0, 0)));
    ThreadCpu.Snapshot to =
        new ThreadCpu.Snapshot(
            2_000_000_000L,
            Map.of("1", "io-N", "2", "io-N", "3", "journal", "4", "jit"),
            Map.of(
                "1", new Proc.Ticks(130, 30),
                "2", new Proc.Ticks(60, 0),
                "3", new Proc.Ticks(20, 140),
                "4", new Proc.Ticks(10, 0)));
    List<ThreadCpu.Group> groups = ThreadCpu.between(from, to);
    // journal: 160 ticks over 2 s = 0.80 cores, 0.70 of them in the kernel; io: 30+20+10 = 0.30
    assertThat(groups).extracting(ThreadCpu.Group::name).containsExactly("journal", "io-N", "jit");
    assertThat(groups.get(0).cores()).isEqualTo(0.80);
    assertThat(groups.get(0).systemCores()).isEqualTo(0.70);
    assertThat(groups.get(1).cores()).isEqualTo(0.30);
    assertThat(groups.get(1).systemCores()).isEqualTo(0.10);
    assertThat(groups.get(2).cores()).as("a thread born meanwhile counts whole").isEqualTo(0.05);
    assertThat(ThreadCpu.describe(groups, 2)).isEqualTo("journal 0.80 (0.70), io-N 0.30 (0.10)");
  }
}
