package io.georep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results as markdown tables: absolute figures (median and range over the repetitions) with the
 * ratios georep/built-in and georep/pipe, then the targets, met or missed.
 */
final class MarkdownReport {
  /** The rows of the main table, in order. */
  static final List<Metric> ROWS =
      List.of(
          Metric.STREAM_RATE,
          Metric.CATCHUP_RATE,
          Metric.CATCHUP_SECONDS,
          Metric.HALF_LOAD_RATE,
          Metric.LAG_P50,
          Metric.LAG_P99,
          Metric.LAG_MAX,
          Metric.SOURCE_PUBLISH_P99,
          Metric.STAGE_SOURCE_P99,
          Metric.STAGE_FORWARD_P99,
          Metric.STAGE_TARGET_P99,
          Metric.GC_PAUSE_HALF,
          Metric.CPU_MACHINE_HALF,
          Metric.CPU_OURS_HALF,
          Metric.CPU_PROCESS_HALF,
          Metric.CPU_MACHINE_STREAM,
          Metric.CPU_OURS_STREAM,
          Metric.CPU_PROCESS_STREAM,
          Metric.TARGET_BYTES,
          Metric.PEAK_RSS,
          Metric.PEAK_HEAP,
          Metric.FOREIGN_CPU);

  private static final String NA = "n/a";

  private MarkdownReport() {}

  static String render(Results results) {
    StringBuilder md = new StringBuilder();
    md.append(figures(results)).append('\n').append(targets(results));
    if (!results.unavailable().isEmpty()) {
      md.append('\n');
      results
          .unavailable()
          .forEach(
              (c, why) -> md.append("- ").append(c.label()).append(": ").append(why).append('\n'));
    }
    if (!results.memoryScales().isEmpty()) {
      md.append('\n');
      results.memoryScales().forEach(m -> md.append(memoryScale(m)));
    }
    return md.toString();
  }

  /** The main table: one row per workload and metric, a column per contender, then the ratios. */
  static String figures(Results results) {
    // a contender that measured nothing (one not wired, say) gets no column; the notes say why
    List<Contender> columns =
        results.contenders().stream()
            .filter(
                c ->
                    results.workloads().stream()
                        .anyMatch(
                            w ->
                                java.util.Arrays.stream(Metric.values())
                                    .anyMatch(m -> results.summary(w, c, m).n() > 0)))
            .toList();
    boolean vsBuiltIn = columns.contains(Contender.BUILT_IN);
    boolean vsPipe = columns.contains(Contender.PIPE);
    List<String> header = new ArrayList<>(List.of("workload", "metric"));
    columns.forEach(c -> header.add(c.label()));
    if (vsBuiltIn) {
      header.add("georep/built-in");
    }
    if (vsPipe) {
      header.add("georep/pipe");
    }
    List<List<String>> rows = new ArrayList<>();
    for (Workload w : results.workloads()) {
      for (Metric m : ROWS) {
        boolean any = columns.stream().anyMatch(c -> results.summary(w, c, m).n() > 0);
        if (!any) {
          continue;
        }
        List<String> row = new ArrayList<>(List.of(w.label(), m.label() + " (" + m.unit() + ")"));
        columns.forEach(c -> row.add(cell(results.summary(w, c, m), m)));
        if (vsBuiltIn) {
          row.add(
              m.comparable()
                  ? ratio(results.ratio(w, m, Contender.GEOREP, Contender.BUILT_IN))
                  : "");
        }
        if (vsPipe) {
          row.add(
              m.comparable() ? ratio(results.ratio(w, m, Contender.GEOREP, Contender.PIPE)) : "");
        }
        rows.add(row);
      }
    }
    return table(header, rows);
  }

  /** Each target on each workload: the ratio (or value), the goal and whether it was met. */
  static String targets(Results results) {
    List<List<String>> rows = new ArrayList<>();
    for (Target target : Target.ALL) {
      if (target.versus() != null && !results.contenders().contains(target.versus())) {
        continue;
      }
      for (Target.Outcome o : target.evaluate(results)) {
        String value =
            !o.measured()
                ? NA
                : target.versus() == null
                    ? number(o.value(), target.metric()) + " " + target.metric().unit()
                    : ratio(o.value());
        String verdict =
            !o.measured()
                ? (target.versus() != null && results.unavailable().containsKey(target.versus())
                    ? "not measured: "
                        + target.versus().label()
                        + " "
                        + results.unavailable().get(target.versus())
                    : "not measured")
                : o.met() ? "met" : "**missed**";
        rows.add(List.of(target.goal(), labelOf(results, o.workload()), value, verdict));
      }
    }
    return table(List.of("target", "workload", "georep", "result"), rows);
  }

  static String memoryScale(Results.MemoryScaleResult m) {
    return String.format(
        Locale.ROOT,
        "georep (forwarding: %s) catching up %,d messages of %d bytes spread over %,d partitions:"
            + " %s in %.1f s, peak RSS %,.0f MB, peak heap used %,.0f MB, RSS at the end %,.0f"
            + " MB.%n",
        m.forwarding(),
        m.messages(),
        m.messageBytes(),
        m.partitions(),
        m.note(),
        m.seconds(),
        m.peakRssMb(),
        m.peakHeapMb(),
        m.rssAtEndMb());
  }

  private static String labelOf(Results results, String workloadId) {
    return results.workloads().stream()
        .filter(w -> w.id().equals(workloadId))
        .map(Workload::label)
        .findFirst()
        .orElse(workloadId);
  }

  /** {@code median [min–max]}, or the median alone for one repetition. */
  static String cell(Stats.Summary s, Metric m) {
    if (s.n() == 0) {
      return NA;
    }
    if (s.n() == 1) {
      return number(s.median(), m);
    }
    return number(s.median(), m) + " [" + number(s.min(), m) + "–" + number(s.max(), m) + "]";
  }

  static String number(double v, Metric m) {
    if (Double.isNaN(v)) {
      return NA;
    }
    return switch (m.unit()) {
      case "msg/s", "MB", "B" -> String.format(Locale.ROOT, "%,.0f", v);
      case "ms" -> String.format(Locale.ROOT, v < 10 ? "%.1f" : "%,.0f", v);
      case "cores" -> String.format(Locale.ROOT, "%.2f", v);
      default -> String.format(Locale.ROOT, "%.1f", v);
    };
  }

  static String ratio(double r) {
    return Double.isNaN(r) ? NA : String.format(Locale.ROOT, "%.2f", r);
  }

  /** A markdown table; pipes in cells are escaped. */
  static String table(List<String> header, List<List<String>> rows) {
    StringBuilder md = new StringBuilder();
    line(md, header);
    md.append('|');
    header.forEach(h -> md.append("---|"));
    md.append('\n');
    rows.forEach(r -> line(md, r));
    return md.toString();
  }

  private static void line(StringBuilder md, List<String> cells) {
    md.append('|');
    for (String c : cells) {
      md.append(' ').append(c.replace("|", "\\|")).append(" |");
    }
    md.append('\n');
  }
}
