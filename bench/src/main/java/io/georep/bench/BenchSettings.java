package io.georep.bench;

import java.time.Duration;

/**
 * How long each phase runs and how much it moves.
 *
 * @param repetitions trials per workload and contender, interleaved
 * @param catchUpKilobyte backlog of the catch-up phase for 1 KB messages
 * @param catchUpSmall backlog of the catch-up phase for 100 B messages
 * @param calibration how long built-in streams in the warm-up round (after {@code warmup})
 * @param warmup excluded from the latency and streaming figures, at the start of each phase
 * @param latency measured part of the latency phase
 * @param streaming measured part of the streaming phase
 * @param catchUpTimeout how long the catch-up phase may take before it counts as failed
 * @param memoryPartitions partitions of the memory scenario; 0 skips it
 * @param memoryMessagesPerPartition backlog per partition in the memory scenario
 */
record BenchSettings(
    int repetitions,
    long catchUpKilobyte,
    long catchUpSmall,
    Duration calibration,
    Duration warmup,
    Duration latency,
    Duration streaming,
    Duration catchUpTimeout,
    int memoryPartitions,
    int memoryMessagesPerPartition) {

  static BenchSettings full() {
    return new BenchSettings(
        3,
        200_000,
        500_000,
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        Duration.ofSeconds(15),
        Duration.ofMinutes(5),
        1000,
        200);
  }

  /** For {@code --quick}: one repetition of short phases; the whole run within 5 minutes. */
  static BenchSettings quick() {
    return new BenchSettings(
        1,
        20_000,
        50_000,
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofSeconds(2),
        Duration.ofMinutes(1),
        0,
        0);
  }

  long catchUpMessages(Workload workload) {
    return workload.kilobyte() ? catchUpKilobyte : catchUpSmall;
  }

  /**
   * The same with what the command line overrides; a null keeps the value. {@code measure} is the
   * measured part of the latency and streaming phases and of the warm-up round's streaming.
   */
  BenchSettings with(
      Integer repetitions,
      Long catchUpMessages,
      Duration warmup,
      Duration measure,
      Integer memoryPartitions) {
    return new BenchSettings(
        repetitions != null ? repetitions : this.repetitions,
        catchUpMessages != null ? catchUpMessages : catchUpKilobyte,
        catchUpMessages != null ? catchUpMessages : catchUpSmall,
        measure != null ? measure : calibration,
        warmup != null ? warmup : this.warmup,
        measure != null ? measure : latency,
        measure != null ? measure : streaming,
        catchUpTimeout,
        memoryPartitions != null ? memoryPartitions : this.memoryPartitions,
        memoryMessagesPerPartition);
  }

  /** The settings as the JSON output shows them (durations in seconds). */
  java.util.Map<String, Object> describe() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("repetitions", repetitions);
    m.put("catchUpMessages1KB", catchUpKilobyte);
    m.put("catchUpMessages100B", catchUpSmall);
    m.put("calibrationSeconds", calibration.toMillis() / 1000.0);
    m.put("warmupSeconds", warmup.toMillis() / 1000.0);
    m.put("latencySeconds", latency.toMillis() / 1000.0);
    m.put("streamingSeconds", streaming.toMillis() / 1000.0);
    m.put("catchUpTimeoutSeconds", catchUpTimeout.toSeconds());
    m.put("memoryPartitions", memoryPartitions);
    m.put("memoryMessagesPerPartition", memoryMessagesPerPartition);
    return m;
  }
}
