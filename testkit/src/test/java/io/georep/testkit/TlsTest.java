package io.georep.testkit;

import static io.georep.testkit.TestMessaging.client;
import static io.georep.testkit.TestMessaging.roundTrip;
import static io.georep.testkit.TestMessaging.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.georep.testkit.TestMessaging.QuickClose;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A cluster whose clients and admin clients connect over TLS, trusting the testkit's CA. */
class TlsTest {

  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(PulsarClusterSpec.builder("tls").tls(true).build());

  @Test
  void clientRoundTripOverTls() throws Exception {
    PulsarCluster cluster = clusters.get("tls");
    assertThat(cluster.serviceUrl()).startsWith("pulsar+ssl://127.0.0.1:");
    assertThat(cluster.trustCertsFile()).isPresent();
    assertThat(Files.readString(cluster.trustCertsFile().get()))
        .startsWith("-----BEGIN CERTIFICATE-----");
    try (QuickClose client = client(cluster)) {
      roundTrip(client.client(), topic("tls"), "over TLS");
    }
  }

  @Test
  void adminOverHttps() throws Exception {
    PulsarCluster cluster = clusters.get("tls");
    assertThat(cluster.adminUrl()).startsWith("https://127.0.0.1:");
    try (PulsarAdmin admin = cluster.newAdmin()) {
      assertThat(admin.clusters().getClusters()).containsExactly("tls");
    }
  }

  @Test
  void adminThatDoesNotTrustTheCaIsRefused() throws Exception {
    PulsarCluster cluster = clusters.get("tls");
    try (PulsarAdmin admin =
        PulsarAdmin.builder()
            .serviceHttpUrl(cluster.adminUrl())
            .requestTimeout(10, TimeUnit.SECONDS)
            .build()) {
      assertThatThrownBy(() -> admin.clusters().getClusters())
          .isInstanceOf(PulsarAdminException.class);
    }
  }
}
