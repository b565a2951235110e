package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.testkit.KeyedWorkload;
import io.georep.testkit.OAuth2TokenEndpoint;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.common.policies.data.TenantInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link over TLS with token authentication on both sides, its token read from a file and from the
 * environment: messages arrive, renamed through the namespace mapping, and the token shows up
 * neither in the status API nor in the metrics; and a link authenticating with OAuth2 client
 * credentials against a token endpoint on loopback ({@link OAuth2TokenEndpoint}) that issues JWTs
 * the broker accepts. Both sides of a link are namespaces of one secured broker, named as two
 * clusters in the config, to keep the suite to one more broker.
 */
class SecureLinkIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("secure").tokenAuth(true).tls(true).build());

  @TempDir Path dir;

  @Test
  void replicatesOverTlsWithTokensThatNeverShow() throws Exception {
    PulsarCluster secure = clusters.get("secure");
    String token = secure.superUserToken().orElseThrow();
    Path tokenFile = dir.resolve("west.token");
    Files.writeString(tokenFile, token);
    secure.createNamespaces("sec/source", "sec/replica");
    try (PulsarAdmin admin = secure.newAdmin()) {
      admin.topics().createPartitionedTopic("persistent://sec/source/events", 2);
    }
    String trust = secure.trustCertsFile().orElseThrow().toString();
    String yaml =
        String.join(
            "\n",
            "clusters:",
            "  east:",
            "    serviceUrl: " + secure.serviceUrl(),
            "    adminUrl: " + secure.adminUrl(),
            "    auth: { token: \"${GEOREP_IT_TOKEN}\" }",
            "    tls: { trustCertsFile: " + trust + ", hostnameVerification: true }",
            "  west:",
            "    serviceUrl: " + secure.serviceUrl(),
            "    adminUrl: " + secure.adminUrl(),
            "    auth: { token: \"file:" + tokenFile + "\" }",
            "    tls: { trustCertsFile: " + trust + " }",
            "state: { dir: " + dir.resolve("state") + " }",
            "links:",
            "  - name: secure-link",
            "    source: east",
            "    target: west",
            "    scope: { namespaces: [sec/source] }",
            "    mapping: { namespaces: { sec/source: sec/replica } }",
            "    discoveryInterval: 1s",
            "");
    assertThat(serviceUrlsAreTls(secure)).isTrue();
    GeorepConfig config = ConfigLoader.parse(yaml, "secure-it", Map.of("GEOREP_IT_TOKEN", token));

    try (PulsarClient client = secure.newClient();
        KeyedWorkload workload =
            new KeyedWorkload(
                client, "secure-it", List.of("persistent://sec/source/events"), 10, 100);
        DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      workload.send(500);
      // Read only once georep made the partitioned target: a reader first would auto-create it.
      try (PulsarAdmin admin = secure.newAdmin()) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    admin
                        .topics()
                        .getPartitionedTopicList("sec/replica")
                        .contains("persistent://sec/replica/events"));
      }
      Map<String, String> renamed =
          Map.of("persistent://sec/source/events", "persistent://sec/replica/events");
      ReplicationVerifier.Report report =
          await("500 messages on sec/replica")
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () -> ReplicationVerifier.verify(client, workload, renamed),
                  r -> r.received() >= 500);
      assertThat(report.missing()).isZero();
      assertThat(report.orderViolations()).isZero();
      assertThat(report.corrupted()).isZero();

      HttpClient http = HttpClient.newHttpClient();
      for (String path : List.of("/api/v1/status", "/metrics")) {
        String body =
            http.send(
                    HttpRequest.newBuilder(runner.httpUri().resolve(URI.create(path))).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(body).contains("persistent://sec/source/events").doesNotContain(token);
      }
    }
  }

  @Test
  void replicatesWithOAuth2ClientCredentialsFromARealTokenEndpoint() throws Exception {
    PulsarCluster secure = clusters.get("secure");
    String role = "georep-oauth";
    try (PulsarAdmin admin = secure.newAdmin()) {
      // The role administers the tenant: enough to list, create, read and write its topics.
      admin
          .tenants()
          .createTenant(
              "oauth",
              TenantInfo.builder()
                  .adminRoles(Set.of(role))
                  .allowedClusters(Set.of(secure.name()))
                  .build());
    }
    secure.createNamespaces("oauth/source", "oauth/replica");
    String topic = "persistent://oauth/source/events";
    try (PulsarAdmin admin = secure.newAdmin()) {
      admin.topics().createPartitionedTopic(topic, 2);
    }
    String audience = "urn:georep-it:secure";
    try (OAuth2TokenEndpoint endpoint =
        OAuth2TokenEndpoint.start(audience, role, secure::createToken)) {
      Path credentials = dir.resolve("credentials.json");
      Files.writeString(credentials, endpoint.credentialsJson());
      String auth =
          "    auth: { oauth2: { issuerUrl: \""
              + endpoint.issuerUrl()
              + "\", privateKey: \"file:"
              + credentials
              + "\", audience: \""
              + audience
              + "\" } }";
      String trust = "    tls: { trustCertsFile: " + secure.trustCertsFile().orElseThrow() + " }";
      String yaml =
          String.join(
              "\n",
              "clusters:",
              "  east:",
              "    serviceUrl: " + secure.serviceUrl(),
              "    adminUrl: " + secure.adminUrl(),
              auth,
              trust,
              "  west:",
              "    serviceUrl: " + secure.serviceUrl(),
              "    adminUrl: " + secure.adminUrl(),
              auth,
              trust,
              "state: { dir: " + dir.resolve("state-oauth") + " }",
              "links:",
              "  - name: oauth-link",
              "    source: east",
              "    target: west",
              "    scope: { namespaces: [oauth/source] }",
              "    mapping: { namespaces: { oauth/source: oauth/replica } }",
              "    discoveryInterval: 1s",
              "");
      GeorepConfig config = ConfigLoader.parse(yaml, "oauth-it", Map.of());

      try (PulsarClient client = secure.newClient();
          PulsarAdmin admin = secure.newAdmin();
          KeyedWorkload workload = new KeyedWorkload(client, "oauth-it", List.of(topic), 10, 100);
          DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        workload.send(300);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    admin
                        .topics()
                        .getPartitionedTopicList("oauth/replica")
                        .contains("persistent://oauth/replica/events"));
        ReplicationVerifier.Report report =
            await("300 messages on oauth/replica")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                    () ->
                        ReplicationVerifier.verify(
                            client, workload, Map.of(topic, "persistent://oauth/replica/events")),
                    r -> r.received() >= 300);
        assertThat(report.missing()).isZero();
        assertThat(report.duplicated()).isZero();
        assertThat(report.orderViolations()).isZero();
        // The daemon's clients (binary and admin, of both sides) got their tokens there and were
        // never refused; the broker refuses a client without one.
        assertThat(endpoint.tokensIssued()).isPositive();
        assertThat(endpoint.requestsRefused()).isZero();
        assertThat(runner.status().links().get(0).lastError()).isNull();
        assertThat(runner.status().links().get(0).topics())
            .hasSize(2)
            .allSatisfy(t -> assertThat(t.lastError()).isNull());
      }
    }
  }

  private static boolean serviceUrlsAreTls(PulsarCluster cluster) {
    return cluster.serviceUrl().startsWith("pulsar+ssl://")
        && cluster.adminUrl().startsWith("https://");
  }
}
