package io.georep.replicator;

import io.georep.config.ClusterConfig;
import io.georep.config.GeorepConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.shade.io.netty.util.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one binary client and the one admin client per cluster of a process, made on first use and
 * shared by everything that talks to that cluster: the links' replicators and discovery, their
 * metadata sync and subscription translation. Each client is a connection pool with threads of its
 * own; a second one per cluster only doubles them.
 *
 * <p>A client's memory limit is fixed when it is made ({@link PulsarClients#memoryLimitFor}): a
 * reload whose links need more, or that changes the cluster's settings, calls {@link
 * #changedBy(GeorepConfig)} and {@link #close(String)} for those clusters once their links have
 * stopped; the next use makes new clients. Thread-safe.
 */
public final class ClusterConnections implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterConnections.class);

  private final Timer timer = PulsarClients.sharedTimer(); // one for every cluster's client
  private final Map<String, PulsarClient> clients = new LinkedHashMap<>();
  private final Map<String, Long> clientLimits = new HashMap<>();
  private final Map<String, PulsarAdmin> admins = new LinkedHashMap<>();
  // The settings each cluster's clients were made with.
  private final Map<String, ClusterConfig> made = new HashMap<>();
  private GeorepConfig config;
  private boolean closed;

  public ClusterConnections(GeorepConfig config) {
    this.config = config;
  }

  /**
   * The configuration that clients made from now on follow (clusters, and the links that size the
   * memory limits). Clients already made are kept until {@link #close(String)}.
   */
  public synchronized void use(GeorepConfig next) {
    this.config = next;
  }

  /** The binary client of {@code cluster}, made with the memory limit its links need. */
  public synchronized PulsarClient client(String cluster) {
    ensureOpen();
    return clients.computeIfAbsent(
        cluster,
        name -> {
          ClusterConfig settings = settingsOf(name);
          long limit = PulsarClients.memoryLimitFor(config, name);
          clientLimits.put(name, limit);
          made.put(name, settings);
          return PulsarClients.client(settings, timer, limit);
        });
  }

  /** The admin client of {@code cluster}. */
  public synchronized PulsarAdmin admin(String cluster) {
    ensureOpen();
    return admins.computeIfAbsent(
        cluster,
        name -> {
          ClusterConfig settings = settingsOf(name);
          made.putIfAbsent(name, settings);
          return PulsarClients.admin(settings);
        });
  }

  /**
   * The clusters whose clients {@code next} cannot keep: their settings changed or went away, or
   * their links need a larger memory limit than their client was made with.
   */
  public synchronized Set<String> changedBy(GeorepConfig next) {
    Set<String> changed = new TreeSet<>();
    for (var entry : made.entrySet()) {
      String name = entry.getKey();
      Long limit = clientLimits.get(name);
      if (!entry.getValue().equals(next.clusters().get(name))
          || (limit != null && PulsarClients.memoryLimitFor(next, name) > limit)) {
        changed.add(name);
      }
    }
    return changed;
  }

  /** The clusters that have clients now. */
  public synchronized Set<String> connected() {
    return new TreeSet<>(made.keySet());
  }

  /** Closes the clients of {@code cluster}; the next use makes new ones. */
  public void close(String cluster) {
    PulsarAdmin admin;
    PulsarClient client;
    synchronized (this) {
      admin = admins.remove(cluster);
      client = clients.remove(cluster);
      clientLimits.remove(cluster);
      made.remove(cluster);
    }
    if (admin != null) {
      admin.close();
    }
    if (client != null) {
      client.closeAsync();
    }
  }

  /** Closes every client; using this object afterwards fails. Idempotent. */
  @Override
  public void close() {
    List<PulsarAdmin> closingAdmins;
    List<PulsarClient> closingClients;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closingAdmins = new ArrayList<>(admins.values());
      closingClients = new ArrayList<>(clients.values());
      admins.clear();
      clients.clear();
      made.clear();
    }
    closingAdmins.forEach(PulsarAdmin::close);
    // close() of a client waits about 2 s for its event loop; close them all at once.
    CompletableFuture<?>[] closing =
        closingClients.stream().map(PulsarClient::closeAsync).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(closing).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("closing clients: {}", e.toString());
    }
    timer.stop(); // the clients leave a timer they were given running
  }

  private ClusterConfig settingsOf(String name) {
    ClusterConfig settings = config.clusters().get(name);
    if (settings == null) {
      throw new IllegalArgumentException(
          "no cluster named '"
              + name
              + "' in the configuration (clusters: "
              + config.clusters().keySet()
              + ")");
    }
    return settings;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the cluster connections are closed: the daemon is stopping");
    }
  }
}
