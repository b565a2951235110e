package io.georep.migrator;

import io.georep.config.ClusterConfig;
import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.replicator.AsyncFailures;
import io.georep.replicator.PulsarClients;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import org.apache.pulsar.client.admin.PulsarAdmin;

/**
 * Metadata sync for one link: reads both clusters, plans, applies. The entry point for the {@code
 * georep sync metadata} command; the daemon runs it as a link task, {@link MetadataSyncTask}.
 */
public final class MetadataSync implements PlanAndApply, AutoCloseable {
  /** Admin requests in flight per cluster while reading. */
  static final int READ_PARALLELISM = 16;

  /** Groups of operations applied at once on the target (see {@link ApplySchedule}). */
  static final int APPLY_PARALLELISM = 16;

  private final LinkConfig link;
  private final ClusterConfig source;
  private final ClusterConfig target;
  private final PulsarAdmin sourceAdmin;
  private final PulsarAdmin targetAdmin;
  private final boolean ownsAdmins;

  /** Uses these admin clients, which stay the caller's. */
  public MetadataSync(
      LinkConfig link,
      ClusterConfig source,
      ClusterConfig target,
      PulsarAdmin sourceAdmin,
      PulsarAdmin targetAdmin) {
    this(link, source, target, sourceAdmin, targetAdmin, false);
  }

  private MetadataSync(
      LinkConfig link,
      ClusterConfig source,
      ClusterConfig target,
      PulsarAdmin sourceAdmin,
      PulsarAdmin targetAdmin,
      boolean ownsAdmins) {
    this.link = link;
    this.source = source;
    this.target = target;
    this.sourceAdmin = sourceAdmin;
    this.targetAdmin = targetAdmin;
    this.ownsAdmins = ownsAdmins;
  }

  /** Connects to the link's clusters as the configuration says; {@link #close()} disconnects. */
  public static MetadataSync open(GeorepConfig config, LinkConfig link) {
    ClusterConfig source = config.clusters().get(link.source());
    ClusterConfig target = config.clusters().get(link.target());
    PulsarAdmin sourceAdmin = PulsarClients.admin(source);
    try {
      return new MetadataSync(link, source, target, sourceAdmin, PulsarClients.admin(target), true);
    } catch (RuntimeException e) {
      sourceAdmin.close();
      throw e;
    }
  }

  /**
   * Reads both clusters and diffs them.
   *
   * @throws MetadataSyncException when a cluster cannot be read
   */
  @Override
  public MetadataPlan plan(PlanOptions options, SyncProgress progress) {
    return unwrapped(
        () -> {
          ClusterCalls sourceCalls = new ClusterCalls(source);
          ClusterCalls targetCalls = new ClusterCalls(target);
          MetadataReader sourceReader =
              new MetadataReader(sourceAdmin, sourceCalls, READ_PARALLELISM, progress);
          MetadataReader targetReader =
              new MetadataReader(targetAdmin, targetCalls, READ_PARALLELISM, progress);
          List<String> sourceNamespaces =
              link.scope().wholeCluster()
                  ? Futures.await(sourceReader.allNamespaces())
                  : MetadataScope.explicitNamespaces(link.scope());
          sourceNamespaces =
              sourceNamespaces.stream()
                  .filter(ns -> MetadataScope.coversNamespace(link.scope(), ns))
                  .toList();
          MetadataSnapshot sourceSnapshot =
              sourceReader.read(
                  sourceNamespaces,
                  Set.of(),
                  topic -> link.scope().includes(MetadataPlanner.persistentForm(topic)));
          List<String> targetNamespaces =
              sourceSnapshot.namespaces().keySet().stream()
                  .map(link.mapping()::mapNamespace)
                  .distinct()
                  .sorted()
                  .toList();
          Set<String> targetTenants = new TreeSet<>();
          targetNamespaces.forEach(ns -> targetTenants.add(MetadataPlanner.tenantOf(ns)));
          MetadataSnapshot targetSnapshot =
              targetReader.read(targetNamespaces, targetTenants, topic -> true);
          String targetCluster = targetReader.ownClusterName(target.name());
          return new MetadataPlanner(
                  link.scope(),
                  link.mapping(),
                  targetCluster,
                  options,
                  MetadataPlanner.ownNamespacePolicies(link.options()))
              .plan(link.name(), source.name(), target.name(), sourceSnapshot, targetSnapshot);
        });
  }

  /**
   * Carries out what the plan will apply.
   *
   * @throws MetadataSyncException when the target refuses georep's role
   */
  @Override
  public List<ApplyResult> apply(MetadataPlan plan, SyncProgress progress) {
    return unwrapped(
        () ->
            new MetadataApplier(targetAdmin, new ClusterCalls(target), APPLY_PARALLELISM)
                .apply(plan, progress));
  }

  private static <T> T unwrapped(java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (CompletionException e) {
      Throwable cause = AsyncFailures.unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    if (ownsAdmins) {
      sourceAdmin.close();
      targetAdmin.close();
    }
  }
}
