package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and alert files' structure, and the checker that {@link SubscriptionTranslationIT}
 * runs against a live daemon's {@code /metrics}.
 */
class OpsQueriesTest {

  private static final String METRICS =
      """
      # HELP georep_link_paused 1 while the link is paused
      # TYPE georep_link_paused gauge
      georep_link_paused{link="a"} 0.0
      # TYPE georep_messages_forwarded_total counter
      georep_messages_forwarded_total{link="a",topic="t"} 12.0
      # TYPE georep_stage_seconds histogram
      georep_stage_seconds_bucket{link="a",stage="target",le="0.001"} 3
      georep_stage_seconds_count{link="a",stage="target"} 3
      process_cpu_usage 0.25
      """;

  @Test
  void theExposedNamesAreTheSampleNames() {
    assertThat(OpsQueries.exposedNames(METRICS))
        .containsExactlyInAnyOrder(
            "georep_link_paused",
            "georep_messages_forwarded_total",
            "georep_stage_seconds_bucket",
            "georep_stage_seconds_count",
            "process_cpu_usage");
  }

  @Test
  void aQueryOfAMetricTheDaemonLacksIsNamedWithItsPlace() {
    List<OpsQueries.Query> queries =
        List.of(
            new OpsQueries.Query(
                "panel 'ok' A", "sum by (link) (rate(georep_messages_forwarded_total[5m]))"),
            new OpsQueries.Query(
                "panel 'typo' B", "histogram_quantile(0.9, rate(georep_stage_second_bucket[5m]))"),
            new OpsQueries.Query(
                "alert Stale", "georep_link_paused == 1 and georep_link_frozen == 1"));
    assertThat(OpsQueries.unknownMetrics(queries, OpsQueries.exposedNames(METRICS)))
        .extracting(Object::toString)
        .containsExactly(
            "panel 'typo' B queries georep_stage_second_bucket",
            "alert Stale queries georep_link_frozen");
  }

  @Test
  void theRepositorysDashboardQueriesEveryPanelAndVariable() {
    List<OpsQueries.Query> queries =
        OpsQueries.dashboardQueries(OpsQueries.read(OpsQueries.DASHBOARD));
    assertThat(queries)
        .extracting(OpsQueries.Query::where)
        .contains("variable $link", "variable $topic", "variable $job")
        .anyMatch(w -> w.startsWith("panel 'Errors by kind'"))
        .anyMatch(w -> w.startsWith("panel 'Translation age'"))
        .anyMatch(w -> w.startsWith("panel 'Metadata drift'"))
        .anyMatch(w -> w.startsWith("panel 'Stage latency p50 / p99'"))
        .anyMatch(w -> w.startsWith("panel 'Heap'"));
    assertThat(queries)
        .allSatisfy(q -> assertThat(PromQl.metricNames(q.expr())).as(q.where()).isNotEmpty());
  }

  @Test
  void aDashboardVariableIsReadAsItsSelector() {
    String json =
        """
        {"panels": [{"type": "row", "title": "r", "panels": [
           {"title": "inner", "targets": [{"refId": "A", "expr": "rate(a_total[5m])"}]}]}],
         "templating": {"list": [
           {"name": "link", "type": "query",
            "query": {"query": "label_values(b{job=~\\"$job\\"}, link)"}},
           {"name": "job", "type": "query", "query": "label_values(job)"},
           {"name": "ds", "type": "datasource", "query": "prometheus"}]}}
        """;
    assertThat(OpsQueries.dashboardQueries(json))
        .containsExactly(
            new OpsQueries.Query("panel 'inner' A", "rate(a_total[5m])"),
            new OpsQueries.Query("variable $link", "b{job=~\"$job\"}"));
  }

  @Test
  void theRepositorysAlertRulesAreWellFormed() {
    String yaml = OpsQueries.read(OpsQueries.ALERTS);
    assertThat(OpsQueries.alertRuleProblems(yaml)).isEmpty();
    assertThat(OpsQueries.alertQueries(yaml))
        .extracting(OpsQueries.Query::where)
        .contains(
            "alert GeorepReplicationLagHigh",
            "alert GeorepPartitionFailing",
            "alert GeorepLinkPausedLong",
            "alert GeorepLinkFenced",
            "alert GeorepMetadataConflicts",
            "alert GeorepSubscriptionTranslationStale");
  }

  @Test
  void everyProblemOfABrokenAlertFileIsNamed() {
    String yaml =
        """
        groups:
          - name: g
            rules:
              - alert: A
                expr: rate(x_total[5m]) > 0
                for: 5m
                labels: { severity: warning }
                annotations: { summary: s, description: d }
              - alert: A
                expr: rate(y_total[5m) > 0
                for: soon
                labels: { team: ops }
                annotations: { summary: s }
              - expr: vector(1)
                for: 1h30m
                labels: { severity: page }
                annotations: { summary: "", description: d }
          - rules: []
        """;
    assertThat(OpsQueries.alertRuleProblems(yaml))
        .containsExactly(
            "groups[0].rules[1] (A): alert name used twice",
            "groups[0].rules[1] (A): expr: unbalanced '[' at 12: rate(y_total[5m) > 0",
            "groups[0].rules[1] (A): 'for' is not a duration: soon",
            "groups[0].rules[1] (A): labels.severity is not one of [critical, info, warning]",
            "groups[0].rules[1] (A): no annotations.description",
            "groups[0].rules[2]: no alert name",
            "groups[0].rules[2]: expr selects no metric",
            "groups[0].rules[2]: labels.severity is not one of [critical, info, warning]",
            "groups[0].rules[2]: no annotations.summary",
            "groups[1]: no name",
            "groups[1]: no rules");
    assertThat(OpsQueries.alertRuleProblems("rules: []"))
        .containsExactly("no top-level 'groups' list");
  }

  @Test
  void aMeterIsDocumentedAndRegisteredOrNamedAsNeither() {
    assertThat(OpsQueries.undocumentedOrUnregistered("georep.subscription.sync.failures"))
        .isEmpty();
    assertThat(OpsQueries.undocumentedOrUnregistered("georep.link.frozen"))
        .containsExactly(
            "georep.link.frozen is in no docs/*.md",
            "georep.link.frozen is registered by no main code");
  }
}
