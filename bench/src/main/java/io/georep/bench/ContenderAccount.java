package io.georep.bench;

import io.georep.bench.PrometheusText.Histogram;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What georep's own metrics say of a measured phase, from a reading of its {@code /metrics} at each
 * end: where each send's time went (its per-stage histograms, {@code georep_stage_seconds}) and how
 * long its garbage collector paused it. It places a lag tail in the source broker's leg, in georep,
 * or in the target broker's leg, to the histograms' bucket resolution.
 */
record ContenderAccount(Map<String, Histogram> stages, double gcPauses, double gcSeconds) {
  static final List<String> STAGES = List.of("source", "forward", "target");

  static ContenderAccount between(String from, String to) {
    Map<String, Histogram> stages = new LinkedHashMap<>();
    for (String stage : STAGES) {
      String label = "stage=\"" + stage + "\"";
      stages.put(
          stage,
          PrometheusText.histogram(to, "georep_stage_seconds", label)
              .since(PrometheusText.histogram(from, "georep_stage_seconds", label)));
    }
    return new ContenderAccount(
        stages,
        PrometheusText.sum(to, "jvm_gc_pause_seconds_count", "")
            - PrometheusText.sum(from, "jvm_gc_pause_seconds_count", ""),
        PrometheusText.sum(to, "jvm_gc_pause_seconds_sum", "")
            - PrometheusText.sum(from, "jvm_gc_pause_seconds_sum", ""));
  }

  /** Puts the stages' p99 and the GC's pause time per second into a trial, and a note. */
  void record(Map<Metric, Double> values, List<String> notes, double wallSeconds) {
    Map<String, Metric> p99s =
        Map.of(
            "source", Metric.STAGE_SOURCE_P99,
            "forward", Metric.STAGE_FORWARD_P99,
            "target", Metric.STAGE_TARGET_P99);
    StringBuilder note =
        new StringBuilder("latency: the contender's stages, p50/p99/p99.9 in ms (bucket bounds):");
    boolean any = false;
    for (String stage : STAGES) {
      Histogram h = stages.get(stage);
      if (h.total() <= 0) {
        continue;
      }
      any = true;
      double p99 = h.percentileBound(99);
      if (Double.isFinite(p99)) {
        values.put(p99s.get(stage), p99 * 1000);
      }
      note.append(
          String.format(
              Locale.ROOT,
              " %s %s/%s/%s (%,.0f sends);",
              stage,
              millis(h.percentileBound(50)),
              millis(p99),
              millis(h.percentileBound(99.9)),
              h.total()));
    }
    if (wallSeconds > 0) {
      values.put(Metric.GC_PAUSE_HALF, gcSeconds * 1000 / wallSeconds);
    }
    note.append(
        String.format(Locale.ROOT, " GC: %.0f pauses, %.0f ms in all", gcPauses, gcSeconds * 1000));
    if (any || gcPauses > 0) {
      notes.add(note.toString());
    }
  }

  private static String millis(double seconds) {
    if (Double.isInfinite(seconds)) {
      return ">60000";
    }
    double ms = seconds * 1000;
    return ms == Math.rint(ms) ? String.format(Locale.ROOT, "%.0f", ms) : String.valueOf(ms);
  }
}
