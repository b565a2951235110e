package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.testkit.KeyedWorkload;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's token expires while it runs; the token file was rotated before that, and the daemon
 * keeps replicating on the new token. The broker checks every second whether a connection's token
 * has expired and then challenges the client for fresh credentials (a client that answers with the
 * expired token is disconnected and cannot reconnect). Both sides of the link are namespaces of one
 * broker, named as two clusters, as in {@link SecureLinkIT}.
 */
class TokenRotationIT {
  private static final Duration FIRST_TOKEN_LIFETIME = Duration.ofSeconds(30);

  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("rotating")
              .tokenAuth(true)
              .brokerSetting("authenticationRefreshCheckSeconds", "1")
              .build());

  @TempDir Path dir;

  @Test
  void aRotatedTokenFileKeepsTheDaemonReplicatingPastTheOldTokensExpiry() throws Exception {
    PulsarCluster broker = clusters.get("rotating");
    Instant firstExpiry = Instant.now().plus(FIRST_TOKEN_LIFETIME);
    Path tokenFile = dir.resolve("georep.token");
    Files.writeString(tokenFile, broker.createToken("superuser", firstExpiry));
    broker.createNamespaces("rot/source", "rot/replica");
    String source = "persistent://rot/source/events";
    try (PulsarAdmin admin = broker.newAdmin()) {
      admin.topics().createPartitionedTopic(source, 2);
    }
    String yaml =
        String.join(
            "\n",
            "clusters:",
            "  east:",
            "    serviceUrl: " + broker.serviceUrl(),
            "    adminUrl: " + broker.adminUrl(),
            "    auth: { token: \"file:" + tokenFile + "\" }",
            "  west:",
            "    serviceUrl: " + broker.serviceUrl(),
            "    adminUrl: " + broker.adminUrl(),
            "    auth: { token: \"file:" + tokenFile + "\" }",
            "state: { dir: " + dir.resolve("state") + " }",
            "links:",
            "  - name: rotating-link",
            "    source: east",
            "    target: west",
            "    scope: { namespaces: [rot/source] }",
            "    mapping: { namespaces: { rot/source: rot/replica } }",
            "    discoveryInterval: 1s",
            "");
    GeorepConfig config = ConfigLoader.parse(yaml, "rotation-it", Map.of());
    Map<String, String> renamed = Map.of(source, "persistent://rot/replica/events");

    try (PulsarClient client = broker.newClient();
        KeyedWorkload workload =
            new KeyedWorkload(client, "rotation-it", List.of(source), 10, 100);
        DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      workload.send(200);
      try (PulsarAdmin admin = broker.newAdmin()) {
        await()
            .atMost(FIRST_TOKEN_LIFETIME)
            .until(
                () ->
                    admin
                        .topics()
                        .getPartitionedTopicList("rot/replica")
                        .contains("persistent://rot/replica/events"));
      }
      await("200 messages replicated on the first token")
          .atMost(FIRST_TOKEN_LIFETIME)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> ReplicationVerifier.verify(client, workload, renamed).received() >= 200);
      assertThat(Instant.now()).as("the first token is still valid").isBefore(firstExpiry);

      // Rotate as a secret manager does: a new file renamed over the old one.
      Path next = dir.resolve("georep.token.next");
      Files.writeString(next, broker.createToken("superuser", Instant.now().plusSeconds(600)));
      Files.move(next, tokenFile, StandardCopyOption.REPLACE_EXISTING);
      // Past the first token's expiry and the broker's next check of it (every second).
      await("the first token expired")
          .atMost(FIRST_TOKEN_LIFETIME.plusSeconds(10))
          .until(() -> Instant.now().isAfter(firstExpiry.plusSeconds(3)));

      workload.send(300);
      ReplicationVerifier.Report report =
          await("500 messages replicated, the last 300 after the first token expired")
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () -> ReplicationVerifier.verify(client, workload, renamed),
                  r -> r.received() >= 500);
      assertThat(report.missing()).isZero();
      assertThat(report.orderViolations()).isZero();
      assertThat(report.corrupted()).isZero();
      assertThat(runner.ready()).isTrue();
    }
  }
}
