package io.georep.testkit;

import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Clusters shared by the tests of one class: started in parallel before all of them, closed after
 * all of them.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PulsarClustersExtension clusters =
 *     PulsarClustersExtension.of(PulsarClusterSpec.builder("east").build(),
 *                                PulsarClusterSpec.builder("west").build());
 * ...
 * PulsarCluster east = clusters.get("east");
 * }</pre>
 *
 * <p>Nested test classes see the clusters of their enclosing class; only the class that started
 * them closes them.
 */
public final class PulsarClustersExtension implements BeforeAllCallback, AfterAllCallback {
  private final List<PulsarClusterSpec> specs;
  private List<PulsarCluster> clusters = List.of();
  private String ownerId;

  private PulsarClustersExtension(List<PulsarClusterSpec> specs) {
    this.specs = specs;
  }

  public static PulsarClustersExtension of(PulsarClusterSpec... specs) {
    if (specs.length == 0) {
      throw new IllegalArgumentException("no cluster spec given");
    }
    return new PulsarClustersExtension(List.of(specs));
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (ownerId != null) {
      return; // a nested class: the enclosing class started the clusters
    }
    clusters = PulsarClusters.start(specs.toArray(PulsarClusterSpec[]::new));
    ownerId = context.getUniqueId();
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (!context.getUniqueId().equals(ownerId)) {
      return;
    }
    List<PulsarCluster> started = clusters;
    clusters = List.of();
    ownerId = null;
    PulsarClusters.closeAll(started);
  }

  /**
   * The started cluster named {@code name}.
   *
   * @throws IllegalStateException outside the tests of the class (before all, after all)
   * @throws IllegalArgumentException when no spec has that name
   */
  public synchronized PulsarCluster get(String name) {
    Objects.requireNonNull(name, "name");
    if (clusters.isEmpty()) {
      throw new IllegalStateException("the clusters are not started: use them inside the tests");
    }
    return clusters.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no cluster named '"
                        + name
                        + "'; there are "
                        + clusters.stream().map(PulsarCluster::name).toList()));
  }

  /** The started clusters, in the order of the specs. */
  public synchronized List<PulsarCluster> all() {
    return clusters;
  }
}
