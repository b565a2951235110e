package io.georep.testkit.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.PulsarStandaloneStarter;
import org.apache.pulsar.metadata.api.MetadataStoreConfig;
import org.apache.pulsar.metadata.api.extended.MetadataStoreExtended;

/**
 * Main class of the testkit's broker JVM: removes the ephemeral metadata nodes that an earlier,
 * killed broker process left behind, then runs {@link PulsarStandaloneStarter} with the same
 * arguments.
 *
 * <p>Why: the standalone keeps its metadata in RocksDB, where an ephemeral node (bookie
 * registration, bundle ownership, broker registration, leader election) outlives a killed process.
 * {@code RocksdbMetadataStore} deletes such a node lazily and asynchronously when it is first read.
 * When the bookie or the broker re-creates the same node at that moment, the late deletion
 * invalidates the new lock; in Pulsar 4.0.7 the bookie's registration lock then revalidates forever
 * (its value has no {@code equals}, apache/pulsar#25001): a busy loop that writes megabytes of log
 * per second and can keep the broker from serving for a minute. Deleting the leftovers before
 * anything starts makes a restart after a kill behave like one after a ZooKeeper session expired.
 */
public final class StandaloneLauncher {
  private static final long TIMEOUT_SECONDS = 30;

  private StandaloneLauncher() {}

  public static void main(String[] args) throws Exception {
    Optional<Path> metadataDir = argument(args, "--metadata-dir").map(Path::of);
    if (metadataDir.isPresent() && Files.isDirectory(metadataDir.get())) {
      // the URL the standalone builds from --metadata-dir
      String url = "rocksdb://" + metadataDir.get().toAbsolutePath();
      try {
        int nodes = removeStaleEphemeralNodes(url);
        System.out.println(
            "georep-testkit: listed "
                + nodes
                + " metadata nodes; ephemeral ones of an earlier broker process are deleted"
                + " (the 'Deleting path' lines above, if any)");
      } catch (Exception e) {
        // a mitigation only: the broker may still start well, so start it and let the log tell
        System.out.println("georep-testkit: cannot remove stale ephemeral metadata nodes: " + e);
        e.printStackTrace(System.out);
      }
    }
    PulsarStandaloneStarter.main(args);
  }

  private static Optional<String> argument(String[] args, String name) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Optional.of(args[i + 1]);
      }
    }
    return Optional.empty();
  }

  /**
   * Lists every node once. {@code RocksdbMetadataStore} drops, from every listing, the ephemeral
   * children that a dead process owned and deletes them right there, in the calling thread; the
   * notifications of those deletions go to this store instance only, which is closed before the
   * standalone opens its own.
   *
   * @return how many nodes are left
   */
  static int removeStaleEphemeralNodes(String url) throws Exception {
    try (MetadataStoreExtended store =
        MetadataStoreExtended.create(url, MetadataStoreConfig.builder().build())) {
      return walk(store, "/");
    }
  }

  private static int walk(MetadataStoreExtended store, String path) throws Exception {
    int nodes = 0;
    for (String child : await(store.getChildrenFromStore(path))) {
      nodes += 1 + walk(store, path.equals("/") ? "/" + child : path + "/" + child);
    }
    return nodes;
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
