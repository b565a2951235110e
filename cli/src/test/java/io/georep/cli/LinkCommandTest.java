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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code georep link …} against a {@link StatusServer} on a {@link FakeLinkControl}. */
class LinkCommandTest {
  @TempDir Path dir;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final FakeLinkControl control = new FakeLinkControl();
  private StatusServer server;
  private Path tokenFile;
  private Path wrongTokenFile;

  @BeforeEach
  void start() throws Exception {
    Path serverTokens = Files.writeString(dir.resolve("server.tokens"), "right\n");
    tokenFile = Files.writeString(dir.resolve("client.token"), "# ops\nright\n");
    wrongTokenFile = Files.writeString(dir.resolve("wrong.token"), "wrong\n");
    server =
        StatusServer.start(
            new HostPort("127.0.0.1", 0),
            new HttpConfig("127.0.0.1", 0, serverTokens, null),
            new StatusServer.Sources(
                () -> SampleStatus.create(true), () -> true, registry, control));
  }

  @AfterEach
  void stop() {
    server.close();
    registry.close();
  }

  @Test
  void getListsTheLinks() {
    CliRun run = link("get");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0))
        .as(run::toString)
        .containsSubsequence(
            "LINK",
            "SOURCE",
            "TARGET",
            "STATE",
            "CONTROL",
            "PARTITIONS",
            "IN-FLIGHT",
            "BACKLOG",
            "LAG");
    assertThat(lines.get(1))
        .as(run::toString)
        .containsSubsequence(
            "east-to-west", "east", "west", "DEGRADED", "ACTIVE", "2", "17", "250", "1.5s");
  }

  @Test
  void describeShowsThePartitionsInEachFormat() throws Exception {
    CliRun table = link("describe", "east-to-west");
    CliRun json = link("describe", "east-to-west", "-o", "json");
    CliRun yaml = link("describe", "east-to-west", "--output", "yaml");

    assertThat(table.exitCode()).as(table::toString).isEqualTo(ExitCodes.OK);
    assertThat(table.out()).as(table::toString).contains(SampleStatus.ORDERS, "LAST ERROR");
    JsonNode parsed = Json.MAPPER.readTree(json.out());
    assertThat(parsed.path("topics").path(0).path("sourceTopic").asText())
        .isEqualTo(SampleStatus.ORDERS);
    assertThat(yaml.out())
        .as(yaml::toString)
        .contains("link:\n  name: east-to-west\n", "- sourceTopic: " + SampleStatus.ORDERS);
  }

  @Test
  void pauseFenceAndUnfencePrintTheOutcome() throws Exception {
    CliRun pause = link("pause", "east-to-west", "--token-file", tokenFile.toString());
    CliRun fence =
        link(
            "fence",
            "east-to-west",
            "--reason",
            "cut-over",
            "--token-file",
            tokenFile.toString(),
            "-o",
            "json");
    CliRun resumeFenced = link("resume", "east-to-west", "--token-file", tokenFile.toString());
    CliRun unfence = link("unfence", "east-to-west", "--token-file", tokenFile.toString());

    assertThat(pause.exitCode()).as(pause::toString).isEqualTo(ExitCodes.OK);
    assertThat(pause.out())
        .as(pause::toString)
        .isEqualTo("link east-to-west: PAUSED (2 partitions, 17 in flight, backlog 250)\n");
    assertThat(Json.MAPPER.readTree(fence.out()).path("state").asText()).isEqualTo("FENCED");
    assertThat(resumeFenced.exitCode()).as(resumeFenced::toString).isEqualTo(ExitCodes.FAILURE);
    assertThat(resumeFenced.err()).as(resumeFenced::toString).contains("unfence it first");
    assertThat(unfence.exitCode()).as(unfence::toString).isEqualTo(ExitCodes.OK);
    assertThat(control.calls)
        .containsExactly(
            "pause east-to-west",
            "fence east-to-west cut-over",
            "resume east-to-west",
            "unfence east-to-west");
  }

  @Test
  void drainExitsSixWhenNotDrained() {
    CliRun drained =
        link("drain", "east-to-west", "--timeout", "90s", "--token-file", tokenFile.toString());
    control.drained = false;
    CliRun notDrained = link("drain", "east-to-west", "--token-file", tokenFile.toString());

    assertThat(drained.exitCode()).as(drained::toString).isEqualTo(ExitCodes.OK);
    assertThat(drained.out()).as(drained::toString).contains("drained after 1.2s");
    assertThat(notDrained.exitCode()).as(notDrained::toString).isEqualTo(ExitCodes.NOT_DRAINED);
    assertThat(notDrained.out())
        .as(notDrained::toString)
        .contains("not drained after 30.0s (17 in flight, backlog 250, lag 1.5s)");
    assertThat(control.calls)
        .containsExactly("drain east-to-west PT1M30S", "drain east-to-west PT30S");
  }

  @Test
  void withoutOrWithAWrongTokenItExitsFiveNamingTheTokenFileOption() {
    CliRun none = link("pause", "east-to-west");
    CliRun wrong = link("pause", "east-to-west", "--token-file", wrongTokenFile.toString());

    assertThat(none.exitCode()).as(none::toString).isEqualTo(ExitCodes.REFUSED);
    assertThat(none.err()).as(none::toString).contains("--token-file");
    assertThat(wrong.exitCode()).as(wrong::toString).isEqualTo(ExitCodes.REFUSED);
    assertThat(wrong.err())
        .as(wrong::toString)
        .contains("refused the token of --token-file " + wrongTokenFile)
        .doesNotContain("wrong\n");
    assertThat(control.calls).isEmpty();
  }

  @Test
  void anUnknownLinkIsAUsageError() {
    CliRun describe = link("describe", "nowhere");
    CliRun pause = link("pause", "nowhere", "--token-file", tokenFile.toString());

    assertThat(describe.exitCode()).as(describe::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(describe.err()).as(describe::toString).contains("no link named 'nowhere'");
    assertThat(pause.exitCode()).as(pause::toString).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void parsesItsOptions() {
    CliRun missingName = CliRun.execute("link", "pause");
    CliRun badTimeout = CliRun.execute("link", "drain", "l", "--timeout", "soon");
    CliRun badOutput = CliRun.execute("link", "get", "-o", "xml");
    CliRun noSubcommand = CliRun.execute("link");
    CliRun missingTokenFile =
        link("pause", "east-to-west", "--token-file", dir.resolve("none").toString());

    assertThat(missingName.exitCode()).as(missingName::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(badTimeout.exitCode()).as(badTimeout::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(badOutput.exitCode()).as(badOutput::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(noSubcommand.exitCode()).as(noSubcommand::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(missingTokenFile.exitCode())
        .as(missingTokenFile::toString)
        .isEqualTo(ExitCodes.USAGE);
    assertThat(missingTokenFile.err()).contains("cannot read --token-file");
  }

  private CliRun link(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "link";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--url";
    all[args.length + 2] = server.uri().toString();
    return CliRun.execute(all);
  }
}
