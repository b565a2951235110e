package io.georep.bench;

/** What a trial measures, with its unit and whether more is better. */
enum Metric {
  STREAM_RATE("streaming.msgPerSec", "streaming throughput", "msg/s", true),
  CATCHUP_RATE("catchup.msgPerSec", "catch-up throughput", "msg/s", true),
  CATCHUP_SECONDS("catchup.seconds", "catch-up time from start", "s", false),
  LAG_P50("latency.p50Ms", "lag p50 at 50% load", "ms", false),
  LAG_P99("latency.p99Ms", "lag p99 at 50% load", "ms", false),
  LAG_MAX("latency.maxMs", "lag max at 50% load", "ms", false),
  SOURCE_PUBLISH_P99(
      "latency.sourcePublishP99Ms",
      "p99 of the load's publish to the source's acknowledgement at 50% load",
      "ms",
      false),
  STAGE_SOURCE_P99(
      "latency.stage.sourceP99Ms",
      "p99 of publish to arrival in the contender at 50% load (bucket bound)",
      "ms",
      false),
  STAGE_FORWARD_P99(
      "latency.stage.forwardP99Ms",
      "p99 of arrival to send in the contender at 50% load (bucket bound)",
      "ms",
      false),
  STAGE_TARGET_P99(
      "latency.stage.targetP99Ms",
      "p99 of send to the target's acknowledgement at 50% load (bucket bound)",
      "ms",
      false),
  GC_PAUSE_HALF("latency.gcPauseMsPerSec", "contender GC pauses at 50% load", "ms/s", false),
  HALF_LOAD_RATE("latency.msgPerSec", "delivered at 50% load", "msg/s", true),
  CPU_PROCESS_HALF(
      "cost.half.processCpuSecPerM", "contender process CPU at 50% load", "s/M msg", false),
  CPU_OURS_HALF("cost.half.benchCpuSecPerM", "bench processes CPU at 50% load", "s/M msg", false),
  CPU_MACHINE_HALF("cost.half.machineCpuSecPerM", "machine CPU at 50% load", "s/M msg", false),
  CPU_PROCESS_STREAM(
      "cost.stream.processCpuSecPerM", "contender process CPU, streaming", "s/M msg", false),
  CPU_OURS_STREAM(
      "cost.stream.benchCpuSecPerM", "bench processes CPU, streaming", "s/M msg", false),
  CPU_MACHINE_STREAM("cost.stream.machineCpuSecPerM", "machine CPU, streaming", "s/M msg", false),
  FOREIGN_CPU("noise.foreignCores", "other processes' CPU, streaming", "cores", false),
  TARGET_BYTES("catchup.targetBytesPerMsg", "bytes written to the target per message", "B", false),
  PEAK_RSS("memory.peakRssMb", "contender peak RSS", "MB", false),
  PEAK_HEAP("memory.peakHeapMb", "contender peak heap used", "MB", false);

  private final String key;
  private final String label;
  private final String unit;
  private final boolean higherIsBetter;

  Metric(String key, String label, String unit, boolean higherIsBetter) {
    this.key = key;
    this.label = label;
    this.unit = unit;
    this.higherIsBetter = higherIsBetter;
  }

  /** Whether a ratio between contenders means anything (not for the machine's other load). */
  boolean comparable() {
    return this != FOREIGN_CPU;
  }

  /** The metric named {@code key} in the JSON output. */
  static Metric byKey(String key) {
    for (Metric m : values()) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown metric " + key);
  }

  /** The name in the JSON output. */
  String key() {
    return key;
  }

  String label() {
    return label;
  }

  String unit() {
    return unit;
  }

  boolean higherIsBetter() {
    return higherIsBetter;
  }
}
