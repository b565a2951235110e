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
}
