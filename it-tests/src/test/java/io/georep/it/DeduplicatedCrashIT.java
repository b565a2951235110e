package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three SIGKILLs over 50,000 keyed messages, with the link switching deduplication on at its target
 * namespace ({@code deduplication: enable}; the brokers leave it off): georep's stable producer
 * names and sequence ids derived from source positions leave not one duplicate.
 */
class DeduplicatedCrashIT extends DaemonCrashScenario {
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
    return 50_000;
  }

  @Override
  int kills() {
    return 3;
  }

  @Override
  String[] linkOptions() {
    return new String[] {"deduplication: enable"};
  }

  @Override
  void checkDuplicates(ReplicationVerifier.Report report) {
    assertThat(report.duplicated()).as("duplicates on a deduplicating target").isZero();
  }
}
