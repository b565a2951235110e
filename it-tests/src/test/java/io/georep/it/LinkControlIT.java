package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.LinkControl;
import io.georep.replicator.TopicState;
import io.georep.testkit.KeyedWorkload;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link controlled inside a running daemon: paused (nothing read, then everything once resumed),
 * drained (nothing in flight, caught up), fenced (stopped, and still stopped after a daemon
 * restart), unfenced; another link of the same daemon keeps flowing throughout. Nothing lost,
 * nothing duplicated, per-key order kept.
 */
class LinkControlIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());

  @TempDir Path dir;

  @Test
  void pauseDrainFenceSurviveARestartAndUnfence() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String controlled = "persistent://ctl/moving/orders";
    String other = "persistent://ctl/steady/events";
    for (PulsarCluster cluster : clusters.all()) {
      cluster.createNamespaces("ctl/moving", "ctl/steady");
    }
    try (PulsarAdmin admin = east.newAdmin()) {
      admin.topics().createPartitionedTopic(controlled, 2);
      admin.topics().createPartitionedTopic(other, 2);
    }
    Path serverTokens = Files.writeString(dir.resolve("server.tokens"), "# ops\nops-token\n");
    Path token = Files.writeString(dir.resolve("ops.token"), "ops-token\n");
    Path wrongToken = Files.writeString(dir.resolve("wrong.token"), "not-it\n");
    GeorepConfig config =
        ConfigLoader.parse(
            GeorepYaml.config(
                    dir.resolve("state"),
                    GeorepYaml.link("moving", "east", "west", "{ namespaces: [ctl/moving] }")
                        + GeorepYaml.link("steady", "east", "west", "{ namespaces: [ctl/steady] }"),
                    east,
                    west)
                + "http: { listen: 127.0.0.1:0, tokenFile: "
                + serverTokens
                + " }\n",
            "link-control-it",
            Map.of());

    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        KeyedWorkload moving = new KeyedWorkload(source, "moving", List.of(controlled), 8, 100);
        KeyedWorkload steady = new KeyedWorkload(source, "steady", List.of(other), 8, 100)) {
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        moving.send(500);
        steady.send(500);
        awaitAll(target, moving, 500);

        // The control API refuses a call without a token, and with a wrong one.
        String url = runner.httpUri().toString();
        Cli anonymous = georep("link", "pause", "moving", "--url", url);
        assertThat(anonymous.exitCode()).as(anonymous::toString).isEqualTo(5);
        assertThat(anonymous.err())
            .as(anonymous::toString)
            .contains("needs a bearer token", "--token-file");
        Cli wrong =
            georep("link", "pause", "moving", "--url", url, "--token-file", wrongToken.toString());
        assertThat(wrong.exitCode()).as(wrong::toString).isEqualTo(5);
        assertThat(wrong.err()).as(wrong::toString).contains("token").doesNotContain("not-it");
        assertThat(link(runner, "moving").state())
            .isEqualTo(io.georep.replicator.LinkState.RUNNING);

        // Paused: what is produced now stays on the source; the other link goes on.
        Cli paused =
            georep(
                "link",
                "pause",
                "moving",
                "--url",
                url,
                "--token-file",
                token.toString(),
                "-o",
                "json");
        assertThat(paused.exitCode()).as(paused::toString).isZero();
        assertThat(paused.out()).as(paused::toString).contains("\"state\" : \"PAUSED\"");
        assertThat(link(runner, "moving").state()).isEqualTo(io.georep.replicator.LinkState.PAUSED);
        assertThat(runner.metrics())
            .contains("georep_link_paused{link=\"moving\"} 1.0")
            .contains("georep_link_paused{link=\"steady\"} 0.0");
        long forwardedBefore = link(runner, "moving").messagesForwarded();
        moving.send(500);
        steady.send(500);
        awaitAll(target, steady, 1_000);
        await("nothing forwarded while paused")
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(5))
            .until(() -> link(runner, "moving").messagesForwarded() == forwardedBefore);
        assertThat(link(runner, "moving").topics())
            .allSatisfy(t -> assertThat(t.state()).isEqualTo(TopicState.PAUSED));
        // Not drained while paused: its partitions have not caught up.
        LinkControl.DrainOutcome notDrained =
            call(runner.links().drain("moving", Duration.ofSeconds(1)));
        assertThat(notDrained.drained()).isFalse();

        Cli notDrainedCli =
            georep(
                "link",
                "drain",
                "moving",
                "--timeout",
                "1s",
                "--url",
                url,
                "--token-file",
                token.toString());
        assertThat(notDrainedCli.exitCode()).as(notDrainedCli::toString).isEqualTo(6);

        Cli resumed =
            georep("link", "resume", "moving", "--url", url, "--token-file", token.toString());
        assertThat(resumed.exitCode()).as(resumed::toString).isZero();
        assertThat(link(runner, "moving").state())
            .isEqualTo(io.georep.replicator.LinkState.RUNNING);
        Cli drainedCli =
            georep(
                "link",
                "drain",
                "moving",
                "--timeout",
                "60s",
                "--url",
                url,
                "--token-file",
                token.toString());
        System.out.println(drainedCli);
        assertThat(drainedCli.exitCode()).as(drainedCli::toString).isZero();
        LinkControl.DrainOutcome drained =
            call(runner.links().drain("moving", Duration.ofSeconds(60)));
        assertThat(drained.drained()).isTrue();
        assertThat(drained.inFlight()).isZero();
        assertThat(drained.partitions()).isEqualTo(2);
        // Drained means delivered: the target holds everything without waiting.
        ReplicationVerifier.Report afterDrain =
            ReplicationVerifier.verify(target, moving, Map.of());
        assertThat(afterDrain.missing()).isZero();
        assertThat(afterDrain.received()).isEqualTo(1_000);

        // Fenced: every partition stops, and stays stopped across a restart.
        Cli fenced =
            georep(
                "link",
                "fence",
                "moving",
                "--reason",
                "cutover to west",
                "--url",
                url,
                "--token-file",
                token.toString());
        assertThat(fenced.exitCode()).as(fenced::toString).isZero();
        assertThat(link(runner, "moving").topics()).isEmpty();
        assertThat(link(runner, "moving").state()).isEqualTo(io.georep.replicator.LinkState.FENCED);
        Cli refused =
            georep("link", "resume", "moving", "--url", url, "--token-file", token.toString());
        assertThat(refused.exitCode()).as(refused::toString).isEqualTo(3);
        assertThat(refused.err())
            .as(refused::toString)
            .contains("fenced", "cutover to west", "unfence it first");
        assertThatThrownBy(() -> call(runner.links().pause("nope")))
            .isInstanceOf(LinkControl.UnknownLinkException.class)
            .hasMessageContaining("moving, steady");
        moving.send(500);
      }

      try (DaemonRunner restarted = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        await("the restarted daemon lists its topics")
            .atMost(Duration.ofSeconds(30))
            .until(restarted::ready);
        steady.send(500);
        awaitAll(target, steady, 1_500);
        assertThat(link(restarted, "moving").state())
            .isEqualTo(io.georep.replicator.LinkState.FENCED);
        assertThat(restarted.metrics()).contains("georep_link_fenced{link=\"moving\"} 1.0");
        assertThat(link(restarted, "moving").topics()).isEmpty();
        assertThat(ReplicationVerifier.verify(target, moving, Map.of()).received())
            .isEqualTo(1_000);

        Cli described =
            georep("link", "get", "--url", restarted.httpUri().toString(), "-o", "json");
        assertThat(described.exitCode()).as(described::toString).isZero();
        assertThat(described.out()).as(described::toString).contains("FENCED");
        Cli unfenced =
            georep(
                "link",
                "unfence",
                "moving",
                "--url",
                restarted.httpUri().toString(),
                "--token-file",
                token.toString());
        assertThat(unfenced.exitCode()).as(unfenced::toString).isZero();
        ReplicationVerifier.Report report = awaitAll(target, moving, 1_500);
        assertThat(report.duplicated()).isZero();
        assertThat(report.orderViolations()).isZero();
        ReplicationVerifier.Report steadyReport = awaitAll(target, steady, 1_500);
        assertThat(steadyReport.duplicated()).isZero();
        assertThat(steadyReport.orderViolations()).isZero();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> link(restarted, "moving").state() == io.georep.replicator.LinkState.RUNNING);
      }
    }
  }

  @Test
  void aReloadAddsAndRemovesLinksWhileAnotherFlowsUntouched() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String kept = "persistent://rl/keep/orders";
    String dropped = "persistent://rl/drop/orders";
    String added = "persistent://rl/add/orders";
    for (PulsarCluster cluster : clusters.all()) {
      cluster.createNamespaces("rl/keep", "rl/drop", "rl/add");
    }
    try (PulsarAdmin admin = east.newAdmin()) {
      for (String topic : List.of(kept, dropped, added)) {
        admin.topics().createPartitionedTopic(topic, 2);
      }
    }
    Path file = dir.resolve("georep.yaml");
    String keepLink = GeorepYaml.link("keep", "east", "west", "{ namespaces: [rl/keep] }");
    Files.writeString(
        file,
        GeorepYaml.config(
            dir.resolve("state"),
            keepLink + GeorepYaml.link("drop", "east", "west", "{ namespaces: [rl/drop] }"),
            east,
            west));

    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        KeyedWorkload keep = new KeyedWorkload(source, "keep", List.of(kept), 8, 100);
        KeyedWorkload drop = new KeyedWorkload(source, "drop", List.of(dropped), 8, 100);
        KeyedWorkload add = new KeyedWorkload(source, "add", List.of(added), 8, 100);
        DaemonRunner runner =
            DaemonRunner.start(ConfigLoader.load(file), new HostPort("127.0.0.1", 0), file)) {
      String url = runner.httpUri().toString();
      keep.send(500);
      drop.send(300);
      awaitAll(target, keep, 500);
      awaitAll(target, drop, 300);

      // The next file: keep as it was, drop gone, add new; reloaded while keep's producer runs.
      Files.writeString(
          file,
          GeorepYaml.config(
              dir.resolve("state"),
              keepLink + GeorepYaml.link("add", "east", "west", "{ namespaces: [rl/add] }"),
              east,
              west));
      java.util.concurrent.CompletableFuture<Void> flowing =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try {
                  keep.send(2_000);
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              });
      Cli reload = georep("reload", "--url", url);
      System.out.println(reload);
      assertThat(reload.exitCode()).as(reload::toString).isZero();
      assertThat(reload.out())
          .as(reload::toString)
          .contains("added: add", "removed: drop", "restarted: -", "unchanged: keep");
      flowing.join();
      assertThat(runner.status().links())
          .extracting(DaemonStatus.LinkStatus::name)
          .containsExactlyInAnyOrder("keep", "add");

      add.send(400);
      drop.send(300);
      awaitAll(target, add, 400);
      ReplicationVerifier.Report keepReport = awaitAll(target, keep, 2_500);
      assertThat(keepReport.duplicated()).isZero();
      assertThat(keepReport.orderViolations()).isZero();
      // The removed link forwards nothing more: its 300 new messages stay on the source.
      await("nothing of the removed link forwarded")
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> ReplicationVerifier.verify(target, drop, Map.of()).received() == 300);
      assertThat(runner.metrics()).doesNotContain("link=\"drop\"");

      // A file with problems, or a change only a restart applies, changes nothing.
      Files.writeString(file, "clusters: {}\nlinks: [ { name: x } ]\n");
      Cli invalid = georep("reload", "--url", url);
      assertThat(invalid.exitCode()).as(invalid::toString).isEqualTo(2);
      assertThat(invalid.err()).as(invalid::toString).contains("nothing was changed");
      Files.writeString(
          file,
          GeorepYaml.config(
              dir.resolve("elsewhere"),
              keepLink + GeorepYaml.link("add", "east", "west", "{ namespaces: [rl/add] }"),
              east,
              west));
      Cli restartNeeded = georep("reload", "--url", url);
      assertThat(restartNeeded.exitCode()).as(restartNeeded::toString).isEqualTo(3);
      assertThat(restartNeeded.err())
          .as(restartNeeded::toString)
          .contains("changes state", "restart the daemon");
      assertThat(runner.status().links())
          .extracting(DaemonStatus.LinkStatus::name)
          .containsExactlyInAnyOrder("keep", "add");
    }
  }

  @Test
  void sighupReloadsTheConfigurationOfADaemonProcess() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String first = "persistent://hup/first/orders";
    String second = "persistent://hup/second/orders";
    for (PulsarCluster cluster : clusters.all()) {
      cluster.createNamespaces("hup/first", "hup/second");
    }
    Path file = dir.resolve("hup.yaml");
    String firstLink = GeorepYaml.link("first", "east", "west", "{ namespaces: [hup/first] }");
    Files.writeString(file, GeorepYaml.config(dir.resolve("hup-state"), firstLink, east, west));

    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        KeyedWorkload one = new KeyedWorkload(source, "first", List.of(first), 4, 100);
        KeyedWorkload two = new KeyedWorkload(source, "second", List.of(second), 4, 100);
        DaemonProcess daemon = new DaemonProcess(file, dir.resolve("hup.log"))) {
      daemon.start();
      one.send(200);
      awaitAll(target, one, 200);

      Files.writeString(
          file,
          GeorepYaml.config(
              dir.resolve("hup-state"),
              firstLink + GeorepYaml.link("second", "east", "west", "{ namespaces: [hup/second] }"),
              east,
              west));
      daemon.hangUp();
      await("the second link running after SIGHUP (log: " + dir.resolve("hup.log") + ")")
          .atMost(Duration.ofSeconds(60))
          .until(daemon::status, status -> status.matches("(?s).*\"name\"\\s*:\\s*\"second\".*"));
      two.send(200);
      one.send(200);
      awaitAll(target, two, 200);
      ReplicationVerifier.Report report = awaitAll(target, one, 400);
      assertThat(report.duplicated()).isZero();
      assertThat(daemon.isAlive()).as("SIGHUP reloads, it does not stop").isTrue();
      assertThat(daemon.terminate()).as(daemon::logTail).isZero();
    }
  }

  /** One run of the {@code georep} command line in this JVM, and what it printed. */
  private record Cli(String[] args, int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "georep " + String.join(" ", args) + " -> " + exitCode + "\n" + out + err;
    }
  }

  private static Cli georep(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code =
        io.georep.cli.Georep.commandLine()
            .setOut(new java.io.PrintWriter(out, true))
            .setErr(new java.io.PrintWriter(err, true))
            .execute(args);
    return new Cli(args, code, out.toString(), err.toString());
  }

  private static <T> T call(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CompletionException(e.getCause());
    }
  }

  private static DaemonStatus.LinkStatus link(DaemonRunner runner, String name) {
    return runner.status().links().stream()
        .filter(l -> l.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static ReplicationVerifier.Report awaitAll(
      PulsarClient target, KeyedWorkload workload, long expected) {
    ReplicationVerifier.Report report =
        await(expected + " messages of " + workload.name() + " on the target")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> ReplicationVerifier.verify(target, workload, Map.of()),
                r -> r.produced() == expected && r.missing() == 0);
    assertThat(report.corrupted()).isZero();
    return report;
  }
}
