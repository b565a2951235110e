package io.georep.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of the machine and of named processes between two instants, from {@code /proc}. A
 * process that is gone at either instant counts 0.
 */
final class CpuMeter {
  private CpuMeter() {}

  /** Ticks at one instant. */
  record Snapshot(long nanos, Proc.MachineTicks machine, Map<String, Long> processTicks) {}

  /**
   * CPU seconds spent between two snapshots: by the whole machine (all cores, every process) and by
   * each named process; {@code wallSeconds} is the time between them.
   */
  record Usage(double wallSeconds, double machineSeconds, Map<String, Double> processSeconds) {
    /** CPU seconds of all the named processes together. */
    double processSum() {
      return processSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    double of(String process) {
      return processSeconds.getOrDefault(process, 0.0);
    }

    /** Cores kept busy by processes that are not named: other users of the machine. */
    double foreignCores() {
      return wallSeconds > 0 ? Math.max(0, machineSeconds - processSum()) / wallSeconds : 0;
    }
  }

  static Snapshot snapshot(Map<String, Long> pids) {
    Map<String, Long> ticks = new LinkedHashMap<>();
    pids.forEach((name, pid) -> ticks.put(name, Proc.cpuTicks(pid).orElse(-1)));
    return new Snapshot(System.nanoTime(), Proc.machineTicks(), ticks);
  }

  static Usage between(Snapshot from, Snapshot to) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    to.processTicks()
        .forEach(
            (name, ticks) -> {
              Long before = from.processTicks().get(name);
              seconds.put(
                  name,
                  before == null || before < 0 || ticks < 0
                      ? 0.0
                      : (ticks - before) / Proc.TICKS_PER_SECOND);
            });
    return new Usage(
        (to.nanos() - from.nanos()) / 1e9,
        (to.machine().busy() - from.machine().busy()) / Proc.TICKS_PER_SECOND,
        seconds);
  }
}
