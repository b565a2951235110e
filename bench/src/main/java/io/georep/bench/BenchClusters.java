package io.georep.bench;

import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClusters;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.common.policies.data.ClusterData;
import org.apache.pulsar.common.policies.data.RetentionPolicies;
import org.apache.pulsar.common.policies.data.TenantInfo;

/**
 * The two clusters every contender runs on, {@value #SOURCE} and {@value #TARGET}, started by the
 * testkit with the same broker settings, each registered in the other (so that built-in
 * geo-replication can run between them), with a tenant {@value #TENANT} allowed on both. Each trial
 * gets a namespace of its own on both clusters, deleted after it.
 */
final class BenchClusters implements AutoCloseable {
  static final String SOURCE = "east";
  static final String TARGET = "west";
  static final String TENANT = "bench";

  /**
   * The broker settings of both clusters, on top of the testkit's. Built-in replication starts at
   * the earliest message (for the catch-up phase); trials' namespaces can be deleted with their
   * topics; topics without subscribers are not deleted under a trial's feet; the broker never
   * quarantines its only bookie (reads racing a namespace's deletion fail, and five failures in a
   * minute would otherwise take the bookie out for half an hour); the bookie reclaims the disk of
   * deleted ledgers within a minute and keeps its journal small, since a full run writes tens of
   * gigabytes. A broker stops reading from its producers' connections at 256 MB of pending
   * publishes (by default half its direct memory, 1 GB, which with the bookie's write and read
   * caches over-commits the 2 GB: a target broker ran out of direct memory, then of heap, while
   * built-in replicated 1 KB x 8 partitions at full speed, and its bookie's writes failed for the
   * rest of the run).
   */
  static final Map<String, String> BROKER_SETTINGS =
      Collections.unmodifiableMap(
          new LinkedHashMap<>(
              Map.of(
                  "replicationStartAt", "earliest",
                  "forceDeleteNamespaceAllowed", "true",
                  "brokerDeleteInactiveTopicsEnabled", "false",
                  "bookkeeperClientHealthCheckEnabled", "false",
                  "gcWaitTime", "60000",
                  "journalMaxSizeMB", "512",
                  "maxMessagePublishBufferSizeInMB", "256")));

  /** The testkit's system property for more broker JVM options. */
  static final String BROKER_JVM_OPTIONS_PROPERTY = "georep.testkit.brokerJvmOptions";

  /**
   * More heap and direct memory than the testkit's default for each broker (which shares its JVM
   * with its bookie): at full speed with 1 KB messages, 512 MB of direct memory runs out, and the
   * bookie's writes fail. Unless the property is set already.
   */
  static final String BROKER_JVM_OPTIONS = "-Xmx1g -XX:MaxDirectMemorySize=2g";

  private final PulsarCluster source;
  private final PulsarCluster target;
  private final PulsarAdmin sourceAdmin;
  private final PulsarAdmin targetAdmin;
  private final PulsarClient sourceClient;
  private final PulsarClient targetClient;

  private BenchClusters(PulsarCluster source, PulsarCluster target) {
    this.source = source;
    this.target = target;
    this.sourceAdmin = source.newAdmin();
    this.targetAdmin = target.newAdmin();
    this.sourceClient = client(source);
    this.targetClient = client(target);
  }

  static BenchClusters start() {
    if (System.getProperty(BROKER_JVM_OPTIONS_PROPERTY) == null) {
      System.setProperty(BROKER_JVM_OPTIONS_PROPERTY, BROKER_JVM_OPTIONS);
    }
    List<PulsarCluster> clusters = PulsarClusters.start(spec(SOURCE), spec(TARGET));
    BenchClusters bench = new BenchClusters(clusters.get(0), clusters.get(1));
    try {
      bench.register();
      return bench;
    } catch (RuntimeException e) {
      bench.close();
      throw e;
    }
  }

  private static PulsarClusterSpec spec(String name) {
    PulsarClusterSpec.Builder spec = PulsarClusterSpec.builder(name);
    BROKER_SETTINGS.forEach(spec::brokerSetting);
    return spec.build();
  }

