package io.georep.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every trial of a run, and their summaries: per workload, contender and metric the median and
 * range over the repetitions, and ratios of medians between contenders.
 *
 * @param latencyRates per workload id, the fixed rate of the latency phase (50% of built-in's
 *     calibrated streaming throughput)
 * @param unavailable contenders that could not be measured, with the reason (e.g. a diagnostic
 *     switch that the daemon does not honour yet)
 * @param memoryScales the memory of georep with many partitions of backlog, one per forwarding mode
 *     that scenario ran in (none when it did not run)
 */
record Results(
    List<Workload> workloads,
    List<Contender> contenders,
    List<TrialResult> trials,
    Map<String, Double> latencyRates,
    Map<Contender, String> unavailable,
    List<MemoryScaleResult> memoryScales) {

  Results {
    workloads = List.copyOf(workloads);
    contenders = List.copyOf(contenders);
    trials = List.copyOf(trials);
    latencyRates = Map.copyOf(latencyRates);
    unavailable = Map.copyOf(unavailable);
    memoryScales = List.copyOf(memoryScales);
  }

  /**
   * georep's memory while catching up a backlog spread over many partitions.
   *
   * @param forwarding the link's forwarding mode: {@code entries} or {@code messages}
   */
  record MemoryScaleResult(
      String forwarding,
      int partitions,
      long messages,
      int messageBytes,
      double seconds,
      boolean complete,
      double peakRssMb,
      double peakHeapMb,
      double rssAtEndMb,
      String note) {}

  /** The values of one metric over the repetitions, in the order they ran. */
  List<Double> values(Workload workload, Contender contender, Metric metric) {
    List<Double> values = new ArrayList<>();
    for (TrialResult t : trials) {
      if (t.workload().equals(workload.id()) && t.contender() == contender) {
        Double v = t.values().get(metric);
        if (v != null) {
          values.add(v);
        }
      }
    }
    return values;
  }

  Stats.Summary summary(Workload workload, Contender contender, Metric metric) {
    return Stats.summarize(values(workload, contender, metric));
  }

  /** Median of {@code a} over median of {@code b}; NaN when either was not measured. */
  double ratio(Workload workload, Metric metric, Contender a, Contender b) {
    return summary(workload, a, metric).ratioTo(summary(workload, b, metric));
  }

  /** Every summary of a workload, by contender label and metric key, for the JSON output. */
  Map<String, Map<String, Stats.Summary>> summaries(Workload workload) {
    Map<String, Map<String, Stats.Summary>> byContender = new LinkedHashMap<>();
    for (Contender c : contenders) {
      Map<String, Stats.Summary> byMetric = new LinkedHashMap<>();
      for (Metric m : Metric.values()) {
        Stats.Summary s = summary(workload, c, m);
        if (s.n() > 0) {
          byMetric.put(m.key(), s);
        }
      }
      byContender.put(c.label(), byMetric);
    }
    return byContender;
  }
}
