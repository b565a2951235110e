package io.georep.migrator.subscriptions;

import io.georep.config.GeorepConfig;
import io.georep.replicator.PulsarClients;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

/** Admin and binary clients of the config's clusters, made on first use, closed together. */
public final class ClusterConnections implements AutoCloseable {
  private final GeorepConfig config;
  private final Map<String, PulsarAdmin> admins = new LinkedHashMap<>();
  private final Map<String, PulsarClient> clients = new LinkedHashMap<>();

  public ClusterConnections(GeorepConfig config) {
    this.config = config;
  }

  public synchronized PulsarAdmin admin(String cluster) {
    return admins.computeIfAbsent(
        cluster, name -> PulsarClients.admin(config.clusters().get(name)));
  }

  public synchronized PulsarClient client(String cluster) {
    return clients.computeIfAbsent(
        cluster, name -> PulsarClients.client(config.clusters().get(name)));
  }

  @Override
  public synchronized void close() {
    admins.values().forEach(PulsarAdmin::close);
    for (PulsarClient client : clients.values()) {
      try {
        client.close();
      } catch (PulsarClientException e) {
        // closing anyway; nothing is waiting on it
      }
    }
    admins.clear();
    clients.clear();
  }
}
