package io.georep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContenderAccountTest {
  private static String reading(int fastSources, int slowSources, int gcPauses, double gcSeconds) {
    int sources = fastSources + slowSources;
    return String.join(
        "\n",
        "georep_stage_seconds_bucket{link=\"bench\",stage=\"source\",le=\"0.01\"} " + fastSources,
        "georep_stage_seconds_bucket{link=\"bench\",stage=\"source\",le=\"0.1\"} " + sources,
        "georep_stage_seconds_bucket{link=\"bench\",stage=\"source\",le=\"+Inf\"} " + sources,
        "georep_stage_seconds_bucket{link=\"bench\",stage=\"forward\",le=\"0.001\"} " + sources,
        "georep_stage_seconds_bucket{link=\"bench\",stage=\"forward\",le=\"+Inf\"} " + sources,
        "jvm_gc_pause_seconds_count{action=\"end of minor GC\",cause=\"x\",gc=\"Copy\"} "
            + gcPauses,
        "jvm_gc_pause_seconds_sum{action=\"end of minor GC\",cause=\"x\",gc=\"Copy\"} " + gcSeconds,
        "");
  }

  @Test
  void placesThePhasesTailInTheStageThatHoldsIt() {
    ContenderAccount account =
        ContenderAccount.between(reading(500, 0, 10, 0.2), reading(1_490, 10, 14, 0.26));
    Map<Metric, Double> values = new EnumMap<>(Metric.class);
    List<String> notes = new ArrayList<>();

    account.record(values, notes, 2.0);

    assertThat(values.get(Metric.STAGE_SOURCE_P99)).isEqualTo(10.0); // 990 of 1,000 within 10 ms
    assertThat(values.get(Metric.STAGE_FORWARD_P99)).isEqualTo(1.0);
    assertThat(values).doesNotContainKey(Metric.STAGE_TARGET_P99); // no target series read
    assertThat(values.get(Metric.GC_PAUSE_HALF))
        .isEqualTo(30.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(notes)
        .singleElement()
        .asString()
        .contains("source 10/10/100 (1,000 sends)")
        .contains("forward 1/1/1")
        .contains("GC: 4 pauses, 60 ms");
  }
}
