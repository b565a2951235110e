package io.georep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportsTest {
  private static final Workload KB = Workload.byId("1kb-1");
  private static final Workload SMALL = Workload.byId("100b-8");

  private static TrialResult trial(Workload w, Contender c, int rep, Map<Metric, Double> values) {
    return new TrialResult(w.id(), c, rep, values, List.of(), Map.of(), Map.of());
  }

  /** Three repetitions of georep, built-in and pipe on two workloads. */
  private static Results results() {
    List<TrialResult> trials = new ArrayList<>();
    for (int rep = 1; rep <= 3; rep++) {
      for (Workload w : List.of(KB, SMALL)) {
        trials.add(
            trial(
                w,
                Contender.GEOREP,
                rep,
                Map.of(
                    Metric.STREAM_RATE, 12_000.0 + rep * 1000,
                    Metric.CATCHUP_RATE, 30_000.0,
                    Metric.LAG_P99, 40.0,
                    Metric.PEAK_RSS, 250.0)));
        trials.add(
            trial(
                w,
                Contender.BUILT_IN,
                rep,
                Map.of(
                    Metric.STREAM_RATE, 10_000.0,
                    Metric.CATCHUP_RATE, 20_000.0,
                    Metric.LAG_P99, 50.0)));
        trials.add(
            trial(
                w,
                Contender.PIPE,
                rep,
                Map.of(Metric.STREAM_RATE, 26_000.0, Metric.CATCHUP_RATE, 40_000.0)));
      }
    }
    return new Results(
        List.of(KB, SMALL),
        List.of(Contender.GEOREP, Contender.BUILT_IN, Contender.PIPE),
        trials,
        Map.of(KB.id(), 5000.0, SMALL.id(), 9000.0),
        Map.of(),
        List.of());
  }

  @Test
  void summariesAreMediansAndRangesOverRepetitions() {
    Results r = results();
    assertThat(r.summary(KB, Contender.GEOREP, Metric.STREAM_RATE))
        .isEqualTo(new Stats.Summary(14_000.0, 13_000.0, 15_000.0, 3));
    assertThat(r.ratio(KB, Metric.STREAM_RATE, Contender.GEOREP, Contender.BUILT_IN))
        .isEqualTo(1.4);
    assertThat(r.ratio(KB, Metric.LAG_MAX, Contender.GEOREP, Contender.BUILT_IN)).isNaN();
  }

  @Test
  void markdownShowsFiguresRangesAndRatios() {
    String md = MarkdownReport.figures(results());
    assertThat(md)
        .contains(
            "| workload | metric | georep | built-in | pipe | georep/built-in | georep/pipe |")
        .contains(
            "| 1 KB, 1 topic | streaming throughput (msg/s) | 14,000 [13,000–15,000] | 10,000"
                + " [10,000–10,000] | 26,000 [26,000–26,000] | 1.40 | 0.54 |")
        .contains(
            "| 1 KB, 1 topic | lag p99 at 50% load (ms) | 40 [40–40] | 50 [50–50] | n/a | 0.80 | n/a |");
    // a metric nobody measured has no row
    assertThat(md).doesNotContain("lag max");
  }

  @Test
  void targetsAreMetOrMissedPerWorkload() {
    String md = MarkdownReport.targets(results());
    assertThat(md)
        .contains("| streaming >= 1.2x built-in (1 KB) | 1 KB, 1 topic | 1.40 | met |")
        .contains("| streaming >= 1.0x built-in (100 B) | 100 B, 8 partitions | 1.40 | met |")
        .contains("| catch-up >= 0.9x pipe | 1 KB, 1 topic | 0.75 | **missed** |")
        .contains("| catch-up >= 1.2x built-in | 1 KB, 1 topic | 1.50 | met |")
        .contains("| p99 lag <= built-in at 50% load | 1 KB, 1 topic | 0.80 | met |")
        .contains("| georep peak RSS <= 300 MB | 1 KB, 1 topic | 250 MB | met |")
        .contains(
            "| whole-machine CPU/msg <= 1.2x built-in (50% load) | 1 KB, 1 topic | n/a | not measured |");
    // the no-state contender did not run: its target is left out
    assertThat(md).doesNotContain("checkpoints");
  }

  @Test
  void anUnavailableContenderIsNamedWithItsReason() {
    Results base = results();
    Results r =
        new Results(
            base.workloads(),
            List.of(Contender.GEOREP, Contender.GEOREP_NO_STATE),
            base.trials(),
            base.latencyRates(),
            Map.of(Contender.GEOREP_NO_STATE, "not wired"),
            List.of());
    String md = MarkdownReport.render(r);
    assertThat(md)
        .contains(
            "| checkpoints + position map cost <= 5% of throughput | 1 KB, 1 topic | n/a | not"
                + " measured: georep-no-state not wired |")
        .contains("- georep-no-state: not wired");
  }

  @Test
  void jsonHasSummariesRatiosTargetsAndTrials() throws Exception {
    String json = JsonReport.render(results(), Map.of("command", "bin/georep-bench --quick"));
    JsonNode root = new ObjectMapper().readTree(json);
    assertThat(root.path("run").path("command").asText()).isEqualTo("bin/georep-bench --quick");
    JsonNode kb = root.path("workloads").get(0);
    assertThat(kb.path("id").asText()).isEqualTo("1kb-1");
    assertThat(kb.path("latencyPhaseRate").asDouble()).isEqualTo(5000.0);
    JsonNode stream = kb.path("contenders").path("georep").path("streaming.msgPerSec");
    assertThat(stream.path("median").asDouble()).isEqualTo(14_000.0);
    assertThat(stream.path("min").asDouble()).isEqualTo(13_000.0);
    assertThat(stream.path("n").asInt()).isEqualTo(3);
    assertThat(kb.path("ratios").path("georep/built-in").path("streaming.msgPerSec").asDouble())
        .isEqualTo(1.4);
    assertThat(root.path("targets").get(0).path("met").asBoolean()).isTrue();
    JsonNode cpuTarget = null;
    for (JsonNode t : root.path("targets")) {
      if (t.path("id").asText().equals("cpu-machine")) {
        cpuTarget = t;
      }
    }
    assertThat(cpuTarget).isNotNull();
    assertThat(cpuTarget.path("ratio").isNull()).isTrue(); // NaN is not JSON
    assertThat(cpuTarget.path("met").isNull()).isTrue();
    assertThat(root.path("trials")).hasSize(18);
  }

  @Test
  void jsonReadsBackToTheSameTables() throws Exception {
    Results original = results();
    Results read = JsonReport.read(JsonReport.render(original, Map.of()));
    assertThat(read.contenders()).isEqualTo(original.contenders());
    assertThat(read.latencyRates()).isEqualTo(original.latencyRates());
    assertThat(MarkdownReport.render(read)).isEqualTo(MarkdownReport.render(original));
  }

  @Test
  void theMemoryScenarioHasALinePerForwardingModeAndReadsBack() throws Exception {
    Results base = results();
    Results r =
        new Results(
            base.workloads(),
            base.contenders(),
            base.trials(),
            base.latencyRates(),
            Map.of(),
            List.of(
                new Results.MemoryScaleResult(
                    "entries", 1000, 200_000, 1024, 28.1, true, 370, 101, 302, "all delivered"),
                new Results.MemoryScaleResult(
                    "messages", 1000, 200_000, 1024, 40.5, true, 390, 110, 310, "all delivered")));
    String md = MarkdownReport.render(r);
    assertThat(md)
        .contains(
            "georep (forwarding: entries) catching up 200,000 messages of 1024 bytes spread over"
                + " 1,000 partitions: all delivered in 28.1 s, peak RSS 370 MB")
        .contains("georep (forwarding: messages) catching up 200,000 messages");
    String json = JsonReport.render(r, Map.of());
    JsonNode scales = new ObjectMapper().readTree(json).path("memoryScales");
    assertThat(scales).hasSize(2);
    assertThat(scales.get(1).path("forwarding").asText()).isEqualTo("messages");
    assertThat(JsonReport.read(json).memoryScales()).isEqualTo(r.memoryScales());
  }

  @Test
  void anOlderResultsFileWithOneMemoryScenarioReadsAsEntries() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode root =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            mapper.readTree(JsonReport.render(results(), Map.of()));
    root.set(
        "memoryScale",
        mapper.readTree(
            "{\"partitions\":1000,\"messages\":200000,\"messageBytes\":1024,\"seconds\":28.1,"
                + "\"complete\":true,\"peakRssMb\":370,\"peakHeapMb\":101,\"rssAtEndMb\":302,"
                + "\"note\":\"all delivered\"}"));
    assertThat(JsonReport.read(mapper.writeValueAsString(root)).memoryScales())
        .singleElement()
        .satisfies(m -> assertThat(m.forwarding()).isEqualTo("entries"));
  }

  @Test
  void aContenderThatMeasuredNothingHasNoColumn() {
    Results base = results();
    Results r =
        new Results(
            base.workloads(),
            List.of(
                Contender.GEOREP, Contender.BUILT_IN, Contender.PIPE, Contender.GEOREP_NO_STATE),
            base.trials(),
            base.latencyRates(),
            Map.of(Contender.GEOREP_NO_STATE, "not wired"),
            List.of());
    assertThat(MarkdownReport.figures(r)).doesNotContain("georep-no-state");
  }

  @Test
  void numbersAreFormattedByUnit() {
    assertThat(MarkdownReport.number(12345.6, Metric.STREAM_RATE)).isEqualTo("12,346");
    assertThat(MarkdownReport.number(3.25, Metric.LAG_P50)).isEqualTo("3.3");
    assertThat(MarkdownReport.number(250.4, Metric.LAG_P99)).isEqualTo("250");
    assertThat(MarkdownReport.number(7.04, Metric.CPU_MACHINE_HALF)).isEqualTo("7.0");
    assertThat(MarkdownReport.number(Double.NaN, Metric.PEAK_RSS)).isEqualTo("n/a");
    assertThat(MarkdownReport.cell(Stats.summarize(List.of(5.0)), Metric.PEAK_RSS)).isEqualTo("5");
  }

  @Test
  void tableCellsEscapePipes() {
    assertThat(MarkdownReport.table(List.of("a"), List.of(List.of("x|y"))))
        .isEqualTo("| a |\n|---|\n| x\\|y |\n");
  }
}
