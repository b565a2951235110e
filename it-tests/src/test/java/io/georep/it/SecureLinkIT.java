package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.cli.DaemonRunner;
import io.georep.cli.HostPort;
import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.testkit.KeyedWorkload;
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
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link over TLS with token authentication on both sides, its token read from a file and from the
 * environment: messages arrive, renamed through the namespace mapping, and the token shows up
 * neither in the status API nor in the metrics. Both sides of the link are namespaces of one
 * secured broker, named as two clusters in the config, to keep the suite to one more broker.
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

  private static boolean serviceUrlsAreTls(PulsarCluster cluster) {
    return cluster.serviceUrl().startsWith("pulsar+ssl://")
        && cluster.adminUrl().startsWith("https://");
  }
}
