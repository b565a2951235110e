package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.georep.cli.DaemonRunner;
import io.georep.cli.HostPort;
import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.LinkControl;
import io.georep.replicator.TopicState;
import io.georep.testkit.KeyedWorkload;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
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
    GeorepConfig config =
        ConfigLoader.parse(
            GeorepYaml.config(
                dir.resolve("state"),
                GeorepYaml.link("moving", "east", "west", "{ namespaces: [ctl/moving] }")
                    + GeorepYaml.link("steady", "east", "west", "{ namespaces: [ctl/steady] }"),
                east,
                west),
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

        // Paused: what is produced now stays on the source; the other link goes on.
        LinkControl.Outcome paused = call(runner.links().pause("moving"));
        assertThat(paused.state()).isEqualTo(LinkControl.ControlState.PAUSED);
        assertThat(link(runner, "moving").state()).isEqualTo("PAUSED");
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

        LinkControl.Outcome resumed = call(runner.links().resume("moving"));
        assertThat(resumed.state()).isEqualTo(LinkControl.ControlState.ACTIVE);
        LinkControl.DrainOutcome drained =
            call(runner.links().drain("moving", Duration.ofSeconds(60)));
        System.out.println("drained: " + drained);
        assertThat(drained.drained()).isTrue();
        assertThat(drained.inFlight()).isZero();
        assertThat(drained.partitions()).isEqualTo(2);
        // Drained means delivered: the target holds everything without waiting.
        ReplicationVerifier.Report afterDrain =
            ReplicationVerifier.verify(target, moving, Map.of());
        assertThat(afterDrain.missing()).isZero();
        assertThat(afterDrain.received()).isEqualTo(1_000);

        // Fenced: every partition stops, and stays stopped across a restart.
        LinkControl.Outcome fenced = call(runner.links().fence("moving", "cutover to west"));
        assertThat(fenced.state()).isEqualTo(LinkControl.ControlState.FENCED);
        assertThat(link(runner, "moving").topics()).isEmpty();
        assertThat(link(runner, "moving").state()).isEqualTo("FENCED");
        assertThatThrownBy(() -> call(runner.links().resume("moving")))
            .isInstanceOf(LinkControl.LinkStateException.class)
            .hasMessageContaining("fenced")
            .hasMessageContaining("cutover to west")
            .hasMessageContaining("unfence it first");
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
        assertThat(link(restarted, "moving").state()).isEqualTo("FENCED");
        assertThat(restarted.metrics()).contains("georep_link_fenced{link=\"moving\"} 1.0");
        assertThat(link(restarted, "moving").topics()).isEmpty();
        assertThat(ReplicationVerifier.verify(target, moving, Map.of()).received())
            .isEqualTo(1_000);

        LinkControl.Outcome unfenced = call(restarted.links().unfence("moving"));
        assertThat(unfenced.state()).isEqualTo(LinkControl.ControlState.ACTIVE);
        ReplicationVerifier.Report report = awaitAll(target, moving, 1_500);
        assertThat(report.duplicated()).isZero();
        assertThat(report.orderViolations()).isZero();
        ReplicationVerifier.Report steadyReport = awaitAll(target, steady, 1_500);
        assertThat(steadyReport.duplicated()).isZero();
        assertThat(steadyReport.orderViolations()).isZero();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> link(restarted, "moving").state().equals("RUNNING"));
      }
    }
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