  /** A client for the load generator and the target readers, in the benchmark's JVM. */
  private static PulsarClient client(PulsarCluster cluster) {
    try {
      return PulsarClient.builder()
          .serviceUrl(cluster.serviceUrl())
          .ioThreads(2)
          .listenerThreads(2)
          .enableTcpNoDelay(true)
          .operationTimeout(30, TimeUnit.SECONDS)
          .build();
    } catch (PulsarClientException e) {
      throw new IllegalStateException("cannot create a client for " + cluster.name(), e);
    }
  }

  /** Each cluster knows the other; the tenant exists on both and is allowed on both. */
  private void register() {
    try {
      sourceAdmin.clusters().createCluster(TARGET, clusterData(target));
      targetAdmin.clusters().createCluster(SOURCE, clusterData(source));
      TenantInfo tenant = TenantInfo.builder().allowedClusters(Set.of(SOURCE, TARGET)).build();
      sourceAdmin.tenants().createTenant(TENANT, tenant);
      targetAdmin.tenants().createTenant(TENANT, tenant);
    } catch (PulsarAdminException e) {
      throw new IllegalStateException("cannot register the clusters in each other: " + e, e);
    }
  }

  private static ClusterData clusterData(PulsarCluster cluster) {
    return ClusterData.builder()
        .serviceUrl(cluster.adminUrl())
        .brokerServiceUrl(cluster.serviceUrl())
        .build();
  }

  PulsarCluster source() {
    return source;
  }

  PulsarCluster target() {
    return target;
  }

  PulsarAdmin sourceAdmin() {
    return sourceAdmin;
  }

  PulsarAdmin targetAdmin() {
    return targetAdmin;
  }

  PulsarClient sourceClient() {
    return sourceClient;
  }

  PulsarClient targetClient() {
    return targetClient;
  }

