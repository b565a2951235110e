package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.TopicState;
import io.georep.testkit.KeyedWorkload;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.common.policies.data.AuthAction;
import org.apache.pulsar.common.policies.data.BacklogQuota;
import org.apache.pulsar.common.policies.data.TenantInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a link does when the target fails it: a target broker restarted mid-stream, a target
 * namespace that does not exist yet, a role not yet allowed to produce. Each time the affected
 * topic (and only it) shows the error with its reason, and once the cause is gone every message
 * arrives, in order, and the topic runs again.
 *
 * <p>The target {@code west} has token authentication on; the config names it twice, as {@code
 * west} with the super-user token and as {@code west-limited} with the token of a role {@code
 * replicator} that starts without any permission.
 */
class ReplicationFailuresIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          // No BookKeeper digest on the source, so that an entry corrupted on the bookie's disk
          // is served to its reader (with one, the broker's read fails and georep sees nothing).
          PulsarClusterSpec.builder("east")
              .brokerSetting("managedLedgerDigestType", "DUMMY")
              .build(),
          PulsarClusterSpec.builder("west")
              .tokenAuth(true)
              // Nothing subscribes on the target: without retention a ledger closed by the
              // restart is trimmed, and what it held is gone before anyone reads it. Checked
              // every second so that a missing retention fails every run, not one in a few.
              .brokerSetting("defaultRetentionTimeInMinutes", "60")
              .brokerSetting("defaultRetentionSizeInMB", "100")
              .brokerSetting("retentionCheckIntervalInSeconds", "1")
              // Smaller than the source accepts, for the oversized-message case.
              .brokerSetting("maxMessageSize", "262144")
              .brokerSetting("backlogQuotaCheckIntervalInSeconds", "1")
              .build());

  private static final String ROLE = "replicator";

  @TempDir Path dir;

  @BeforeAll
  static void namespaces() throws Exception {
    for (PulsarCluster cluster : clusters.all()) {
      try (PulsarAdmin admin = cluster.newAdmin()) {
        admin
            .tenants()
            .createTenant(
                "fail", TenantInfo.builder().allowedClusters(Set.of(cluster.name())).build());
        admin.namespaces().createNamespace("fail/restart");
        admin.namespaces().createNamespace("fail/flowing");
        admin.namespaces().createNamespace("fail/guarded");
        admin.namespaces().createNamespace("fail/limits");
        admin.namespaces().createNamespace("fail/corrupt");
        admin.namespaces().createNamespace("fail/deleted");
        admin.namespaces().createNamespace("fail/deleted-waits");
        admin.namespaces().createNamespace("fail/orphans");
      }
    }
    try (PulsarAdmin east = clusters.get("east").newAdmin()) {
      east.namespaces().createNamespace("fail/stranded");
    }
  }

  @Test
  void aTargetBrokerRestartedMidStreamLosesNothingAndKeepsOrder() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://fail/restart/orders";
    try (PulsarAdmin admin = east.newAdmin()) {
      admin.topics().createPartitionedTopic(topic, 2);
    }
    GeorepConfig config = config(link("restart", "west", "{ namespaces: [fail/restart] }", ""));

    try (PulsarClient eastClient = east.newClient();
        KeyedWorkload workload = new KeyedWorkload(eastClient, "restart", List.of(topic), 20, 200);
        DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      workload.send(1_000);
      await("the first 1,000 forwarded")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> forwarded(topics(runner, "restart")), n -> n >= 1_000);
      // The broker goes down while the next 1,000 are produced and replicated, and stays down
      // while the last 1,000 are produced on the source.
      CompletableFuture<Void> stopped = CompletableFuture.runAsync(west::stop);
      workload.send(1_000);
      stopped.join();
      workload.send(1_000);
      List<DaemonStatus.TopicStatus> down = topics(runner, "restart");
      System.out.printf(
          "while west is down: %d forwarded, %d in flight%n",
          forwarded(down), down.stream().mapToInt(DaemonStatus.TopicStatus::inFlight).sum());
      west.restart();
      assertThat(workload.acknowledged()).isEqualTo(3_000);

      try (PulsarClient westClient = west.newClient()) {
        ReplicationVerifier.Report report = awaitAll(westClient, workload, Map.of(), 3_000);
        System.out.println("after a target restart: " + report.summary());
        report.examples().forEach(e -> System.out.println("  " + e));
        assertThat(report.missing()).isZero();
        assertThat(report.orderViolations()).isZero();
        assertThat(report.corrupted()).isZero();
        assertThat(report.unexpected()).isZero();
      }
      List<DaemonStatus.TopicStatus> topics = topics(runner, "restart");
      topics.forEach(
          t ->
              System.out.println(
                  "  "
                      + t.sourceTopic()
                      + " restarts "
                      + t.restarts()
                      + ", last error: "
                      + t.lastError()));
      assertThat(topics).hasSize(2).allMatch(t -> t.state() == TopicState.RUNNING);
      // Counted per target acknowledgement: a resend after a restart counts again.
      assertThat(forwarded(topics)).isGreaterThanOrEqualTo(3_000);
    }
  }

  @Test
  void aSourceBrokerRestartedMidStreamLosesNothingAndKeepsOrder() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://fail/restart/source-side";
    try (PulsarAdmin admin = east.newAdmin()) {
      admin.topics().createPartitionedTopic(topic, 2);
    }
    GeorepConfig config = config(link("source-restart", "west", "{ topics: [" + topic + "] }", ""));
    try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      KeyedWorkload before;
      try (PulsarClient eastClient = east.newClient()) {
        before = new KeyedWorkload(eastClient, "source-before", List.of(topic), 20, 200);
        before.send(1_000);
        before.close();
        await("the first 1,000 forwarded")
            .atMost(Duration.ofSeconds(60))
            .until(() -> forwarded(topics(runner, "source-restart")), n -> n >= 1_000);
      }
      // The source goes down under the running link and comes back with the same data.
      east.stop();
      east.restart();
      try (PulsarClient eastClient = east.newClient();
          PulsarClient westClient = west.newClient();
          KeyedWorkload after =
              new KeyedWorkload(eastClient, "source-after", List.of(topic), 20, 200)) {
        after.send(1_000);
        for (KeyedWorkload workload : List.of(before, after)) {
          ReplicationVerifier.Report report = awaitAll(westClient, workload, Map.of(), 1_000);
          assertThat(report.missing()).isZero();
          assertThat(report.orderViolations()).isZero();
          assertThat(report.corrupted()).isZero();
        }
        await("every partition RUNNING again")
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> topics(runner, "source-restart"),
                ts -> ts.size() == 2 && ts.stream().allMatch(t -> t.state() == TopicState.RUNNING));
      }
    }
  }

  @Test
  void aSourceTopicUnloadedMidStreamIsReadAgainWithoutLossOrReorder() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://fail/restart/unloaded";
    try (PulsarAdmin admin = east.newAdmin()) {
      admin.topics().createPartitionedTopic(topic, 2);
    }
    GeorepConfig config = config(link("unloaded", "west", "{ topics: [" + topic + "] }", ""));
    try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0));
        PulsarAdmin eastAdmin = east.newAdmin();
        PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient();
        KeyedWorkload workload =
            new KeyedWorkload(eastClient, "unloaded", List.of(topic), 20, 200)) {
      // Each unload makes the broker register georep's consumers afresh, mostly on the
      // connection they already had, with no permits: the entry consumer must grant again.
      for (int round = 0; round < 3; round++) {
        workload.send(1_000);
        eastAdmin.topics().unload(topic);
      }
      workload.send(1_000);
      ReplicationVerifier.Report report = awaitAll(westClient, workload, Map.of(), 4_000);
      assertThat(report.missing()).isZero();
      assertThat(report.orderViolations()).isZero();
      assertThat(report.corrupted()).isZero();
      assertThat(topics(runner, "unloaded"))
          .hasSize(2)
          .allMatch(t -> t.state() == TopicState.RUNNING);
    }
  }

  @Test
  void aMissingTargetNamespaceStopsOnlyItsTopicsUntilItIsCreated() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String flowing = "persistent://fail/flowing/events";
    String stranded = "persistent://fail/stranded/events";
    String strandedTarget = "persistent://fail/absent/events";
    try (PulsarAdmin admin = east.newAdmin()) {
      admin.topics().createNonPartitionedTopic(flowing);
      admin.topics().createPartitionedTopic(stranded, 2);
    }
    GeorepConfig config =
        config(
            link(
                "absent",
                "west",
                "{ namespaces: [fail/flowing, fail/stranded] }",
                "    mapping: { namespaces: { fail/stranded: fail/absent } }\n"));

    try (PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient();
        PulsarAdmin westAdmin = west.newAdmin();
        KeyedWorkload flowingLoad =
            new KeyedWorkload(eastClient, "flowing", List.of(flowing), 10, 100);
        KeyedWorkload strandedLoad =
            new KeyedWorkload(eastClient, "stranded", List.of(stranded), 10, 100);
        DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      flowingLoad.send(500);
      strandedLoad.send(500);

      List<DaemonStatus.TopicStatus> failing =
          await("both partitions of " + stranded + " in ERROR")
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(200))
              .until(
                  () -> topicsOf(runner, "absent", stranded),
                  ts -> ts.size() == 2 && ts.stream().allMatch(t -> t.state() == TopicState.ERROR));
      System.out.println("missing namespace: " + failing.get(0).lastError());
      assertThat(failing)
          .allSatisfy(
              t -> {
                assertThat(t.targetTopic()).startsWith(strandedTarget);
                assertThat(t.lastError())
                    .startsWith("target-topic: ")
                    .containsIgnoringCase("namespace")
                    .containsAnyOf("does not exist", "not found", "Not Found", "fail/absent");
                assertThat(t.messagesForwarded()).isZero();
              });

      // The other namespace of the same link keeps flowing meanwhile.
      ReplicationVerifier.Report flowed = awaitAll(westClient, flowingLoad, Map.of(), 500);
      assertThat(flowed.missing()).isZero();
      assertThat(flowed.orderViolations()).isZero();
      assertThat(topicsOf(runner, "absent", flowing))
          .singleElement()
          .satisfies(t -> assertThat(t.state()).isEqualTo(TopicState.RUNNING));
      assertThat(topicsOf(runner, "absent", stranded)).allMatch(t -> t.state() == TopicState.ERROR);
      assertThat(runner.status().links().get(0).state())
          .isEqualTo(io.georep.replicator.LinkState.DEGRADED);

      westAdmin.namespaces().createNamespace("fail/absent");
      // Read only once georep made the target topic: a reader that came first would auto-create
      // it without partitions, which georep rightly refuses to write beside.
      await("georep creates the partitioned target topic")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  westAdmin
                      .topics()
                      .getPartitionedTopicList("fail/absent")
                      .contains(strandedTarget));
      ReplicationVerifier.Report arrived =
          awaitAll(westClient, strandedLoad, Map.of(stranded, strandedTarget), 500);
      assertThat(arrived.missing()).isZero();
      assertThat(arrived.orderViolations()).isZero();
      assertThat(arrived.duplicated()).isZero();
      assertThat(westAdmin.topics().getPartitionedTopicMetadata(strandedTarget).partitions)
          .isEqualTo(2);
      await("every partition RUNNING again")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> runner.status().links().get(0),
              l ->
                  l.state() == io.georep.replicator.LinkState.RUNNING
                      && l.topics().stream().allMatch(t -> t.state() == TopicState.RUNNING));
    }
  }

  @Test
  void aPartitionedTargetDeletedMidStreamIsCreatedAgainAndNothingIsWrittenBesideIt()
      throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://fail/deleted/orders";
    try (PulsarAdmin admin = east.newAdmin()) {
      admin.topics().createPartitionedTopic(topic, 2);
    }
    GeorepConfig config = config(link("deleted", "west", "{ namespaces: [fail/deleted] }", ""));

    try (PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient();
        PulsarAdmin westAdmin = west.newAdmin();
        KeyedWorkload before = new KeyedWorkload(eastClient, "before", List.of(topic), 10, 100);
        KeyedWorkload during = new KeyedWorkload(eastClient, "during", List.of(topic), 10, 100);
        KeyedWorkload after = new KeyedWorkload(eastClient, "after", List.of(topic), 10, 100);
        DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      before.send(500);
      await("the first 500 forwarded")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> forwarded(topics(runner, "deleted")), n -> n >= 500);

      // Deleted on the target while messages are produced and replicated, 1,000 more after that.
      java.util.concurrent.atomic.AtomicBoolean deleted =
          new java.util.concurrent.atomic.AtomicBoolean();
      CompletableFuture<Void> sending =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int more = 0;
                      !deleted.get() || more < 1_000;
                      more += deleted.get() ? 1 : 0) {
                    during.sendNext();
                  }
                  during.flush();
                } catch (Exception e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              });
      await().atMost(Duration.ofSeconds(30)).until(() -> during.sent() >= 500);
      westAdmin.topics().deletePartitionedTopic(topic, true);
      deleted.set(true);
      sending.join();
      after.send(1_000);

      ReplicationVerifier.Report report = awaitAll(westClient, after, Map.of(), 1_000);
      System.out.println("sent after the deletion: " + report.summary());
      assertThat(report.missing()).isZero();
      assertThat(report.orderViolations()).isZero();
      assertThat(report.duplicated()).isZero();
      assertThat(report.corrupted()).isZero();
      // Sent around the deletion: what the old topic had acknowledged went with it; the rest, at
      // least the 1,000 sent after it, is on the new one, once and in order.
      ReplicationVerifier.Report mid = ReplicationVerifier.verify(westClient, during, Map.of());
      System.out.println("sent around the deletion: " + mid.summary());
      assertThat(mid.received()).isGreaterThanOrEqualTo(1_000);
      assertThat(mid.orderViolations()).isZero();
      assertThat(mid.duplicated()).isZero();
      assertThat(mid.corrupted()).isZero();
      // Created again as it was. Had georep's producers written to t-partition-N in between, the
      // broker would have created those as topics of their own, and refused to create t over them.
      assertThat(westAdmin.topics().getPartitionedTopicMetadata(topic).partitions).isEqualTo(2);
      assertThat(westAdmin.topics().getList("fail/deleted"))
          .containsExactlyInAnyOrder(topic + "-partition-0", topic + "-partition-1");
      List<DaemonStatus.TopicStatus> statuses =
          await("both partitions RUNNING again")
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> topics(runner, "deleted"),
                  ts ->
                      ts.size() == 2 && ts.stream().allMatch(t -> t.state() == TopicState.RUNNING));
      assertThat(statuses)
          .allSatisfy(
              t ->
                  assertThat(t.lastEvent())
                      .startsWith("target-deleted: ")
                      .contains(topic + " does not exist"));
    }
  }

  @Test
  void aDeletedTargetTopicWaitsForTheOperatorWhereGeorepMayNotCreateTopics() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://fail/deleted-waits/events";
    try (PulsarAdmin eastAdmin = east.newAdmin();
        PulsarAdmin westAdmin = west.newAdmin()) {
      eastAdmin.topics().createNonPartitionedTopic(topic);
      westAdmin.topics().createNonPartitionedTopic(topic);
    }
    GeorepConfig config =
        config(
            link(
                "deleted-waits",
                "west",
                "{ namespaces: [fail/deleted-waits] }",
                "    createTargetTopics: false\n"));

    try (PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient();
        PulsarAdmin westAdmin = west.newAdmin();
        KeyedWorkload before = new KeyedWorkload(eastClient, "before", List.of(topic), 4, 100);
        KeyedWorkload after = new KeyedWorkload(eastClient, "after", List.of(topic), 4, 100);
        DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      before.send(200);
      await("the first 200 forwarded")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> forwarded(topics(runner, "deleted-waits")), n -> n >= 200);

      westAdmin.topics().delete(topic, true);
      after.send(300);
      DaemonStatus.TopicStatus waiting =
          await(topic + " in ERROR, waiting for its target")
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .until(
                  () -> topics(runner, "deleted-waits").get(0), t -> t.state() == TopicState.ERROR);
      System.out.println("waiting: " + waiting.lastError());
      assertThat(waiting.lastError())
          .startsWith("target-topic: " + topic + " does not exist")
          .contains("createTargetTopics is off")
          .contains("create " + topic + " on the target");
      assertThat(waiting.lastEvent()).startsWith("target-deleted: ");
      // Nothing wrote to the name: no producer of georep's made the broker create it again.
      assertThat(westAdmin.topics().getList("fail/deleted-waits")).doesNotContain(topic);

      westAdmin.topics().createNonPartitionedTopic(topic);
      ReplicationVerifier.Report report = awaitAll(westClient, after, Map.of(), 300);
      assertThat(report.missing()).isZero();
      assertThat(report.orderViolations()).isZero();
      assertThat(report.corrupted()).isZero();
      await("RUNNING again")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> topics(runner, "deleted-waits").get(0), t -> t.state() == TopicState.RUNNING);
    }
  }

  @Test
  void topicsStandingAloneUnderTheNamesOfTheTargetsPartitionsStopItUntilAnOperatorRemovesThem()
      throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://fail/orphans/orders";
    String orphan = topic + "-partition-1";
    try (PulsarAdmin eastAdmin = east.newAdmin();
        PulsarClient westClient = west.newClient();
        Producer<byte[]> stray = westClient.newProducer().topic(orphan).create()) {
      eastAdmin.topics().createPartitionedTopic(topic, 2);
      // Some producer writes to a partition's name while the partitioned topic does not exist:
      // the broker creates it as a topic of its own.
      stray.send("stray".getBytes(StandardCharsets.UTF_8));
    }
    GeorepConfig config = config(link("orphans", "west", "{ namespaces: [fail/orphans] }", ""));

    try (PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient();
        PulsarAdmin westAdmin = west.newAdmin();
        KeyedWorkload workload = new KeyedWorkload(eastClient, "orphans", List.of(topic), 10, 100);
        DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      assertThat(westAdmin.topics().getList("fail/orphans")).containsExactly(orphan);
      workload.send(300);

      List<DaemonStatus.TopicStatus> refused =
          await("both partitions of " + topic + " in ERROR")
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(200))
              .until(
                  () -> topicsOf(runner, "orphans", topic),
                  ts -> ts.size() == 2 && ts.stream().allMatch(t -> t.state() == TopicState.ERROR));
      System.out.println("orphans: " + refused.get(0).lastError());
      assertThat(refused)
          .allSatisfy(
              t -> {
                assertThat(t.lastError())
                    .startsWith(
                        "target-topic: IllegalStateException: "
                            + topic
                            + " does not exist on the target, but "
                            + orphan
                            + " exist as topics of their own")
                    .endsWith("delete them, and georep creates " + topic + " with 2 partitions");
                assertThat(t.messagesForwarded()).isZero();
              });
      // Nothing was created or written beside them.
      assertThat(westAdmin.topics().getList("fail/orphans")).containsExactly(orphan);
      assertThat(westAdmin.topics().getPartitionedTopicList("fail/orphans")).isEmpty();

      westAdmin.topics().delete(orphan, true);
      // Read only once georep made the target topic: a reader that came first would auto-create
      // it without partitions, which georep rightly refuses to write beside.
      await("georep creates the partitioned target topic")
          .atMost(Duration.ofSeconds(60))
          .until(() -> westAdmin.topics().getPartitionedTopicList("fail/orphans").contains(topic));
      ReplicationVerifier.Report report = awaitAll(westClient, workload, Map.of(), 300);
      assertThat(report.missing()).isZero();
      assertThat(report.orderViolations()).isZero();
      assertThat(report.duplicated()).isZero();
      assertThat(westAdmin.topics().getPartitionedTopicMetadata(topic).partitions).isEqualTo(2);
      await("both partitions RUNNING")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> topicsOf(runner, "orphans", topic),
              ts -> ts.size() == 2 && ts.stream().allMatch(t -> t.state() == TopicState.RUNNING));
    }
  }

  @Test
  void aDeniedProduceShowsTheReasonAndResumesOnceGranted() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://fail/guarded/payments";
    try (PulsarAdmin eastAdmin = east.newAdmin();
        PulsarAdmin westAdmin = west.newAdmin()) {
      eastAdmin.topics().createPartitionedTopic(topic, 2);
      // The role may not administer the target, so the topic is there beforehand.
      westAdmin.topics().createPartitionedTopic(topic, 2);
    }
    String roleToken = west.createToken(ROLE);
    GeorepConfig config =
        config(
            link(
                "guarded",
                "west-limited",
                "{ namespaces: [fail/guarded] }",
                "    createTargetTopics: false\n"));

    try (PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient();
        PulsarAdmin westAdmin = west.newAdmin();
        KeyedWorkload workload = new KeyedWorkload(eastClient, "guarded", List.of(topic), 10, 100);
        DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      workload.send(500);

      List<DaemonStatus.TopicStatus> denied =
          await("both partitions of " + topic + " in ERROR")
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(200))
              .until(
                  () -> topicsOf(runner, "guarded", topic),
                  ts -> ts.size() == 2 && ts.stream().allMatch(t -> t.state() == TopicState.ERROR));
      System.out.println("denied: " + denied.get(0).lastError());
      assertThat(denied)
          .allSatisfy(
              t -> {
                assertThat(t.lastError())
                    .startsWith("permission: ")
                    .containsIgnoringCase("authoriz")
                    .doesNotContain(roleToken);
                assertThat(t.messagesForwarded()).isZero();
              });
      assertThat(ReplicationVerifier.verify(westClient, workload, Map.of()).received()).isZero();

      westAdmin
          .namespaces()
          .grantPermissionOnNamespace(
              "fail/guarded", ROLE, Set.of(AuthAction.produce, AuthAction.consume));
      ReplicationVerifier.Report report = awaitAll(westClient, workload, Map.of(), 500);
      assertThat(report.missing()).isZero();
      assertThat(report.orderViolations()).isZero();
      assertThat(report.duplicated()).isZero();
      await("every partition RUNNING again")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> topicsOf(runner, "guarded", topic),
              ts -> ts.stream().allMatch(t -> t.state() == TopicState.RUNNING));
    }
  }

  @Test
  void aFullTargetBacklogAndAnOversizedMessageErrTheirTopicsAloneUntilResolved() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String quota = "persistent://fail/limits/quota";
    String big = "persistent://fail/limits/big";
    String fine = "persistent://fail/limits/fine";
    try (PulsarAdmin westAdmin = west.newAdmin()) {
      // A consumer on the target that does not read, its backlog already over the 20 KiB quota.
      westAdmin
          .namespaces()
          .setBacklogQuota(
              "fail/limits",
              BacklogQuota.builder()
                  .limitSize(20 * 1024)
                  .retentionPolicy(BacklogQuota.RetentionPolicy.producer_exception)
                  .build());
      westAdmin.topics().createNonPartitionedTopic(quota);
      westAdmin.topics().createSubscription(quota, "slow-reader", MessageId.earliest);
      try (PulsarClient westClient = west.newClient();
          Producer<byte[]> filler = westClient.newProducer().topic(quota).create()) {
        for (int i = 0; i < 30; i++) {
          filler.send(new byte[1024]);
        }
      } catch (
          org.apache.pulsar.client.api.PulsarClientException.ProducerBlockedQuotaExceededException
              e) {
        // The broker's quota check came first: the backlog is over the quota, as wanted.
      }
    }
    GeorepConfig config = config(link("limits", "west", "{ namespaces: [fail/limits] }", ""));

    try (PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient();
        PulsarAdmin westAdmin = west.newAdmin();
        KeyedWorkload quotaLoad = new KeyedWorkload(eastClient, "quota", List.of(quota), 4, 1024);
        KeyedWorkload fineLoad = new KeyedWorkload(eastClient, "fine", List.of(fine), 4, 100);
        Producer<byte[]> bigProducer = eastClient.newProducer().topic(big).create();
        DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      bigProducer.send(new byte[400 * 1024]); // the source takes up to 5 MB, the target 256 KiB
      quotaLoad.send(200);
      fineLoad.send(200);

      DaemonStatus.TopicStatus tooLarge =
          await(big + " in ERROR")
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> topicsOf(runner, "limits", big),
                  ts -> ts.size() == 1 && ts.get(0).state() == TopicState.ERROR)
              .get(0);
      System.out.println("oversized: " + tooLarge.lastError());
      assertThat(tooLarge.lastError()).startsWith("message-too-large: ");
      DaemonStatus.TopicStatus full =
          // The client retries refused producers until its 30 s operation timeout.
          await(quota + " in ERROR")
              .atMost(Duration.ofSeconds(90))
              .until(
                  () -> topicsOf(runner, "limits", quota),
                  ts -> ts.size() == 1 && ts.get(0).state() == TopicState.ERROR)
              .get(0);
      System.out.println("quota: " + full.lastError());
      assertThat(full.lastError()).startsWith("backlog-quota: ");
      assertThat(runner.metrics())
          .contains("kind=\"backlog-quota\"")
          .contains("kind=\"message-too-large\"");

      // The third topic flows all along.
      ReplicationVerifier.Report flowed = awaitAll(westClient, fineLoad, Map.of(), 200);
      assertThat(flowed.duplicated()).isZero();

      // The slow reader goes away: the quota frees and everything arrives, in order.
      westAdmin.topics().deleteSubscription(quota, "slow-reader", true);
      ReplicationVerifier.Report arrived = awaitAll(westClient, quotaLoad, Map.of(), 200);
      assertThat(arrived.orderViolations()).isZero();
      assertThat(arrived.corrupted()).isZero();
      // The oversized message is still waiting: never dropped, never half-sent.
      assertThat(Topics.readAll(westClient, big)).isEmpty();
      assertThat(topicsOf(runner, "limits", big).get(0).state()).isEqualTo(TopicState.ERROR);
    }
  }

  /**
   * An entry whose bytes changed on the source bookie's disk after the broker stored them: its
   * Pulsar checksum no longer matches. georep forwards what comes before it, then stops that
   * partition with kind {@code receive} naming the entry, and never acknowledges it.
   */
  @Test
  void aCorruptSourceEntryStopsItsPartitionNamesItAndLeavesItUnacknowledged() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://fail/corrupt/events";
    produceWithACorruptEntry(east, topic);

    GeorepConfig config = config(link("corrupt", "west", "{ topics: [" + topic + "] }", ""));
    try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0));
        PulsarAdmin eastAdmin = east.newAdmin();
        PulsarClient westClient = west.newClient()) {
      var stopped =
          await("the partition stops at the corrupt entry")
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> topicsOf(runner, "corrupt", topic),
                  ts ->
                      ts.size() == 1
                          && ts.get(0).state() == TopicState.ERROR
                          && ts.get(0).lastError() != null
                          && ts.get(0).lastError().contains("corrupt"));
      System.out.println("corrupt entry: " + stopped.get(0).lastError());
      assertThat(stopped.get(0).lastError())
          .startsWith("receive: ")
          .containsPattern("entry \\d+:10 of " + java.util.regex.Pattern.quote(topic))
          .contains("checksum mismatch")
          .contains("unacknowledged");
      // What came before it arrived, once, and nothing after it, through the restarts with backoff
      // that meet it again: what was in flight when the entry failed settles before the partition
      // fails, so no restart sends it again (this target does not deduplicate).
      Set<String> before =
          java.util.stream.IntStream.range(0, 10)
              .mapToObj(i -> "before-" + i)
              .collect(java.util.stream.Collectors.toSet());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> values(westClient, topic).containsAll(before));
      await("a restart that met the corrupt entry again")
          .atMost(Duration.ofSeconds(30))
          .until(() -> topicsOf(runner, "corrupt", topic).get(0).restarts() >= 2);
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(values(westClient, topic))
                      .containsExactlyInAnyOrderElementsOf(before));
      assertThat(
              eastAdmin
                  .topics()
                  .getStats(topic)
                  .getSubscriptions()
                  .get("georep-corrupt")
                  .getMsgBacklog())
          .as("unacknowledged: the corrupt entry and the 5 after it")
          .isEqualTo(6);
      assertThat(runner.metrics())
          .containsPattern("georep_errors_total\\{kind=\"receive\",link=\"corrupt\"");
    }
  }

  /**
   * With {@code forwarding: messages} georep reads through Pulsar's own consumer, which checks the
   * checksum itself and discards a corrupt message, acknowledging it with a validation error: the
   * entry never reaches georep, which reports nothing (no error, no event) and forwards the rest.
   * Today's behaviour, documented in docs/replication.md; not a choice georep made.
   */
  @Test
  void withMessagesForwardingTheClientDiscardsACorruptEntryUnreported() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://fail/corrupt/messages";
    produceWithACorruptEntry(east, topic);
    GeorepConfig config =
        config(
            link(
                "corrupt-messages",
                "west",
                "{ topics: [" + topic + "] }",
                "    forwarding: messages\n"));
    List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      expected.add("before-" + i);
    }
    for (int i = 0; i < 5; i++) {
      expected.add("after-" + i);
    }
    try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0));
        PulsarAdmin eastAdmin = east.newAdmin();
        PulsarClient westClient = west.newClient()) {
      await("the 15 intact messages, and only them")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(values(westClient, topic)).containsExactlyElementsOf(expected));
      await("georep's cursor past the corrupt entry")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  eastAdmin
                      .topics()
                      .getStats(topic)
                      .getSubscriptions()
                      .get("georep-corrupt-messages")
                      .getMsgBacklog(),
              backlog -> backlog == 0);
      DaemonStatus.TopicStatus status = topicsOf(runner, "corrupt-messages", topic).get(0);
      assertThat(status.state()).isEqualTo(TopicState.RUNNING);
      assertThat(status.lastError()).isNull();
      assertThat(status.lastEvent()).isNull();
      assertThat(status.messagesForwarded()).isEqualTo(15);
    }
  }

  private static List<String> values(PulsarClient client, String topic) throws Exception {
    return Topics.readAll(client, topic).stream()
        .map(m -> new String(m.getData(), StandardCharsets.UTF_8))
        .toList();
  }

  /**
   * Produces {@code before-0..9}, a marker message, {@code after-0..4} (one entry each) to {@code
   * topic} on {@code east}, then stops the broker, changes one byte of the marker's payload
   * wherever the bookie keeps it (journal and entry log), and starts the broker again: its caches
   * are empty, it reads the altered entry (at index 10) from the disk.
   */
  private static void produceWithACorruptEntry(PulsarCluster east, String topic) throws Exception {
    String marker = "corrupt-me-" + UUID.randomUUID();
    try (PulsarClient eastClient = east.newClient();
        Producer<byte[]> producer =
            eastClient.newProducer().topic(topic).enableBatching(false).create()) {
      for (int i = 0; i < 10; i++) {
        producer.send(("before-" + i).getBytes(StandardCharsets.UTF_8));
      }
      producer.send(marker.getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 5; i++) {
        producer.send(("after-" + i).getBytes(StandardCharsets.UTF_8));
      }
    }
    east.stop();
    byte[] original = marker.getBytes(StandardCharsets.US_ASCII);
    byte[] altered = original.clone();
    altered[0] = (byte) 'C';
    int replaced = replaceEverywhere(east.dataDir().resolve("bookkeeper"), original, altered);
    assertThat(replaced).as("copies of the entry on the bookie's disk").isPositive();
    east.restart();
  }

  /**
   * Replaces each occurrence of {@code from} by {@code to} (same length) in the files under dir.
   */
  private static int replaceEverywhere(Path dir, byte[] from, byte[] to) throws Exception {
    int replaced = 0;
    try (var files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        boolean changed = false;
        for (int i = 0; i + from.length <= bytes.length; i++) {
          if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
            System.arraycopy(to, 0, bytes, i, to.length);
            changed = true;
            replaced++;
          }
        }
        if (changed) {
          Files.write(file, bytes);
        }
      }
    }
    return replaced;
  }

  private static ReplicationVerifier.Report awaitAll(
      PulsarClient target, KeyedWorkload workload, Map<String, String> renamed, long expected) {
    return await(expected + " messages of " + workload.name() + " on the target")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> ReplicationVerifier.verify(target, workload, renamed),
            r -> r.produced() == expected && r.missing() == 0);
  }

  private static long forwarded(List<DaemonStatus.TopicStatus> topics) {
    return topics.stream().mapToLong(DaemonStatus.TopicStatus::messagesForwarded).sum();
  }

  private static List<DaemonStatus.TopicStatus> topics(DaemonRunner runner, String link) {
    return runner.status().links().stream()
        .filter(l -> l.name().equals(link))
        .flatMap(l -> l.topics().stream())
        .toList();
  }

  private static List<DaemonStatus.TopicStatus> topicsOf(
      DaemonRunner runner, String link, String sourceTopic) {
    return topics(runner, link).stream()
        .filter(t -> t.sourceTopic().startsWith(sourceTopic))
        .toList();
  }

  private static String link(String name, String target, String scope, String more) {
    return String.join(
            "\n",
            "  - name: " + name,
            "    source: east",
            "    target: " + target,
            "    discoveryInterval: 1s",
            "    scope: " + scope,
            "")
        + more;
  }

  private GeorepConfig config(String links) throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String yaml =
        String.join(
                "\n",
                "clusters:",
                "  east: { serviceUrl: "
                    + east.serviceUrl()
                    + ", adminUrl: "
                    + east.adminUrl()
                    + " }",
                "  west:",
                "    serviceUrl: " + west.serviceUrl(),
                "    adminUrl: " + west.adminUrl(),
                "    auth: { token: \"${SUPER_TOKEN}\" }",
                "  west-limited:",
                "    serviceUrl: " + west.serviceUrl(),
                "    adminUrl: " + west.adminUrl(),
                "    auth: { token: \"${ROLE_TOKEN}\" }",
                "state: { dir: " + dir.resolve("state") + " }",
                "links:",
                "")
            + links;
    return ConfigLoader.parse(
        yaml,
        "failures-it",
        Map.of(
            "SUPER_TOKEN", west.superUserToken().orElseThrow(),
            "ROLE_TOKEN", west.createToken(ROLE)));
  }
}
