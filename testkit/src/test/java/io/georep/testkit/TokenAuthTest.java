package io.georep.testkit;

import static io.georep.testkit.TestMessaging.client;
import static io.georep.testkit.TestMessaging.roundTrip;
import static io.georep.testkit.TestMessaging.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.georep.testkit.TestMessaging.QuickClose;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.common.policies.data.AuthAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A cluster with token authentication and authorization. */
class TokenAuthTest {

  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(PulsarClusterSpec.builder("secure").tokenAuth(true).build());

  @Test
  void superUserWorks() throws Exception {
    PulsarCluster cluster = clusters.get("secure");
    assertThat(cluster.superUserToken()).isPresent();
    try (QuickClose client = client(cluster);
        PulsarAdmin admin = cluster.newAdmin()) {
      roundTrip(client.client(), topic("superuser"), "as superuser");
      assertThat(admin.clusters().getClusters()).containsExactly("secure");
    }
  }

  @Test
  void clientsWithoutTokenAreRefused() throws Exception {
    PulsarCluster cluster = clusters.get("secure");
    try (QuickClose anonymous = clientAs(cluster.serviceUrl(), null);
        PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(cluster.adminUrl()).build()) {
      assertThatThrownBy(() -> anonymous.client().newProducer().topic(topic("anonymous")).create())
          .isInstanceOf(PulsarClientException.class);
      assertThatThrownBy(() -> admin.clusters().getClusters())
          .isInstanceOf(PulsarAdminException.NotAuthorizedException.class);
    }
  }

  @Test
  void roleProducesOnlyOnceGranted() throws Exception {
    PulsarCluster cluster = clusters.get("secure");
    String role = "alice";
    String topic = topic("alice");
    try (QuickClose alice = clientAs(cluster.serviceUrl(), cluster.createToken(role));
        PulsarAdmin admin = cluster.newAdmin()) {
      assertThatThrownBy(() -> alice.client().newProducer().topic(topic).create())
          .isInstanceOf(PulsarClientException.AuthorizationException.class);

      admin
          .namespaces()
          .grantPermissionOnNamespace(
              "public/default", role, EnumSet.of(AuthAction.produce, AuthAction.consume));

      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreException(PulsarClientException.AuthorizationException.class)
          .untilAsserted(() -> roundTrip(alice.client(), topic, "as alice"));
    }
  }

  private static QuickClose clientAs(String serviceUrl, String token) throws Exception {
    var builder =
        PulsarClient.builder().serviceUrl(serviceUrl).operationTimeout(10, TimeUnit.SECONDS);
    if (token != null) {
      builder.authentication(AuthenticationFactory.token(token));
    }
    return new QuickClose(builder.build());
  }
}