  /** The broker processes by role, found by the {@code jvm.args} file in their data directories. */
  Map<String, Long> brokerPids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    pidOf(source).ifPresent(pid -> pids.put(SOURCE + " broker", pid));
    pidOf(target).ifPresent(pid -> pids.put(TARGET + " broker", pid));
    return pids;
  }

  private static OptionalLong pidOf(PulsarCluster cluster) {
    return Proc.findByCommandLine("@" + cluster.dataDir().resolve("jvm.args"));
  }

  /**
   * Creates {@code namespace} on both clusters (retention on the source, so that a backlog waits
   * for a replicator that is not there yet) and the topics in it, partitioned alike on both.
   */
  void createSpace(String namespace, List<String> topics, int partitions) {
    try {
      for (PulsarAdmin admin : List.of(sourceAdmin, targetAdmin)) {
        admin.namespaces().createNamespace(namespace);
        for (String topic : topics) {
          if (partitions > 0) {
            admin.topics().createPartitionedTopic(topic, partitions);
          } else {
            admin.topics().createNonPartitionedTopic(topic);
          }
        }
      }
      sourceAdmin.namespaces().setRetention(namespace, new RetentionPolicies(120, 8192));
    } catch (PulsarAdminException e) {
      throw new IllegalStateException("cannot create " + namespace + ": " + e, e);
    }
  }

  /**
   * Bytes the broker took in per message on {@code topic} (metadata and batch headers included), on
   * the source or the target; NaN when it took none or cannot say.
   */
  double bytesPerMessage(boolean onTarget, String topic, int partitions) {
    PulsarAdmin admin = onTarget ? targetAdmin : sourceAdmin;
    try {
      var stats =
          partitions > 0
              ? admin.topics().getPartitionedStats(topic, false)
              : admin.topics().getStats(topic);
      return stats.getMsgInCounter() == 0
          ? Double.NaN
          : (double) stats.getBytesInCounter() / stats.getMsgInCounter();
    } catch (PulsarAdminException e) {
      return Double.NaN;
    }
  }

  /**
   * Turns built-in geo-replication of {@code namespace} from the source to the target on or off.
   */
  void builtInReplication(String namespace, boolean on) {
    try {
      sourceAdmin
          .namespaces()
          .setNamespaceReplicationClusters(namespace, on ? Set.of(SOURCE, TARGET) : Set.of(SOURCE));
    } catch (PulsarAdminException e) {
      throw new IllegalStateException(
          "cannot turn built-in replication of " + namespace + (on ? " on" : " off") + ": " + e, e);
    }
  }

  /**
   * Waits (at most {@code timeout}) until no topic of {@code topics} has a replicator left on the
   * source, after built-in replication was turned off: deleting a topic while its replicator closes
   * makes the broker refuse ("Topic is already fenced") or hang.
   */
  void awaitNoReplicators(List<String> topics, int partitions, java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String topic : topics) {
      while (System.nanoTime() < deadline) {
        try {
          var stats =
              partitions > 0
                  ? sourceAdmin.topics().getPartitionedStats(topic, false)
                  : sourceAdmin.topics().getStats(topic);
          if (stats.getReplication().isEmpty()) {
            break;
          }
        } catch (PulsarAdminException e) {
          break; // gone, or not answering: the deletion will say
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Deletes the namespace and its topics on both clusters, in the background; tries once more after
   * a second when the broker refuses (a topic still being fenced after built-in replication was
   * turned off). Completes, never exceptionally, when both are deleted or given up on; a namespace
   * given up on only costs disk until the clusters are deleted at the end.
   */
  CompletableFuture<Void> deleteSpace(String namespace) {
    return CompletableFuture.allOf(
        deleteNamespace(sourceAdmin, namespace, true),
        deleteNamespace(targetAdmin, namespace, true));
  }

  private static CompletableFuture<Void> deleteNamespace(
      PulsarAdmin admin, String namespace, boolean retry) {
    long start = System.nanoTime();
    return admin
        .namespaces()
        .deleteNamespaceAsync(namespace, true)
        .orTimeout(30, TimeUnit.SECONDS)
        .handle((ok, err) -> err)
        .thenCompose(
            err -> {
              if (err == null) {
                double seconds = (System.nanoTime() - start) / 1e9;
                if (seconds > 5) {
                  System.err.printf(
                      Locale.ROOT, "georep-bench: deleting %s took %.1f s%n", namespace, seconds);
                }
                return CompletableFuture.completedFuture(null);
              }
              if (retry) {
                return CompletableFuture.supplyAsync(
                        () -> null, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS))
                    .thenCompose(ignored -> deleteNamespace(admin, namespace, false));
              }
              System.err.println(
                  "georep-bench: could not delete "
                      + namespace
                      + " (left until the end): "
                      + firstLine(err));
              return CompletableFuture.completedFuture(null);
            });
  }

  private static String firstLine(Throwable t) {
    Throwable cause =
        t instanceof java.util.concurrent.CompletionException && t.getCause() != null
            ? t.getCause()
            : t;
    String message = String.valueOf(cause.getMessage()).strip();
    int newline = message.indexOf('\n');
    return cause.getClass().getSimpleName()
        + ": "
        + (newline < 0 ? message : message.substring(0, newline));
  }

  /**
   * Restarts a cluster whose broker does not pass its health check (a write and a read through a
   * topic), so that one broken trial does not break every later one. Returns what it did.
   */
  java.util.Optional<String> restartIfUnhealthy() {
    for (PulsarCluster cluster : List.of(source, target)) {
      try (PulsarAdmin admin = cluster.newAdmin()) {
        admin.brokers().healthcheck(org.apache.pulsar.common.naming.TopicVersion.V2);
      } catch (PulsarAdminException | RuntimeException e) {
        cluster.restart();
        return java.util.Optional.of(
            "restarted " + cluster.name() + ", whose health check failed: " + e.getMessage());
      }
    }
    return java.util.Optional.empty();
  }

  /** Copies each broker's log (before the clusters go, with their data) into {@code dir}. */
  void saveLogs(java.nio.file.Path dir) {
    for (PulsarCluster cluster : List.of(source, target)) {
      try {
        java.nio.file.Files.copy(
            cluster.logFile(),
            dir.resolve(cluster.name() + "-broker.log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (java.io.IOException e) {
        System.err.println("georep-bench: cannot keep the log of " + cluster.name() + ": " + e);
      }
    }
  }

  @Override
  public void close() {
    try {
      sourceClient.close();
      targetClient.close();
    } catch (PulsarClientException e) {
      // closing anyway
    }
    sourceAdmin.close();
    targetAdmin.close();
    source.close();
    target.close();
  }
}
