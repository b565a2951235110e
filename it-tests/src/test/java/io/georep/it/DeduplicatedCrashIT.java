package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three SIGKILLs over 50,000 keyed messages, target with deduplication on: georep's stable producer
 * names and sequence ids derived from source positions leave not one duplicate.
 */
class DeduplicatedCrashIT extends DaemonCrashScenario {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(),
          PulsarClusterSpec.builder("west").deduplication(true).build());

  @Override
  PulsarClustersExtension clusters() {
    return clusters;
  }

  @Override
  int messages() {
    return 50_000;
  }

  @Override
  int kills() {
    return 3;
  }

  @Override
  void checkDuplicates(ReplicationVerifier.Report report) {
    assertThat(report.duplicated()).as("duplicates on a deduplicating target").isZero();
  }
}
