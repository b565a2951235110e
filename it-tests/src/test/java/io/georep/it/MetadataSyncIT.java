package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.georep.cli.Georep;
import io.georep.config.ConfigLoader;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.ExitCodes;
import io.georep.daemon.HostPort;
import io.georep.replicator.DaemonStatus;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.common.policies.data.AuthAction;
import org.apache.pulsar.common.policies.data.AutoTopicCreationOverride;
import org.apache.pulsar.common.policies.data.Policies;
import org.apache.pulsar.common.policies.data.RetentionPolicies;
import org.apache.pulsar.common.policies.data.SchemaCompatibilityStrategy;
import org.apache.pulsar.common.policies.data.TenantInfo;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata sync between a plain source and a target with token authentication and authorization.
 * {@code georep sync metadata}: the plan, the apply, every object and policy equal afterwards, a
 * second apply that does nothing, a conflicting target policy reported and kept until {@code
 * --overwrite} names it, a refusal that names the role, the cluster and the permission; {@code
 * --mirror-deletes} deleting what only the target has but not a topic a running link writes to;
 * {@code --overwrite} replacing a schema history and removing policies the source does not set, a
 * typed selector leaving a role of the same name alone. The daemon's continuous sync: what appears
 * on the source appears on the target, conflicts stay and show in metrics and status, and a sync
 * the target refuses does not stop replication. Each test uses tenants of its own.
 */
class MetadataSyncIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(),
          PulsarClusterSpec.builder("west").tokenAuth(true).build());

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EVENTS = "persistent://shop/orders/events";
  private static final String AUDIT = "persistent://shop/orders/audit";
  private static final String STAFF = "persistent://hr/people/staff";
  private static final String ORDER_V1 =
      "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
  private static final String ORDER_V2 =
      "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"amount\",\"type\":[\"null\",\"double\"],\"default\":null}]}";
  private static final RetentionPolicies RETENTION = new RetentionPolicies(90, 200);

  @TempDir static Path dir;

  @BeforeAll
  static void sourceWithEverything() throws Exception {
    PulsarCluster east = clusters.get("east");
    try (PulsarAdmin admin = east.newAdmin()) {
      admin
          .tenants()
          .createTenant(
              "shop",
              TenantInfo.builder()
                  .adminRoles(Set.of("shop-admin"))
                  .allowedClusters(Set.of("east"))
                  .build());
      admin
          .tenants()
          .createTenant(
              "hr",
              TenantInfo.builder()
                  .adminRoles(Set.of("hr-admin", "auditor"))
                  .allowedClusters(Set.of("east"))
                  .build());
      admin.namespaces().createNamespace("shop/orders");
      admin.namespaces().createNamespace("hr/people");
      admin.namespaces().createNamespace("hr/not-in-scope");

      admin.namespaces().setRetention("shop/orders", RETENTION);
      admin.namespaces().setNamespaceMessageTTL("shop/orders", 3600);
      admin.namespaces().setDeduplicationStatus("shop/orders", true);
      admin.namespaces().setMaxProducersPerTopic("shop/orders", 7);
      admin
          .namespaces()
          .setSchemaCompatibilityStrategy("shop/orders", SchemaCompatibilityStrategy.BACKWARD);
      admin
          .namespaces()
          .setAutoTopicCreation(
              "shop/orders",
              AutoTopicCreationOverride.builder()
                  .allowAutoTopicCreation(true)
                  .topicType("partitioned")
                  .defaultNumPartitions(2)
                  .build());
      admin.namespaces().setMaxConsumersPerTopic("hr/people", 5);
      admin.namespaces().setSubscriptionExpirationTime("hr/people", 120);

      admin
          .namespaces()
          .grantPermissionOnNamespace(
              "shop/orders", "alice", Set.of(AuthAction.produce, AuthAction.consume));
      admin.namespaces().grantPermissionOnNamespace("hr/people", "bob", Set.of(AuthAction.consume));

      admin.topics().createPartitionedTopic(EVENTS, 3);
      admin.topics().createNonPartitionedTopic(AUDIT);
      admin.topics().createPartitionedTopic(STAFF, 2);
      admin.topics().createNonPartitionedTopic("persistent://hr/not-in-scope/secret");
      admin.topics().grantPermission(AUDIT, "bob", Set.of(AuthAction.produce));

      admin
          .topics()
          .createSubscription(EVENTS, "billing", org.apache.pulsar.client.api.MessageId.earliest);
      admin
          .topics()
          .createSubscription(EVENTS, "analytics", org.apache.pulsar.client.api.MessageId.earliest);
      admin
          .topics()
          .createSubscription(AUDIT, "auditors", org.apache.pulsar.client.api.MessageId.earliest);
      admin
          .topics()
          .createSubscription(STAFF, "payroll", org.apache.pulsar.client.api.MessageId.earliest);

      admin.schemas().createSchema(EVENTS, avro(ORDER_V1));
      admin.schemas().createSchema(EVENTS, avro(ORDER_V2));

      admin.topicPolicies().setMessageTTL(EVENTS, 600);
      admin.topicPolicies().setMaxProducers(AUDIT, 3);
      // Topic-level policies travel through a system topic: wait until they read back.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Integer.valueOf(600).equals(admin.topicPolicies().getMessageTTL(EVENTS)));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Integer.valueOf(3).equals(admin.topicPolicies().getMaxProducers(AUDIT)));
    }
  }

  @Test
  void plansAppliesAndThenAgreesWithTheSource() throws Exception {
    Path config = config(clusters.get("west").superUserToken().orElseThrow());

    // 1. The plan: everything in scope is created, nothing exists yet on west.
    Run planned =
        run(
            "sync",
            "metadata",
            "--config",
            config.toString(),
            "--link",
            "east-to-west",
            "--output",
            "json");
    assertThat(planned.exitCode).as(planned.toString()).isEqualTo(ExitCodes.OK);
    JsonNode plan = JSON.readTree(planned.out);
    assertThat(plan.get("counts").get("CONFLICT").asInt()).as(planned.toString()).isZero();
    assertThat(plan.get("counts").get("ONLY_ON_TARGET").asInt()).isZero();
    assertThat(lines(plan.get("items")))
        .contains(
            "CREATE TENANT shop ",
            "CREATE TENANT hr ",
            "CREATE NAMESPACE shop/orders ",
            "CREATE NAMESPACE hr/people ",
            "CREATE NAMESPACE_POLICY shop/orders retention",
            "CREATE NAMESPACE_POLICY shop/orders messageTtlSeconds",
            "CREATE NAMESPACE_POLICY shop/orders deduplication",
            "CREATE NAMESPACE_POLICY shop/orders maxProducersPerTopic",
            "CREATE NAMESPACE_POLICY shop/orders schemaCompatibilityStrategy",
            "CREATE NAMESPACE_POLICY shop/orders autoTopicCreation",
            "CREATE NAMESPACE_POLICY hr/people maxConsumersPerTopic",
            "CREATE NAMESPACE_POLICY hr/people subscriptionExpirationMinutes",
            "CREATE NAMESPACE_GRANT shop/orders alice",
            "CREATE NAMESPACE_GRANT hr/people bob",
            "CREATE TOPIC " + EVENTS + " ",
            "CREATE TOPIC " + AUDIT + " ",
            "CREATE TOPIC " + STAFF + " ",
            "CREATE TOPIC_POLICY " + EVENTS + " messageTtlSeconds",
            "CREATE TOPIC_POLICY " + AUDIT + " maxProducers",
            "CREATE TOPIC_GRANT " + AUDIT + " bob",
            "CREATE SCHEMA " + EVENTS + " ",
            "CREATE SUBSCRIPTION " + EVENTS + " billing",
            "CREATE SUBSCRIPTION " + EVENTS + " analytics",
            "CREATE SUBSCRIPTION " + AUDIT + " auditors",
            "CREATE SUBSCRIPTION " + STAFF + " payroll")
        .noneMatch(line -> line.contains("not-in-scope"));
    try (PulsarAdmin west = clusters.get("west").newAdmin()) {
      assertThat(west.tenants().getTenants()).doesNotContain("shop", "hr");
    }

    // 2. Apply: everything applied.
    Run applied =
        run(
            "sync",
            "metadata",
            "--config",
            config.toString(),
            "--link",
            "east-to-west",
            "--apply",
            "--output",
            "json");
    assertThat(applied.exitCode).as(applied.toString()).isEqualTo(ExitCodes.OK);
    JsonNode results = JSON.readTree(applied.out).get("results");
    assertThat(results.size()).isEqualTo(plan.get("items").size());
    results.forEach(
        r -> assertThat(r.get("outcome").asText()).as(r.toString()).isEqualTo("APPLIED"));

    // 3. Every object and policy on west equals east's.
    try (PulsarAdmin east = clusters.get("east").newAdmin();
        PulsarAdmin west = clusters.get("west").newAdmin()) {
      assertThat(west.tenants().getTenantInfo("shop").getAdminRoles())
          .containsExactly("shop-admin");
      assertThat(west.tenants().getTenantInfo("shop").getAllowedClusters()).containsExactly("west");
      assertThat(new TreeSet<>(west.tenants().getTenantInfo("hr").getAdminRoles()))
          .containsExactly("auditor", "hr-admin");
      assertThat(west.namespaces().getNamespaces("hr")).containsExactly("hr/people");
      for (String ns : List.of("shop/orders", "hr/people")) {
        assertSamePolicies(
            east.namespaces().getPolicies(ns), west.namespaces().getPolicies(ns), ns);
      }
      assertThat(west.namespaces().getRetention("shop/orders")).isEqualTo(RETENTION);
      assertThat(west.topics().getPartitionedTopicMetadata(EVENTS).partitions).isEqualTo(3);
      assertThat(west.topics().getPartitionedTopicMetadata(STAFF).partitions).isEqualTo(2);
      assertThat(west.topics().getList("shop/orders")).contains(AUDIT);
      assertThat(west.topics().getSubscriptions(EVENTS))
          .containsExactlyInAnyOrder("billing", "analytics");
      assertThat(west.topics().getSubscriptions(AUDIT)).containsExactly("auditors");
      assertThat(west.topics().getSubscriptions(STAFF)).containsExactly("payroll");
      List<SchemaInfo> schemas = west.schemas().getAllSchemas(EVENTS);
      assertThat(schemas)
          .extracting(s -> new String(s.getSchema(), StandardCharsets.UTF_8))
          .containsExactly(ORDER_V1, ORDER_V2);
      assertThat(schemas).allMatch(s -> s.getType() == SchemaType.AVRO);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(west.topicPolicies().getMessageTTL(EVENTS)).isEqualTo(600);
                assertThat(west.topicPolicies().getMaxProducers(AUDIT)).isEqualTo(3);
              });
    }

    // 4. A second apply finds nothing to do.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Run again =
                  run(
                      "sync",
                      "metadata",
                      "--config",
                      config.toString(),
                      "--link",
                      "east-to-west",
                      "--apply");
              assertThat(again.exitCode).as(again.toString()).isEqualTo(ExitCodes.OK);
              assertThat(again.out)
                  .as(again.toString())
                  .contains("0 create, 0 update, 0 conflicts, 0 only on target")
                  .contains("The target agrees with the source");
            });

    // 5. A conflicting target policy is reported and left alone ...
    RetentionPolicies westOwn = new RetentionPolicies(5, 5);
    try (PulsarAdmin west = clusters.get("west").newAdmin()) {
      west.namespaces().setRetention("shop/orders", westOwn);
      Run conflict =
          run(
              "sync",
              "metadata",
              "--config",
              config.toString(),
              "--link",
              "east-to-west",
              "--apply",
              "--output",
              "json");
      assertThat(conflict.exitCode).as(conflict.toString()).isEqualTo(ExitCodes.OK);
      JsonNode report = JSON.readTree(conflict.out);
      assertThat(lines(report.get("items")))
          .containsExactly("CONFLICT NAMESPACE_POLICY shop/orders retention");
      assertThat(report.get("items").get(0).get("apply").asBoolean()).isFalse();
      assertThat(report.get("items").get(0).get("target").asText())
          .contains("\"retentionTimeInMinutes\":5");
      assertThat(report.get("results")).isEmpty();
      assertThat(west.namespaces().getRetention("shop/orders")).isEqualTo(westOwn);

      // ... and overwritten only when asked.
      Run overwrite =
          run(
              "sync",
              "metadata",
              "--config",
              config.toString(),
              "--link",
              "east-to-west",
              "--apply",
              "--overwrite",
              "shop/orders#policy:retention");
      assertThat(overwrite.exitCode).as(overwrite.toString()).isEqualTo(ExitCodes.OK);
      assertThat(overwrite.out).contains("Applied 1, skipped 0, failed 0.");
      assertThat(west.namespaces().getRetention("shop/orders")).isEqualTo(RETENTION);
    }
  }

  @Test
  void aRoleWithoutPermissionIsNamedWithTheClusterAndWhatItLacks() throws Exception {
    String intruder = clusters.get("west").createToken("intruder");
    Path config = config(intruder);

    Run denied = run("sync", "metadata", "--config", config.toString(), "--link", "east-to-west");

    assertThat(denied.exitCode).as(denied.toString()).isEqualTo(ExitCodes.FAILURE);
    assertThat(denied.err)
        .as(denied.toString())
        .contains("cluster 'west'")
        .contains("role 'intruder'")
        .contains("it needs ")
        .doesNotContain(intruder);
  }

  @Test
  void mirrorDeletesRemoveWhatOnlyTheTargetHasButNeverATopicARunningLinkWritesTo()
      throws Exception {
    String kept = "persistent://mirror/ns/kept";
    String stale = "persistent://mirror/ns/stale";
    String fed = "persistent://mirror/ns/fed";
    try (PulsarAdmin east = clusters.get("east").newAdmin()) {
      east.tenants()
          .createTenant(
              "mirror",
              TenantInfo.builder().adminRoles(Set.of()).allowedClusters(Set.of("east")).build());
      east.namespaces().createNamespace("mirror/ns");
      east.namespaces().createNamespace("mirror/feed");
      east.namespaces()
          .grantPermissionOnNamespace("mirror/ns", "alice", Set.of(AuthAction.consume));
      east.namespaces().grantPermissionOnSubscription("mirror/ns", "readers", Set.of("alice"));
      east.topics().createNonPartitionedTopic(kept);
      east.topics().createSubscription(kept, "readers", MessageId.earliest);
      east.topics().createNonPartitionedTopic("persistent://mirror/feed/fed");
    }
    // "mirror" syncs mirror/ns; "feeder" replicates mirror/feed into the same target namespace.
    Path config =
        config(
            superToken(),
            link("mirror", "{ namespaces: [mirror/ns] }")
                + link(
                    "feeder",
                    "{ namespaces: [mirror/feed] }",
                    "mapping: { namespaces: { \"mirror/feed\": \"mirror/ns\" } }"));
    Run created = sync(config, "mirror", "--apply");
    assertThat(created.exitCode).as(created.toString()).isEqualTo(ExitCodes.OK);

    try (PulsarAdmin west = clusters.get("west").newAdmin()) {
      assertThat(west.namespaces().getPermissionOnSubscription("mirror/ns"))
          .isEqualTo(Map.of("readers", Set.of("alice")));
      // What only the target has: a topic, a subscription, grants, a subscription permission.
      west.topics().createPartitionedTopic(stale, 2);
      west.topics().createSubscription(kept, "old", MessageId.earliest);
      west.namespaces()
          .grantPermissionOnNamespace("mirror/ns", "mallory", Set.of(AuthAction.produce));
      west.topics().grantPermission(kept, "mallory", Set.of(AuthAction.consume));
      west.namespaces().grantPermissionOnSubscription("mirror/ns", "old", Set.of("mallory"));
      west.namespaces().grantPermissionOnSubscription("mirror/ns", "readers", Set.of("mallory"));

      try (DaemonRunner runner =
          DaemonRunner.start(ConfigLoader.load(config), new HostPort("127.0.0.1", 0))) {
        await("feeder's producer connected to " + fed)
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    west.topics().getList("mirror/ns").contains(fed)
                        && west.topics().getStats(fed).getPublishers().stream()
                            .anyMatch(p -> p.getProducerName().startsWith("georep-feeder~")));

        Run planned = sync(config, "mirror", "--output", "json");
        assertThat(lines(JSON.readTree(planned.out).get("items")))
            .as(planned.toString())
            .containsExactlyInAnyOrder(
                "ONLY_ON_TARGET NAMESPACE_GRANT mirror/ns mallory",
                "ONLY_ON_TARGET SUBSCRIPTION_GRANT mirror/ns old",
                "CONFLICT SUBSCRIPTION_GRANT mirror/ns readers",
                "ONLY_ON_TARGET TOPIC_GRANT " + kept + " mallory",
                "ONLY_ON_TARGET SUBSCRIPTION " + kept + " old",
                "ONLY_ON_TARGET TOPIC " + fed + " ",
                "ONLY_ON_TARGET TOPIC " + stale + " ");

        Run mirrored =
            sync(
                config,
                "mirror",
                "--apply",
                "--mirror-deletes",
                "--overwrite",
                "subscription-grant:readers",
                "--output",
                "json");

        assertThat(mirrored.exitCode).as(mirrored.toString()).isEqualTo(ExitCodes.OK);
        assertThat(outcomes(mirrored))
            .as(mirrored.toString())
            .containsExactlyInAnyOrder(
                "APPLIED ONLY_ON_TARGET NAMESPACE_GRANT mirror/ns mallory",
                "APPLIED ONLY_ON_TARGET SUBSCRIPTION_GRANT mirror/ns old",
                "APPLIED CONFLICT SUBSCRIPTION_GRANT mirror/ns readers",
                "APPLIED ONLY_ON_TARGET TOPIC_GRANT " + kept + " mallory",
                "APPLIED ONLY_ON_TARGET SUBSCRIPTION " + kept + " old",
                "SKIPPED ONLY_ON_TARGET TOPIC " + fed + " ",
                "APPLIED ONLY_ON_TARGET TOPIC " + stale + " ");
        assertThat(JSON.readTree(mirrored.out).get("results").toString())
            .contains("a running georep link writes to it (producer georep-feeder~east~");

        assertThat(west.topics().getPartitionedTopicList("mirror/ns")).doesNotContain(stale);
        assertThat(west.topics().getList("mirror/ns")).contains(kept, fed);
        assertThat(west.topics().getSubscriptions(kept)).containsExactly("readers");
        assertThat(west.namespaces().getPermissions("mirror/ns"))
            .isEqualTo(Map.of("alice", Set.of(AuthAction.consume)));
        assertThat(west.topics().getPermissions(kept)).doesNotContainKey("mallory");
        assertThat(west.namespaces().getPermissionOnSubscription("mirror/ns"))
            .isEqualTo(Map.of("readers", Set.of("alice")));
      }
    }
  }

  @Test
  void overwriteReplacesASchemaHistoryAndRemovesPoliciesOnlyTheTargetSets() throws Exception {
    String typed = "persistent://schemas/ns/typed";
    RetentionPolicies eastRetention = new RetentionPolicies(60, 10);
    try (PulsarAdmin east = clusters.get("east").newAdmin()) {
      east.tenants()
          .createTenant(
              "schemas",
              TenantInfo.builder().adminRoles(Set.of()).allowedClusters(Set.of("east")).build());
      east.namespaces().createNamespace("schemas/ns");
      east.namespaces().setRetention("schemas/ns", eastRetention);
      east.namespaces()
          .grantPermissionOnNamespace("schemas/ns", "retention", Set.of(AuthAction.consume));
      east.topics().createNonPartitionedTopic(typed);
      east.schemas().createSchema(typed, avro(ORDER_V1));
      east.schemas().createSchema(typed, avro(ORDER_V2));
    }
    Path config = config(superToken(), link("schemas", "{ namespaces: [schemas/ns] }"));
    Run created = sync(config, "schemas", "--apply");
    assertThat(created.exitCode).as(created.toString()).isEqualTo(ExitCodes.OK);

    String other =
        "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
    try (PulsarAdmin west = clusters.get("west").newAdmin()) {
      // The target's own history, policies the source does not set, another retention, and a
      // role named like the policy with other actions.
      west.schemas().deleteSchema(typed);
      west.schemas().createSchema(typed, avro(other));
      west.namespaces().setNamespaceMessageTTL("schemas/ns", 30);
      west.namespaces().setRetention("schemas/ns", new RetentionPolicies(5, 5));
      west.namespaces()
          .grantPermissionOnNamespace("schemas/ns", "retention", Set.of(AuthAction.produce));
      west.topicPolicies().setMaxProducers(typed, 4);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Integer.valueOf(4).equals(west.topicPolicies().getMaxProducers(typed)));

      Run planned = sync(config, "schemas", "--output", "json");
      assertThat(lines(JSON.readTree(planned.out).get("items")))
          .as(planned.toString())
          .containsExactlyInAnyOrder(
              "CONFLICT NAMESPACE_POLICY schemas/ns messageTtlSeconds",
              "CONFLICT NAMESPACE_POLICY schemas/ns retention",
              "CONFLICT NAMESPACE_GRANT schemas/ns retention",
              "CONFLICT TOPIC_POLICY " + typed + " maxProducers",
              "CONFLICT SCHEMA " + typed + " ");

      Run overwritten =
          sync(
              config,
              "schemas",
              "--apply",
              "--overwrite",
              typed,
              "--overwrite",
              "schemas/ns#policy:messageTtlSeconds,policy:retention",
              "--output",
              "json");

      assertThat(overwritten.exitCode).as(overwritten.toString()).isEqualTo(ExitCodes.OK);
      assertThat(outcomes(overwritten))
          .as(overwritten.toString())
          .containsExactlyInAnyOrder(
              "APPLIED CONFLICT NAMESPACE_POLICY schemas/ns messageTtlSeconds",
              "APPLIED CONFLICT NAMESPACE_POLICY schemas/ns retention",
              "APPLIED CONFLICT TOPIC_POLICY " + typed + " maxProducers",
              "APPLIED CONFLICT SCHEMA " + typed + " ");
      assertThat(west.schemas().getAllSchemas(typed))
          .extracting(info -> new String(info.getSchema(), StandardCharsets.UTF_8))
          .containsExactly(ORDER_V1, ORDER_V2);
      assertThat(west.namespaces().getNamespaceMessageTTL("schemas/ns")).isNull();
      assertThat(west.namespaces().getRetention("schemas/ns")).isEqualTo(eastRetention);
      // policy:retention left the role named retention alone
      assertThat(west.namespaces().getPermissions("schemas/ns").get("retention"))
          .containsExactly(AuthAction.produce);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(west.topicPolicies().getMaxProducers(typed)).isNull());

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Run after = sync(config, "schemas", "--output", "json");
                assertThat(lines(JSON.readTree(after.out).get("items")))
                    .as(after.toString())
                    .containsExactly("CONFLICT NAMESPACE_GRANT schemas/ns retention");
              });
    }
  }

  @Test
  void continuousSyncCreatesWhatAppearsOnTheSourceAndKeepsConflicts() throws Exception {
    // The link switches deduplication on at its target: georep's own setting, never drift.
    String first = "persistent://live/a/first";
    String second = "persistent://live/a/second";
    RetentionPolicies retention = new RetentionPolicies(120, 20);
    try (PulsarAdmin east = clusters.get("east").newAdmin()) {
      east.tenants()
          .createTenant(
              "live",
              TenantInfo.builder().adminRoles(Set.of()).allowedClusters(Set.of("east")).build());
      east.namespaces().createNamespace("live/a");
      east.namespaces().setRetention("live/a", retention);
      east.topics().createPartitionedTopic(first, 2);
    }
    Path config =
        config(
            superToken(),
            link(
                "live",
                "{ namespaces: [live/a, live/b] }",
                "metadataSync: continuous",
                "metadataSyncInterval: 1s",
                "deduplication: enable"));

    try (PulsarAdmin east = clusters.get("east").newAdmin();
        PulsarAdmin west = clusters.get("west").newAdmin();
        DaemonRunner runner =
            DaemonRunner.start(ConfigLoader.load(config), new HostPort("127.0.0.1", 0))) {
      await("what the source had at start")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(west.namespaces().getRetention("live/a")).isEqualTo(retention);
                assertThat(west.topics().getPartitionedTopicMetadata(first).partitions)
                    .isEqualTo(2);
              });

      // After start: a namespace in scope, a topic with a subscription, a policy, a grant.
      east.namespaces().createNamespace("live/b");
      east.namespaces().setNamespaceMessageTTL("live/b", 120);
      east.topics().createNonPartitionedTopic(second);
      east.topics().createSubscription(second, "audit", MessageId.earliest);
      east.namespaces().setMaxConsumersPerTopic("live/a", 9);
      east.namespaces().grantPermissionOnNamespace("live/a", "bob", Set.of(AuthAction.consume));

      await("what the source gained after start")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(west.namespaces().getNamespaces("live")).contains("live/b");
                assertThat(west.namespaces().getNamespaceMessageTTL("live/b")).isEqualTo(120);
                assertThat(west.topics().getSubscriptions(second)).containsExactly("audit");
                assertThat(west.namespaces().getMaxConsumersPerTopic("live/a")).isEqualTo(9);
                assertThat(west.namespaces().getPermissions("live/a"))
                    .containsEntry("bob", Set.of(AuthAction.consume));
              });
      await("in sync")
          .atMost(Duration.ofSeconds(30))
          .until(() -> "IN_SYNC".equals(linkStatus(runner, "live").metadataSync().state()));
      assertThat(meter(runner, "georep.metadata.conflicts", "live")).isZero();
      // georep's own deduplication on the target (the source has none) is no conflict.
      assertThat(west.namespaces().getDeduplicationStatus("live/a")).isTrue();

      // The target changes a policy and gains a topic of its own: kept, and shown as drift.
      RetentionPolicies westOwn = new RetentionPolicies(7, 7);
      west.namespaces().setRetention("live/a", westOwn);
      west.topics().createNonPartitionedTopic("persistent://live/a/west-only");
      DaemonStatus.MetadataSyncStatus drift =
          await("the conflict counted")
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> linkStatus(runner, "live").metadataSync(),
                  s -> s.conflicts() == 1 && s.onlyOnTarget() == 1);
      assertThat(drift.state()).isEqualTo("DRIFT");
      assertThat(meter(runner, "georep.metadata.conflicts", "live")).isEqualTo(1);
      assertThat(meter(runner, "georep.metadata.only.on.target", "live")).isEqualTo(1);
      assertThat(runner.metrics()).contains("georep_metadata_conflicts{link=\"live\"} 1.0");
      // One more run later, the target's values are still there.
      await("another run")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> linkStatus(runner, "live").metadataSync().lastRunAt(),
              at -> at.isAfter(drift.lastRunAt()));
      assertThat(west.namespaces().getRetention("live/a")).isEqualTo(westOwn);
      assertThat(west.namespaces().getDeduplicationStatus("live/a")).isTrue();
      assertThat(west.topics().getList("live/a")).contains("persistent://live/a/west-only");
      assertThat(meter(runner, "georep.metadata.conflicts", "live")).isEqualTo(1);
      assertThat(failures(runner, "live")).isZero();
      HttpResponse<String> status =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(runner.httpUri().resolve("/api/v1/status")).build(),
                  HttpResponse.BodyHandlers.ofString());
      JsonNode live = JSON.readTree(status.body()).get("links").get(0);
      assertThat(live.get("metadataSync").get("mode").asText()).isEqualTo("continuous");
      assertThat(live.get("metadataSync").get("conflicts").asInt()).isEqualTo(1);
    }
  }

  @Test
  void aMetadataSyncTheTargetRefusesNeverStopsReplication() throws Exception {
    String topic = "persistent://limited/ns/events";
    try (PulsarAdmin east = clusters.get("east").newAdmin();
        PulsarAdmin west = clusters.get("west").newAdmin()) {
      for (PulsarAdmin admin : List.of(east, west)) {
        admin
            .tenants()
            .createTenant(
                "limited",
                TenantInfo.builder()
                    .adminRoles(Set.of())
                    .allowedClusters(Set.copyOf(admin.clusters().getClusters()))
                    .build());
        admin.namespaces().createNamespace("limited/ns");
        admin.topics().createNonPartitionedTopic(topic);
      }
      // The role may produce and consume, not administer: replication works, metadata sync not.
      west.namespaces()
          .grantPermissionOnNamespace(
              "limited/ns", "writer", Set.of(AuthAction.produce, AuthAction.consume));
    }
    String writer = clusters.get("west").createToken("writer");
    Path config =
        config(
            writer,
            link(
                "limited",
                "{ namespaces: [limited/ns] }",
                "createTargetTopics: false",
                "metadataSync: continuous",
                "metadataSyncInterval: 1s"));

    try (PulsarClient eastClient = clusters.get("east").newClient();
        PulsarClient westClient = clusters.get("west").newClient();
        DaemonRunner runner =
            DaemonRunner.start(ConfigLoader.load(config), new HostPort("127.0.0.1", 0));
        Producer<byte[]> producer = eastClient.newProducer().topic(topic).create()) {
      for (int i = 0; i < 20; i++) {
        producer.send(("m" + i).getBytes(StandardCharsets.UTF_8));
      }

      await("two refused runs")
          .atMost(Duration.ofSeconds(60))
          .until(() -> failures(runner, "limited") >= 2);
      DaemonStatus.MetadataSyncStatus refused = linkStatus(runner, "limited").metadataSync();
      assertThat(refused.state()).isEqualTo("FAILED");
      assertThat(refused.lastError())
          .contains("cluster 'west'")
          .contains("role 'writer'")
          .contains("it needs ")
          .doesNotContain(writer);
      await("every message replicated meanwhile")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(Topics.readAll(westClient, topic))
                      .extracting(m -> new String(m.getData(), StandardCharsets.UTF_8))
                      .containsExactlyElementsOf(
                          java.util.stream.IntStream.range(0, 20).mapToObj(i -> "m" + i).toList()));
      assertThat(linkStatus(runner, "limited").state())
          .isEqualTo(io.georep.replicator.LinkState.RUNNING);
    }
  }

  private static void assertSamePolicies(Policies source, Policies target, String namespace) {
    assertThat(target.retention_policies).as(namespace).isEqualTo(source.retention_policies);
    assertThat(target.message_ttl_in_seconds)
        .as(namespace)
        .isEqualTo(source.message_ttl_in_seconds);
    assertThat(target.deduplicationEnabled).as(namespace).isEqualTo(source.deduplicationEnabled);
    assertThat(target.max_producers_per_topic)
        .as(namespace)
        .isEqualTo(source.max_producers_per_topic);
    assertThat(target.max_consumers_per_topic)
        .as(namespace)
        .isEqualTo(source.max_consumers_per_topic);
    assertThat(target.subscription_expiration_time_minutes)
        .as(namespace)
        .isEqualTo(source.subscription_expiration_time_minutes);
    assertThat(target.schema_compatibility_strategy)
        .as(namespace)
        .isEqualTo(source.schema_compatibility_strategy);
    assertThat(target.autoTopicCreationOverride)
        .as(namespace)
        .isEqualTo(source.autoTopicCreationOverride);
    assertThat(target.auth_policies.getNamespaceAuthentication())
        .as(namespace)
        .isEqualTo(source.auth_policies.getNamespaceAuthentication());
    assertThat(target.auth_policies.getTopicAuthentication())
        .as(namespace)
        .isEqualTo(source.auth_policies.getTopicAuthentication());
  }

  private static List<String> lines(JsonNode items) {
    List<String> lines = new ArrayList<>();
    items.forEach(
        i ->
            lines.add(
                i.get("action").asText()
                    + " "
                    + i.get("kind").asText()
                    + " "
                    + i.get("object").asText()
                    + " "
                    + i.get("aspect").asText()));
    return lines;
  }

  private static SchemaInfo avro(String definition) {
    return SchemaInfo.builder()
        .name("events")
        .type(SchemaType.AVRO)
        .schema(definition.getBytes(StandardCharsets.UTF_8))
        .properties(Map.of())
        .build();
  }

  /** east without auth; west with a token read from a file; the link east-to-west. */
  private static Path config(String westToken) throws Exception {
    return config(
        westToken,
        String.join(
            "\n",
            "  - name: east-to-west",
            "    source: east",
            "    target: west",
            "    scope: { namespaces: [shop/orders, hr/people] }",
            ""));
  }

  /** east without auth; west with a token read from a file; these links; a state dir of its own. */
  private static Path config(String westToken, String links) throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    Path tokenFile = Files.createTempFile(dir, "west", ".token");
    Files.writeString(tokenFile, westToken);
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
                "    auth: { token: \"file:" + tokenFile + "\" }",
                "state: { dir: " + Files.createTempDirectory(dir, "state") + " }",
                "links:",
                "")
            + links;
    Path file = Files.createTempFile(dir, "georep", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** A link from east to west; {@code extra} lines are indented like its keys. */
  private static String link(String name, String scope, String... extra) {
    StringBuilder yaml =
        new StringBuilder()
            .append("  - name: ")
            .append(name)
            .append("\n    source: east\n    target: west\n    scope: ")
            .append(scope)
            .append("\n    discoveryInterval: 1s\n");
    for (String line : extra) {
      yaml.append("    ").append(line).append('\n');
    }
    return yaml.toString();
  }

  private static String superToken() {
    return clusters.get("west").superUserToken().orElseThrow();
  }

  private static Run sync(Path config, String link, String... options) {
    List<String> args =
        new ArrayList<>(List.of("sync", "metadata", "--config", config.toString(), "--link", link));
    args.addAll(List.of(options));
    return run(args.toArray(String[]::new));
  }

  /** The results of a JSON apply, as {@code OUTCOME ACTION KIND object aspect}. */
  private static List<String> outcomes(Run applied) throws Exception {
    List<String> lines = new ArrayList<>();
    JSON.readTree(applied.out)
        .get("results")
        .forEach(
            r ->
                lines.add(
                    r.get("outcome").asText()
                        + " "
                        + r.get("action").asText()
                        + " "
                        + r.get("kind").asText()
                        + " "
                        + r.get("object").asText()
                        + " "
                        + r.get("aspect").asText()));
    return lines;
  }

  private static double meter(DaemonRunner runner, String name, String link) {
    Gauge gauge = runner.registry().find(name).tag("link", link).gauge();
    return gauge == null ? -1 : gauge.value();
  }

  private static double failures(DaemonRunner runner, String link) {
    Counter counter =
        runner
            .registry()
            .find("georep.metadata.sync.failures")
            .tag("link", link)
            .tag("kind", "run")
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static DaemonStatus.LinkStatus linkStatus(DaemonRunner runner, String link) {
    return runner.status().links().stream()
        .filter(l -> l.name().equals(link))
        .findFirst()
        .orElseThrow();
  }

  private record Run(String[] args, int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "georep "
          + String.join(" ", args)
          + "\nexit code: "
          + exitCode
          + "\n--- stdout ---\n"
          + out
          + "--- stderr ---\n"
          + err;
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        Georep.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Run(args, exitCode, out.toString(), err.toString());
  }
}
