package io.georep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One of the targets for georep: a ratio of medians against another contender measured in
 * the same run ({@code versus}), or, without {@code versus}, an absolute bound on georep's own
 * median. A ratio of at least the threshold passes where more is better, at most where less is.
 */
record Target(
    String id,
    String goal,
    Metric metric,
    Contender versus,
    double threshold,
    Predicate<Workload> applies) {

  /** The outcome on one workload; {@code value} is NaN (and {@code met} false) when unmeasured. */
  record Outcome(Target target, String workload, double value, boolean measured, boolean met) {}

  static final List<Target> ALL =
      List.of(
          new Target(
              "streaming-1kb",
              "streaming >= 1.2x built-in (1 KB)",
              Metric.STREAM_RATE,
              Contender.BUILT_IN,
              1.2,
              Workload::kilobyte),
          new Target(
              "streaming-100b",
              "streaming >= 1.0x built-in (100 B)",
              Metric.STREAM_RATE,
              Contender.BUILT_IN,
              1.0,
              w -> !w.kilobyte()),
          new Target(
              "catchup-pipe",
              "catch-up >= 0.9x pipe",
              Metric.CATCHUP_RATE,
              Contender.PIPE,
              0.9,
              w -> true),
          new Target(
              "catchup-builtin",
              "catch-up >= 1.2x built-in",
              Metric.CATCHUP_RATE,
              Contender.BUILT_IN,
              1.2,
              w -> true),
          new Target(
              "lag-p99",
              "p99 lag <= built-in at 50% load",
              Metric.LAG_P99,
              Contender.BUILT_IN,
              1.0,
              w -> true),
          new Target(
              "cpu-bench",
              "CPU/msg of all bench processes <= 1.2x built-in (50% load)",
              Metric.CPU_OURS_HALF,
              Contender.BUILT_IN,
              1.2,
              w -> true),
          new Target(
              "cpu-machine",
              "whole-machine CPU/msg <= 1.2x built-in (50% load)",
              Metric.CPU_MACHINE_HALF,
              Contender.BUILT_IN,
              1.2,
              w -> true),
          new Target(
              "state-cost",
              "checkpoints + position map cost <= 5% of throughput",
              Metric.STREAM_RATE,
              Contender.GEOREP_NO_STATE,
              0.95,
              w -> true),
          new Target("rss", "georep peak RSS <= 300 MB", Metric.PEAK_RSS, null, 300, w -> true));

  boolean met(double value) {
    return metric.higherIsBetter() ? value >= threshold : value <= threshold;
  }

  /** georep's ratio (or value) on each workload the target applies to. */
  List<Outcome> evaluate(Results results) {
    List<Outcome> outcomes = new ArrayList<>();
    for (Workload w : results.workloads()) {
      if (!applies.test(w)) {
        continue;
      }
      double value =
          versus == null
              ? results.summary(w, Contender.GEOREP, metric).median()
              : results.ratio(w, metric, Contender.GEOREP, versus);
      boolean measured = !Double.isNaN(value);
      outcomes.add(new Outcome(this, w.id(), value, measured, measured && met(value)));
    }
    return outcomes;
  }
}
