package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.config.AuthConfig;
import io.georep.config.ClusterConfig;
import io.georep.config.Secret;
import io.georep.config.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.internal.PulsarAdminImpl;
import org.apache.pulsar.client.api.Authentication;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.impl.PulsarClientImpl;
import org.apache.pulsar.shade.io.netty.util.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PulsarClientsTest {
  // A client connects lazily: building and closing one needs no broker.
  private static final ClusterConfig CLUSTER =
      new ClusterConfig(
          "east",
          "pulsar://127.0.0.1:1",
          "http://127.0.0.1:1",
          new AuthConfig.None(),
          TlsConfig.defaults());

  @Test
  void clientsGivenATimerShareItAndLeaveItRunningWhenClosed() throws Exception {
    Timer timer = PulsarClients.sharedTimer();
    try {
      PulsarClient first = PulsarClients.client(CLUSTER, timer);
      PulsarClient second = PulsarClients.client(CLUSTER, timer);
      assertThat(((PulsarClientImpl) first).timer()).isSameAs(timer);
      assertThat(((PulsarClientImpl) second).timer()).isSameAs(timer);

      first.close();

      // the other client still times its operations with it
      CountDownLatch fired = new CountDownLatch(1);
      timer.newTimeout(t -> fired.countDown(), 20, TimeUnit.MILLISECONDS);
      assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
      second.close();
    } finally {
      timer.stop();
    }
  }

  @Test
  void aClientWithoutATimerHasItsOwn() throws Exception {
    Timer timer = PulsarClients.sharedTimer();
    try (PulsarClient client = PulsarClients.client(CLUSTER)) {
      assertThat(((PulsarClientImpl) client).timer()).isNotNull().isNotSameAs(timer);
    } finally {
      timer.stop();
    }
  }

  @Test
  void aTokenFileRotatedOnDiskIsWhatTheClientsSendNext(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("east.token"), "token-1");
    ClusterConfig cluster =
        new ClusterConfig(
            "east",
            "pulsar://127.0.0.1:1",
            "http://127.0.0.1:1",
            new AuthConfig.Token(Secret.ofFile(file)),
            TlsConfig.defaults());

    try (PulsarClient client = PulsarClients.client(cluster);
        PulsarAdmin admin = PulsarClients.admin(cluster)) {
      Authentication clientAuth =
          ((PulsarClientImpl) client).getConfiguration().getAuthentication();
      Authentication adminAuth =
          ((PulsarAdminImpl) admin).getClientConfigData().getAuthentication();
      assertThat(clientAuth.getAuthData().getCommandData()).isEqualTo("token-1");
      assertThat(adminAuth.getAuthData("127.0.0.1").getHttpHeaders())
          .contains(Map.entry("Authorization", "Bearer token-1"));

      Files.writeString(file, "token-2-renewed");

      assertThat(clientAuth.getAuthData().getCommandData()).isEqualTo("token-2-renewed");
      assertThat(adminAuth.getAuthData("127.0.0.1").getHttpHeaders())
          .contains(Map.entry("Authorization", "Bearer token-2-renewed"));
    }
  }

  @Test
  void theMemoryLimitCoversWhatEveryLinkIntoTheClusterMayHaveInFlight() throws Exception {
    String yaml =
        String.join(
            "\n",
            "clusters:",
            "  east: { serviceUrl: 'pulsar://127.0.0.1:1', adminUrl: 'http://127.0.0.1:2' }",
            "  west: { serviceUrl: 'pulsar://127.0.0.1:3', adminUrl: 'http://127.0.0.1:4' }",
            "  south: { serviceUrl: 'pulsar://127.0.0.1:5', adminUrl: 'http://127.0.0.1:6' }",
            "state: { dir: /tmp/unused }",
            "links:",
            "  - { name: a, source: east, target: west, scope: { namespaces: [t/a] },"
                + " limits: { inFlightBytes: 40000000 } }",
            "  - { name: b, source: south, target: west, scope: { namespaces: [t/b] },"
                + " limits: { inFlightBytes: 30000000 } }",
            "  - { name: c, source: west, target: east, scope: { namespaces: [t/c] } }",
            "");
    io.georep.config.GeorepConfig config =
        io.georep.config.ConfigLoader.parse(yaml, "test", java.util.Map.of());
    long message = 5L * 1024 * 1024;

    assertThat(PulsarClients.memoryLimitFor(config, "west"))
        .isEqualTo(64L * 1024 * 1024 + 40_000_000 + message + 30_000_000 + message)
        .isGreaterThan(64L * 1024 * 1024);
    assertThat(PulsarClients.memoryLimitFor(config, "east"))
        .isEqualTo(64L * 1024 * 1024 + config.links().get(2).options().inFlightBytes() + message);
    assertThat(PulsarClients.memoryLimitFor(config, "south")).isEqualTo(64L * 1024 * 1024);
  }
}
