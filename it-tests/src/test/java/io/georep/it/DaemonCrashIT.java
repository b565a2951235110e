package io.georep.it;

import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One SIGKILL, target without deduplication: nothing lost, order kept; the duplicates (what the
 * target acknowledged after the last checkpoint) are counted and printed, not asserted.
 */
class DaemonCrashIT extends DaemonCrashScenario {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());

  @Override
  PulsarClustersExtension clusters() {
    return clusters;
  }

  @Override
  int messages() {
    return 12_000;
  }

  @Override
  int kills() {
    return 1;
  }

  @Override
  void checkDuplicates(ReplicationVerifier.Report report) {
    // bounded by the checkpoint interval and in-flight window; reported in the output
  }
}
