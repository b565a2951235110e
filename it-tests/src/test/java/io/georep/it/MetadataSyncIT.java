package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.georep.cli.ExitCodes;
import io.georep.cli.Georep;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * {@code georep sync metadata} between a plain source and a target with token authentication and
 * authorization: the plan, the apply, every object and policy equal afterwards, a second apply that
 * does nothing, a conflicting target policy reported and kept until {@code --overwrite} names it,
 * and a refusal that names the role, the cluster and the permission.
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

  /** east without auth; west with a token read from a file. */
  private static Path config(String westToken) throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    Path tokenFile = Files.createTempFile(dir, "west", ".token");
    Files.writeString(tokenFile, westToken);
    String yaml =
        String.join(
            "\n",
            "clusters:",
            "  east: { serviceUrl: " + east.serviceUrl() + ", adminUrl: " + east.adminUrl() + " }",
            "  west:",
            "    serviceUrl: " + west.serviceUrl(),
            "    adminUrl: " + west.adminUrl(),
            "    auth: { token: \"file:" + tokenFile + "\" }",
            "state: { dir: " + dir.resolve("state") + " }",
            "links:",
            "  - name: east-to-west",
            "    source: east",
            "    target: west",
            "    scope: { namespaces: [shop/orders, hr/people] }",
            "");
    Path file = Files.createTempFile(dir, "georep", ".yaml");
    Files.writeString(file, yaml);
    return file;
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
