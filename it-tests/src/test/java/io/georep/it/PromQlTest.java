package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void aBareNameAndANameWithMatchers() {
    assertThat(PromQl.metricNames("georep_link_paused")).containsExactly("georep_link_paused");
    assertThat(PromQl.metricNames("georep_link_paused == 1")).containsExactly("georep_link_paused");
    assertThat(PromQl.metricNames("up{job=\"georep\"} == 0")).containsExactly("up");
  }

  @Test
  void labelNamesAndValuesInsideMatchersAreNotMetrics() {
    assertThat(
            PromQl.metricNames(
                "georep_errors_total{kind=~\"permission|schema\", link!=\"a}b\", topic=\"x\\\"y\"}"))
        .containsExactly("georep_errors_total");
  }

  @Test
  void functionsAggregationsAndTheirLabelListsAreNotMetrics() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.99, sum by (link, stage, le)"
                    + " (rate(georep_stage_seconds_bucket{stage=\"target\"}[5m])))"))
        .containsExactly("georep_stage_seconds_bucket");
    assertThat(PromQl.metricNames("sum without (instance) (increase(georep_events_total[1h]))"))
        .containsExactly("georep_events_total");
    assertThat(PromQl.metricNames("sum(rate(georep_messages_forwarded_total[5m])) by (link)"))
        .containsExactly("georep_messages_forwarded_total");
    assertThat(PromQl.metricNames("max (georep_link_fenced)"))
        .containsExactly("georep_link_fenced");
    assertThat(PromQl.metricNames("topk(5, georep_inflight_messages)"))
        .containsExactly("georep_inflight_messages");
    assertThat(PromQl.metricNames("count_values(\"value\", georep_link_paused)"))
        .containsExactly("georep_link_paused");
  }

  @Test
  void binaryOperatorsWithMatchingModifiers() {
    assertThat(
            PromQl.metricNames(
                "max by (link, topic) (georep_replication_lag_ms_milliseconds) / 1000 > 300\n"
                    + "unless on (link) (max by (link) (georep_link_paused + georep_link_fenced) > 0)"))
        .containsExactly(
            "georep_replication_lag_ms_milliseconds", "georep_link_paused", "georep_link_fenced");
    assertThat(
            PromQl.metricNames(
                "a_total * on (link) group_left (stage) b_seconds and ignoring(kind) c"
                    + " or bool d unless e"))
        .containsExactly("a_total", "b_seconds", "c", "d", "e");
    assertThat(PromQl.metricNames("x * on(link) group_left y")).containsExactly("x", "y");
  }

  @Test
  void timeVectorAndScalarFunctionsSelectNothing() {
    assertThat(PromQl.metricNames("time() - georep_metadata_last_success_seconds > 3600"))
        .containsExactly("georep_metadata_last_success_seconds");
    assertThat(PromQl.metricNames("vector(1) + scalar(time())")).isEmpty();
  }

  @Test
  void rangesSubqueriesOffsetsAndModifiersAreNotMetrics() {
    assertThat(
            PromQl.metricNames(
                "max_over_time(rate(georep_bytes_forwarded_bytes_total[5m] offset 1h)[1h:30s])"
                    + " @ end()"))
        .containsExactly("georep_bytes_forwarded_bytes_total");
    assertThat(PromQl.metricNames("deriv(g[15m]) > 1.5e-3 and g offset -5m > 0x1F"))
        .containsExactly("g");
  }

  @Test
  void grafanaVariablesAreNotMetrics() {
    assertThat(
            PromQl.metricNames(
                "sum by (link) (rate(georep_messages_forwarded_total{link=~\"$link\"}"
                    + "[$__rate_interval])) / $scale * ${factor:raw}"))
        .containsExactly("georep_messages_forwarded_total");
  }

  @Test
  void aNameMatcherNamesAMetric() {
    assertThat(PromQl.metricNames("{__name__=\"georep_link_paused\", link=\"a\"}"))
        .containsExactly("georep_link_paused");
    assertThat(PromQl.metricNames("count({__name__ = 'jvm_threads_live_threads'})"))
        .containsExactly("jvm_threads_live_threads");
  }

  @Test
  void namesWithColonsKeywordsInAnyCaseCommentsAndNumbers() {
    assertThat(PromQl.metricNames("job:georep_lag:max5m > Inf OR NaN # georep_not_a_metric"))
        .containsExactly("job:georep_lag:max5m");
    assertThat(PromQl.metricNames("1 + 2.5 * 3")).isEmpty();
  }

  @Test
  void anUnbalancedExpressionIsRefused() {
    assertThatThrownBy(() -> PromQl.metricNames("rate(x{a=\"b\"[5m])"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PromQl.metricNames("x{a=\"b}"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
