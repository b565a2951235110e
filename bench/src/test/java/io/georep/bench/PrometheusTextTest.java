package io.georep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String TEXT =
      """
      # HELP jvm_memory_used_bytes The amount of used memory
      # TYPE jvm_memory_used_bytes gauge
      jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.2E7
      jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 3000000.0
      jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
      jvm_memory_used_bytes_other{area="heap"} 99
      georep_checkpoint_write_seconds_count{link="bench",topic="a"} 10
      georep_checkpoint_write_seconds_count{link="bench",topic="b"} 5
      georep_inflight_messages 7
      """;

  @Test
  void sumsTheSamplesWhoseLabelsMatch() {
    assertThat(PrometheusText.sum(TEXT, "jvm_memory_used_bytes", "area=\"heap\""))
        .isEqualTo(15_000_000.0);
    assertThat(PrometheusText.sum(TEXT, "georep_checkpoint_write_seconds_count", ""))
        .isEqualTo(15.0);
  }

  @Test
  void readsSamplesWithoutLabels() {
    assertThat(PrometheusText.sum(TEXT, "georep_inflight_messages", "")).isEqualTo(7.0);
  }

  @Test
  void zeroWhenAbsent() {
    assertThat(PrometheusText.sum(TEXT, "georep_messages_forwarded_total", "")).isZero();
  }

  private static final String STAGES =
      """
      # TYPE georep_stage_seconds histogram
      georep_stage_seconds_bucket{link="a",stage="target",le="0.005"} 90
      georep_stage_seconds_bucket{link="a",stage="target",le="0.05"} 99
      georep_stage_seconds_bucket{link="a",stage="target",le="+Inf"} 100
      georep_stage_seconds_bucket{link="b",stage="target",le="0.005"} 10
      georep_stage_seconds_bucket{link="b",stage="target",le="0.05"} 10
      georep_stage_seconds_bucket{link="b",stage="target",le="+Inf"} 10
      georep_stage_seconds_bucket{link="a",stage="source",le="0.005"} 7
      georep_stage_seconds_count{link="a",stage="target"} 100
      """;

  @Test
  void sumsAHistogramsBucketsOverTheMatchingSeries() {
    PrometheusText.Histogram target =
        PrometheusText.histogram(STAGES, "georep_stage_seconds", "stage=\"target\"");

    assertThat(target.bounds()).containsExactly(0.005, 0.05, Double.POSITIVE_INFINITY);
    assertThat(target.counts()).containsExactly(100, 109, 110);
    assertThat(target.total()).isEqualTo(110);
  }

  @Test
  void aPercentileIsTheBoundOfTheBucketThatReachesIt() {
    PrometheusText.Histogram target =
        PrometheusText.histogram(STAGES, "georep_stage_seconds", "link=\"a\",stage=\"target\"");

    assertThat(target.percentileBound(50)).isEqualTo(0.005);
    assertThat(target.percentileBound(90)).isEqualTo(0.005);
    assertThat(target.percentileBound(99)).isEqualTo(0.05);
    assertThat(target.percentileBound(99.9)).isInfinite();
  }

  @Test
  void aHistogramSinceAnEarlierReadingHoldsOnlyTheNewObservations() {
    String earlier =
        """
        georep_stage_seconds_bucket{link="a",stage="target",le="0.005"} 80
        georep_stage_seconds_bucket{link="a",stage="target",le="0.05"} 80
        georep_stage_seconds_bucket{link="a",stage="target",le="+Inf"} 80
        """;
    String fragment = "link=\"a\",stage=\"target\"";
    PrometheusText.Histogram since =
        PrometheusText.histogram(STAGES, "georep_stage_seconds", fragment)
            .since(PrometheusText.histogram(earlier, "georep_stage_seconds", fragment));

    assertThat(since.counts()).containsExactly(10, 19, 20);
    assertThat(since.percentileBound(50)).isEqualTo(0.005);
    assertThat(since.percentileBound(90)).isEqualTo(0.05);
  }

  @Test
  void anAbsentHistogramIsEmptyAndHasNoPercentile() {
    PrometheusText.Histogram none = PrometheusText.histogram(TEXT, "georep_stage_seconds", "");

    assertThat(none.total()).isZero();
    assertThat(none.percentileBound(99)).isNaN();
  }
}
