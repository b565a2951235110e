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

  BenchSettings withRepetitions(int n) {
    return new BenchSettings(
        n,
        catchUpKilobyte,
        catchUpSmall,
        calibration,
        warmup,
        latency,
        streaming,
        catchUpTimeout,
        memoryPartitions,
        memoryMessagesPerPartition);
  }

  BenchSettings withMemoryPartitions(int n) {
    return new BenchSettings(
        repetitions,
        catchUpKilobyte,
        catchUpSmall,
        calibration,
        warmup,
        latency,
        streaming,
        catchUpTimeout,
        n,
        memoryMessagesPerPartition);
  }

  /** The same with other warm-up and measurement durations for the latency and streaming phases. */
  BenchSettings withPhases(Duration warmup, Duration measure) {
    return new BenchSettings(
        repetitions,
        catchUpKilobyte,
        catchUpSmall,
        measure,
        warmup,
        measure,
        measure,
        catchUpTimeout,
        memoryPartitions,
        memoryMessagesPerPartition);
  }

  /** The same with a catch-up backlog of {@code messages} for every message size. */
  BenchSettings withCatchUp(long messages) {
    return new BenchSettings(
        repetitions,
        messages,
        messages,
        calibration,
        warmup,
        latency,
        streaming,
        catchUpTimeout,
        memoryPartitions,
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
