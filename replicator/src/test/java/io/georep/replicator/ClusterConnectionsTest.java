package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import java.util.Map;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.Test;

/** Clients connect lazily: making and closing them needs no broker. */
class ClusterConnectionsTest {
  private static final String YAML =
      """
      clusters:
        east: { serviceUrl: "pulsar://127.0.0.1:1", adminUrl: "http://127.0.0.1:1" }
        west: { serviceUrl: "pulsar://127.0.0.1:2", adminUrl: "http://127.0.0.1:2" }
      links:
        - name: east-to-west
          source: east
          target: west
          scope: { namespaces: [shop/orders] }
      """;

  private static GeorepConfig config(String yaml) throws Exception {
    return ConfigLoader.parse(yaml, "test.yaml", Map.of());
  }

  @Test
  void oneClientAndOneAdminPerClusterWhoeverAsks() throws Exception {
    try (ClusterConnections connections = new ClusterConnections(config(YAML))) {
      PulsarClient east = connections.client("east");
      PulsarAdmin eastAdmin = connections.admin("east");

      assertThat(connections.client("east")).isSameAs(east);
      assertThat(connections.admin("east")).isSameAs(eastAdmin);
      assertThat(connections.client("west")).isNotSameAs(east);
      assertThat(connections.connected()).containsExactly("east", "west");
    }
  }

  @Test
  void aReloadThatChangesAClusterOrNeedsMoreMemoryNamesItAndClosingMakesNewClients()
      throws Exception {
    GeorepConfig before = config(YAML);
    try (ClusterConnections connections = new ClusterConnections(before)) {
      PulsarClient west = connections.client("west");
      connections.client("east");

      assertThat(connections.changedBy(before)).isEmpty();
      GeorepConfig moved = config(YAML.replace("pulsar://127.0.0.1:2", "pulsar://127.0.0.1:3"));
      assertThat(connections.changedBy(moved)).containsExactly("west");
      // A second link into west needs a larger memory limit than west's client was made with.
      GeorepConfig twoLinks =
          config(
              YAML
                  + """
                    - name: east-to-west-2
                      source: east
                      target: west
                      scope: { namespaces: [shop/payments] }
                  """);
      assertThat(connections.changedBy(twoLinks)).containsExactly("west");

      connections.close("west");
      connections.use(moved);
      assertThat(connections.connected()).containsExactly("east");
      assertThat(connections.client("west")).isNotSameAs(west);
      assertThat(connections.changedBy(moved)).isEmpty();
    }
  }

  @Test
  void anUnknownClusterAndUseAfterCloseAreRefusedWithTheReason() throws Exception {
    ClusterConnections connections = new ClusterConnections(config(YAML));
    assertThatThrownBy(() -> connections.admin("north"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no cluster named 'north'")
        .hasMessageContaining("east");
    connections.close();
    connections.close(); // idempotent
    assertThatThrownBy(() -> connections.client("east"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
