package io.georep.it;

import static io.georep.it.GeorepYaml.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.georep.cli.Georep;
import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.replicator.Provenance;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.common.policies.data.AutoTopicCreationOverride;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A consumer that moves from the source to the target receives on the target exactly the messages
 * it had not acknowledged on the source: none it acknowledged (cumulatively or one by one), none
 * twice, none missing. Its daemon, translating subscriptions and syncing metadata, also exposes the
 * most metric families: the check of the dashboard and alerts under {@code ops/} runs here.
 */
class SubscriptionTranslationIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(),
          // Target batches hold acknowledged and unacknowledged messages side by side: the
          // target must keep acknowledgements per batch index.
          PulsarClusterSpec.builder("west")
              .brokerSetting("acknowledgmentAtBatchIndexLevelEnabled", "true")
              .brokerSetting("defaultRetentionTimeInMinutes", "60")
              .brokerSetting("defaultRetentionSizeInMB", "500")
              .build());

  private static final String SUBSCRIPTION = "billing";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Metrics the dashboard or the alerts query that {@link
   * #theDashboardAndTheAlertsQueryOnlyMetricsTheDaemonExposes} does not provoke, by their
   * Micrometer name: counters registered only once something failed. When the daemon lacks them,
   * they are checked as documented and registered by main code instead.
   */
  private static final Map<String, String> STATIC_ONLY =
      Map.of("georep_subscription_sync_failures_total", "georep.subscription.sync.failures");

  /** Series Prometheus makes itself while scraping, never in {@code /metrics}. */
  private static final Set<String> PROMETHEUS_OWN = Set.of("up");

  @TempDir Path dir;

  @Test
  void aPartitionedTopicsSubscriptionArrivesExactlyAndAgainAfterADaemonRestart() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://subs/app/orders";
    east.createNamespaces("subs/app");
    west.createNamespaces("subs/app");
    Path configFile = writeConfig(link("app", "east", "west", "{ namespaces: [subs/app] }"), "app");
    GeorepConfig config = ConfigLoader.load(configFile);
    Random random = new Random(7);
    try (PulsarAdmin eastAdmin = east.newAdmin();
        PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient()) {
      eastAdmin.topics().createPartitionedTopic(topic, 3);
      eastAdmin.topics().createSubscription(topic, SUBSCRIPTION, MessageId.earliest);
      Map<String, String> sourceIds = produce(eastClient, topic, "first", 20_000);
      Set<String> acked = consumeAndAck(eastClient, topic, 20_000, 2_000, 0.3, random);
      awaitSourceBacklog(eastAdmin, topic, 20_000 - acked.size());

      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        awaitForwarded(runner, 20_000);
        JsonNode report = syncSubscriptions(configFile, "app");
        assertThat(report.path("subscriptions")).hasSize(3);
        for (JsonNode sub : report.path("subscriptions")) {
          assertThat(sub.path("subscription").asText()).isEqualTo(SUBSCRIPTION);
          assertThat(sub.path("action").asText()).isEqualTo("created");
          assertThat(sub.path("exact").asBoolean()).as(sub.toString()).isTrue();
          assertThat(sub.path("sourceBacklog").asLong()).isPositive();
        }
      }
      assertReceivesExactly(westClient, topic, expectedUnacked(sourceIds, acked), sourceIds);

      // More traffic and acknowledgements; a restarted daemon's map still translates them.
      Map<String, String> moreIds = produce(eastClient, topic, "second", 3_000);
      sourceIds.putAll(moreIds);
      acked.addAll(consumeAndAck(eastClient, topic, 20_000 - acked.size() + 3_000, 0, 0.5, random));
      awaitSourceBacklog(eastAdmin, topic, sourceIds.size() - acked.size());
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        awaitForwarded(runner, 3_000);
        JsonNode report = syncSubscriptions(configFile, "app");
        for (JsonNode sub : report.path("subscriptions")) {
          assertThat(sub.path("exact").asBoolean()).as(sub.toString()).isTrue();
        }
      }
      assertReceivesExactly(westClient, topic, expectedUnacked(sourceIds, acked), sourceIds);
    }
  }

  @Test
  void renamedAndMergedTopicsGetEachOriginsUnacknowledgedMessages() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String a = "persistent://subs/shop-a/events";
    String b = "persistent://subs/shop-b/events";
    String merged = "persistent://subs/archive/events";
    east.createNamespaces("subs/shop-a", "subs/shop-b");
    west.createNamespaces("subs/archive");
    Path configFile =
        writeConfig(
            link(
                    "shop-a",
                    "east",
                    "west",
                    "{ namespaces: [subs/shop-a] }",
                    "mapping: { namespaces: { \"subs/shop-a\": \"subs/archive\" } }")
                + link(
                    "shop-b",
                    "east",
                    "west",
                    "{ namespaces: [subs/shop-b] }",
                    "mapping: { namespaces: { \"subs/shop-b\": \"subs/archive\" } }"),
            "merge");
    GeorepConfig config = ConfigLoader.load(configFile);
    Random random = new Random(11);
    try (PulsarAdmin eastAdmin = east.newAdmin();
        PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient()) {
      Map<String, String> sourceIds = new HashMap<>();
      Set<String> acked = new HashSet<>();
      for (String topic : List.of(a, b)) {
        eastAdmin.topics().createNonPartitionedTopic(topic);
        eastAdmin.topics().createSubscription(topic, SUBSCRIPTION, MessageId.earliest);
        String prefix = topic.equals(a) ? "a" : "b";
        sourceIds.putAll(produce(eastClient, topic, prefix, 2_000));
        Set<String> ackedHere =
            consumeAndAck(eastClient, topic, 2_000, topic.equals(a) ? 500 : 100, 0.4, random);
        acked.addAll(ackedHere);
        awaitSourceBacklog(eastAdmin, topic, 2_000 - ackedHere.size());
      }
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        awaitForwarded(runner, 4_000);
        JsonNode planned = syncSubscriptions(configFile, "shop-a", "--dry-run");
        assertThat(planned.path("subscriptions").get(0).path("action").asText())
            .isEqualTo("would-create");
        try (PulsarAdmin westAdmin = west.newAdmin()) {
          assertThat(westAdmin.topics().getSubscriptions(merged)).doesNotContain(SUBSCRIPTION);
        }
        JsonNode report = syncSubscriptions(configFile, "shop-a");
        assertThat(report.path("subscriptions")).hasSize(1);
        JsonNode sub = report.path("subscriptions").get(0);
        assertThat(sub.path("targetTopic").asText()).isEqualTo(merged);
        assertThat(sub.path("sourceTopics")).hasSize(2);
        assertThat(sub.path("exact").asBoolean()).as(sub.toString()).isTrue();
      }
      assertReceivesExactly(westClient, merged, expectedUnacked(sourceIds, acked), sourceIds);
    }
  }

  @Test
  void theDaemonTranslatesContinuouslyAndShowsItInStatusAndMetrics() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://subs/live/payments";
    east.createNamespaces("subs/live");
    west.createNamespaces("subs/live");
    Path configFile =
        writeConfig(
            link(
                "live",
                "east",
                "west",
                "{ namespaces: [subs/live] }",
                "subscriptionSync: { interval: 1s }"),
            "live");
    GeorepConfig config = ConfigLoader.load(configFile);
    Random random = new Random(3);
    try (PulsarAdmin eastAdmin = east.newAdmin();
        PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient()) {
      eastAdmin.topics().createNonPartitionedTopic(topic);
      eastAdmin.topics().createSubscription(topic, SUBSCRIPTION, MessageId.earliest);
      Map<String, String> sourceIds = produce(eastClient, topic, "p", 3_000);
      Set<String> acked = consumeAndAck(eastClient, topic, 3_000, 300, 0.5, random);
      awaitSourceBacklog(eastAdmin, topic, 3_000 - acked.size());

      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        awaitForwarded(runner, 3_000);
        java.time.Instant replicated = java.time.Instant.now();
        var translated =
            await("a translation after everything was replicated")
                .atMost(Duration.ofSeconds(60))
                .until(
                    () -> runner.status().links().get(0).subscriptions(),
                    subs ->
                        subs.size() == 1
                            && subs.get(0).syncedAt() != null
                            && subs.get(0).syncedAt().isAfter(replicated.plusSeconds(1)));
        var sub = translated.get(0);
        assertThat(sub.subscription()).isEqualTo(SUBSCRIPTION);
        assertThat(sub.targetTopic()).isEqualTo(topic);
        assertThat(sub.exact()).as(sub.notes().toString()).isTrue();
        assertThat(sub.action()).isIn("created", "moved", "kept");
        assertThat(sub.ageMillis()).isBetween(0L, 10_000L);
        assertThat(runner.metrics())
            .contains(
                "georep_subscription_translation_age_milliseconds{link=\"live\",subscription=\"billing\"")
            .contains("georep_subscription_translations_total{action=");
      }
      assertReceivesExactly(westClient, topic, expectedUnacked(sourceIds, acked), sourceIds);
    }
  }

  /**
   * Every metric the Grafana dashboard and the alert rules under {@code ops/} query is in the
   * {@code /metrics} of a daemon with data flowing, metadata sync and subscription translation on.
   * The per-kind counters that appear only once something happens are provoked: a link to a missing
   * target namespace ({@code georep_errors_total}), a source topic deleted ({@code
   * georep_events_total}), a GC ({@code jvm_gc_pause_seconds_*}). {@link #STATIC_ONLY} lists those
   * only checked as documented and registered by code; {@link #PROMETHEUS_OWN}, Prometheus' own.
   */
  @Test
  void theDashboardAndTheAlertsQueryOnlyMetricsTheDaemonExposes() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://subs/ops/payments";
    String gone = "persistent://subs/ops/gone";
    String stranded = "persistent://subs/ops-stranded/events";
    east.createNamespaces("subs/ops", "subs/ops-stranded");
    west.createNamespaces("subs/ops");
    Path configFile =
        writeConfig(
            link(
                    "ops",
                    "east",
                    "west",
                    "{ namespaces: [subs/ops] }",
                    "metadataSync: continuous",
                    "metadataSyncInterval: 1s",
                    "subscriptionSync: { interval: 1s }")
                + link(
                    "stranded",
                    "east",
                    "west",
                    "{ namespaces: [subs/ops-stranded] }",
                    "mapping: { namespaces: { subs/ops-stranded: subs/ops-absent } }"),
            "ops");
    GeorepConfig config = ConfigLoader.load(configFile);
    try (PulsarAdmin eastAdmin = east.newAdmin();
        PulsarClient eastClient = east.newClient()) {
      // Else a deleted topic comes back for georep's reconnecting consumer (docs/replication.md).
      eastAdmin
          .namespaces()
          .setAutoTopicCreation(
              "subs/ops",
              AutoTopicCreationOverride.builder()
                  .allowAutoTopicCreation(false)
                  .topicType("non-partitioned")
                  .build());
      eastAdmin.topics().createNonPartitionedTopic(topic);
      eastAdmin.topics().createNonPartitionedTopic(gone);
      eastAdmin.topics().createNonPartitionedTopic(stranded);
      eastAdmin.topics().createSubscription(topic, SUBSCRIPTION, MessageId.earliest);
      produce(eastClient, topic, "p", 500);
      produce(eastClient, stranded, "s", 10);

      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        await("both topics of link ops running")
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    runner.status().links().stream().filter(l -> l.name().equals("ops")).findAny(),
                l ->
                    l.isPresent()
                        && l.get().topics().size() == 2
                        && l.get().messagesForwarded() >= 500);
        eastAdmin.topics().delete(gone, true);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest scrape =
            HttpRequest.newBuilder(runner.httpUri().resolve(URI.create("/metrics"))).build();
        String metrics =
            await("the metric families that appear only once something happened")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                    () -> {
                      System.gc(); // the daemon runs in this JVM: a GC pause for jvm_gc_pause
                      return http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
                    },
                    text ->
                        text.contains("georep_errors_total{kind=\"target-topic\",link=\"stranded\"")
                            && text.contains(
                                "georep_events_total{kind=\"source-deleted\",link=\"ops\"")
                            && text.contains(
                                "georep_subscription_translation_age_milliseconds{link=\"ops\"")
                            && text.contains("georep_subscription_translations_total{")
                            && text.contains("georep_stage_seconds_bucket{")
                            && text.contains("jvm_gc_pause_seconds_count{"));

        Set<String> exposed = OpsQueries.exposedNames(metrics);
        List<OpsQueries.Unknown> unknown = OpsQueries.unknownMetrics(OpsQueries.all(), exposed);
        Set<String> queried = new TreeSet<>();
        OpsQueries.all().forEach(q -> queried.addAll(PromQl.metricNames(q.expr())));
        List<String> problems = new ArrayList<>();
        Set<String> staticallyChecked = new TreeSet<>();
        for (OpsQueries.Unknown u : unknown) {
          String meter = STATIC_ONLY.get(u.metric());
          if (PROMETHEUS_OWN.contains(u.metric())) {
            staticallyChecked.add(u.metric());
          } else if (meter == null) {
            problems.add(u.toString());
          } else {
            staticallyChecked.add(u.metric());
            problems.addAll(OpsQueries.undocumentedOrUnregistered(meter));
          }
        }
        queried.removeAll(staticallyChecked);
        System.out.println("dashboard and alerts: exposed by the daemon: " + queried);
        System.out.println(
            "dashboard and alerts: not exposed, checked as documented and registered or Prometheus'"
                + " own: "
                + staticallyChecked);
        assertThat(problems).as("queries of metrics the daemon does not expose").isEmpty();
        assertThat(queried).contains("georep_errors_total", "georep_events_total");
      }
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private Path writeConfig(String links, String name) throws Exception {
    String yaml =
        GeorepYaml.config(
            dir.resolve("state-" + name), links, clusters.get("east"), clusters.get("west"));
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** Unbatched, so that each message is its own source entry and acknowledged on its own. */
  private static Map<String, String> produce(
      PulsarClient client, String topic, String prefix, int count) throws Exception {
    Map<String, String> ids = new ConcurrentHashMap<>();
    try (Producer<byte[]> producer =
        client.newProducer(Schema.BYTES).topic(topic).enableBatching(false).create()) {
      List<CompletableFuture<Void>> sends = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String payload = prefix + "-" + i;
        sends.add(
            producer
                .newMessage()
                .key("k" + (i % 16))
                .value(payload.getBytes())
                .sendAsync()
                .thenAccept(id -> ids.put(payload, format((MessageIdAdv) id))));
      }
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    }
    return new HashMap<>(ids);
  }

  private static String format(MessageIdAdv id) {
    return id.getLedgerId() + ":" + id.getEntryId() + ":" + id.getBatchIndex();
  }

  /**
   * Receives {@code count} messages on the source subscription; per partition acknowledges the
   * first {@code prefix} cumulatively, then a random {@code fraction} of the rest one by one.
   * Returns the payloads acknowledged.
   */
  private static Set<String> consumeAndAck(
      PulsarClient client, String topic, int count, int prefix, double fraction, Random random)
      throws Exception {
    Set<String> acked = new HashSet<>();
    Map<String, List<Message<byte[]>>> byPartition = new HashMap<>();
    try (Consumer<byte[]> consumer =
        client
            .newConsumer(Schema.BYTES)
            .topic(topic)
            .subscriptionName(SUBSCRIPTION)
            .subscriptionType(SubscriptionType.Failover)
            .receiverQueueSize(1000)
            .subscribe()) {
      for (int i = 0; i < count; i++) {
        Message<byte[]> m = consumer.receive(30, TimeUnit.SECONDS);
        assertThat(m).as("message %d of %d on the source", i, count).isNotNull();
        byPartition.computeIfAbsent(m.getTopicName(), t -> new ArrayList<>()).add(m);
      }
      for (List<Message<byte[]>> messages : byPartition.values()) {
        int cut = Math.min(prefix, messages.size());
        if (cut > 0) {
          consumer.acknowledgeCumulative(messages.get(cut - 1).getMessageId());
          for (int i = 0; i < cut; i++) {
            acked.add(new String(messages.get(i).getData()));
          }
        }
        for (int i = cut; i < messages.size(); i++) {
          if (random.nextDouble() < fraction) {
            consumer.acknowledge(messages.get(i));
            acked.add(new String(messages.get(i).getData()));
          }
        }
      }
    }
    return acked;
  }

  /** Waits until the source cursor shows the acknowledgements. */
  private static void awaitSourceBacklog(PulsarAdmin admin, String topic, long expected) {
    // With a matcher, a timeout names the backlog last seen, not only that it differed.
    await("the source cursor holds the acknowledgements")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              var stats =
                  topic.contains("orders")
                      ? admin.topics().getPartitionedStats(topic, false)
                      : admin.topics().getStats(topic);
              return stats.getSubscriptions().get(SUBSCRIPTION).getMsgBacklog();
            },
            equalTo(expected));
  }

  private static void awaitForwarded(DaemonRunner runner, long atLeast) {
    try {
      await("forwarded " + atLeast)
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  runner.status().links().stream().mapToLong(l -> l.messagesForwarded()).sum()
                          >= atLeast
                      && runner.status().links().stream()
                          .flatMap(l -> l.topics().stream())
                          .allMatch(t -> t.inFlight() == 0 && t.backlogMessages() == 0));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // Which link or partition stopped short, and why, is in the status.
      throw new AssertionError("not forwarded " + atLeast + "; status: " + runner.status(), e);
    }
  }

  private static JsonNode syncSubscriptions(Path configFile, String link, String... more)
      throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Georep.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> args =
        new ArrayList<>(
            List.of(
                "sync",
                "subscriptions",
                "--config",
                configFile.toString(),
                "--link",
                link,
                "--output",
                "json"));
    args.addAll(List.of(more));
    int exit = cli.execute(args.toArray(String[]::new));
    assertThat(exit).as("exit code; stderr: %s", err).isZero();
    System.out.println("sync subscriptions: " + out);
    return JSON.readTree(out.toString());
  }

  private static Set<String> expectedUnacked(Map<String, String> sourceIds, Set<String> acked) {
    Set<String> expected = new HashSet<>(sourceIds.keySet());
    expected.removeAll(acked);
    return expected;
  }

  /**
   * A consumer on the target subscription receives exactly {@code expected}, each once, each naming
   * its source message; it acknowledges nothing, so the check can run again.
   */
  private static void assertReceivesExactly(
      PulsarClient client, String topic, Set<String> expected, Map<String, String> sourceIds)
      throws Exception {
    List<String> received = new ArrayList<>();
    try (Consumer<byte[]> consumer =
        client
            .newConsumer(Schema.BYTES)
            .topic(topic)
            .subscriptionName(SUBSCRIPTION)
            .subscriptionType(SubscriptionType.Shared)
            .subscribe()) {
      Message<byte[]> m;
      while ((m = consumer.receive(5, TimeUnit.SECONDS)) != null) {
        String payload = new String(m.getData());
        received.add(payload);
        assertThat(Provenance.of(m).orElseThrow().sourceId())
            .as("source id of %s", payload)
            .isEqualTo(sourceIds.get(payload));
      }
    }
    Set<String> distinct = new HashSet<>(received);
    assertThat(received).as("nothing twice").hasSameSizeAs(distinct);
    Set<String> unexpected = new HashSet<>(distinct);
    unexpected.removeAll(expected);
    Set<String> missing = new HashSet<>(expected);
    missing.removeAll(distinct);
    assertThat(unexpected).as("acknowledged on the source, yet delivered").isEmpty();
    assertThat(missing).as("unacknowledged on the source, not delivered").isEmpty();
  }
}
