package io.georep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.georep.config.HttpConfig;
import io.georep.daemon.ExitCodes;
import io.georep.daemon.FakeLinkControl;
import io.georep.daemon.HostPort;
import io.georep.daemon.Json;
import io.georep.daemon.SampleStatus;
import io.georep.daemon.StatusServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
  private static PrometheusMeterRegistry registry;
  private static StatusServer server;

  @BeforeAll
  static void startServer() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    server =
        StatusServer.start(
            new HostPort("127.0.0.1", 0),
            HttpConfig.defaults(),
            new StatusServer.Sources(
                () -> SampleStatus.create(true), () -> true, registry, new FakeLinkControl()));
  }

  @AfterAll
  static void stopServer() {
    server.close();
    registry.close();
  }

  @Test
  void printsATableOfLinksAndTopics() {
    CliRun run = CliRun.execute("status", "--url", server.uri().toString());

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
    List<String> lines = run.out().lines().toList();
    assertThat(lines)
        .as(run::toString)
        .containsSubsequence(
            "daemon READY, started 2026-11-25T14:00:00Z",
            "link east-to-west (east -> west): DEGRADED, 12,345 forwarded",
            "  metadata sync continuous: DRIFT, last run 2026-11-25T14:04:00Z (850ms): applied 3,"
                + " failed 0, pending 0, conflicts 2, only on target 1; next run"
                + " 2026-11-25T14:05:00Z");
    String header = row(lines, "TOPIC");
    String orders = row(lines, SampleStatus.ORDERS);
    String payments = row(lines, SampleStatus.PAYMENTS);
    assertThat(header)
        .as(run::toString)
        .containsSubsequence(
            "TOPIC", "TARGET", "STATE", "FORWARDED", "IN-FLIGHT", "BACKLOG", "LAG", "LAST ERROR");
    assertThat(orders)
        .as(run::toString)
        .containsSubsequence(
            "persistent://public/archive/orders", "RUNNING", "12,340", "17", "250", "1.5s", "-");
    assertThat(payments)
        .as(run::toString)
        .containsSubsequence("ERROR", "5", "0", "-", "0s", SampleStatus.PAYMENTS_ERROR);
    assertThat(lines)
        .as(run::toString)
        .contains("  event " + SampleStatus.PAYMENTS + ": source-gap: 120 entries lost");
    String subscription = row(lines, "billing");
    assertThat(subscription)
        .as(run::toString)
        .containsSubsequence(
            "billing", SampleStatus.ORDERS_TARGET, "12:40", "31:7", "moved", "yes", "5.0s ago");
    // columns line up: each cell starts where its header does (numbers end where it ends)
    assertThat(orders.indexOf("RUNNING")).as(run::toString).isEqualTo(header.indexOf("STATE"));
    assertThat(payments.indexOf(SampleStatus.PAYMENTS_ERROR))
        .as(run::toString)
        .isEqualTo(header.indexOf("LAST ERROR"));
    assertThat(orders.indexOf("12,340") + "12,340".length())
        .as(run::toString)
        .isEqualTo(header.indexOf("FORWARDED") + "FORWARDED".length());
  }

  @Test
  void printsJsonOnRequest() throws IOException {
    CliRun run = CliRun.execute("status", "--url", server.uri() + "/", "--output", "json");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
    JsonNode status = Json.MAPPER.readTree(run.out());
    assertThat(status.path("links").path(0).path("topics").path(0).path("sourceTopic").asText())
        .as(run::toString)
        .isEqualTo(SampleStatus.ORDERS);
    assertThat(run.out()).as(run::toString).contains("\n  \"links\" : [");
  }

  @Test
  void noDaemonIsExitCodeFour() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort;

    CliRun run = CliRun.execute("status", "--url", url);

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.DAEMON_UNREACHABLE);
    assertThat(run.err())
        .as(run::toString)
        .isEqualTo("error: no georep daemon answers at " + url + " (is it running? check --url)\n");
    assertThat(run.out()).as(run::toString).isEmpty();
  }

  @Test
  void malformedUrlIsAUsageError() {
    CliRun run = CliRun.execute("status", "--url", "localhost:9464");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).as(run::toString).contains("--url must look like http://host:port");
  }

  @Test
  void printsYamlOnRequest() throws IOException {
    CliRun run = CliRun.execute("status", "--url", server.uri().toString(), "-o", "yaml");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).as(run::toString).contains("links:\n- name: east-to-west\n");
  }

  @Test
  void unknownOutputIsAUsageError() {
    CliRun run = CliRun.execute("status", "--output", "xml");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.USAGE);
  }

  private static String row(List<String> lines, String start) {
    return lines.stream()
        .filter(line -> line.strip().startsWith(start))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line starts with " + start + " in " + lines));
  }
}
