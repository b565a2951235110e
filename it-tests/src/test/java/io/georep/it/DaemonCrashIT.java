package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One SIGKILL, target without deduplication: nothing lost, order kept, and the duplicates within
 * the bound the README promises: what was in flight plus what the target acknowledged since the
 * last checkpoint.
 *
 * <p>The link's in-flight budget is given back when the target acknowledges, and the checkpoint is
 * written every 100 ms after that, so what was acknowledged but not yet checkpointed is no longer
 * in flight: the in-flight limit alone bounds nothing. The rate limit bounds that second term: in
 * any window the link sends at most what its bucket holds (one second's worth) plus the rate times
 * the window. Per kill, then: {@code inFlightMessages + messagesPerSecond * (1 s of bucket +
 * CHECKPOINT_WINDOW)}. The link forwards messages, not entries: an entry larger than the in-flight
 * limit would pass alone, and whole entries sent at the rate make duplicates all or nothing.
 */
class DaemonCrashIT extends DaemonCrashScenario {
  private static final int IN_FLIGHT_MESSAGES = 100;
  private static final int MESSAGES_PER_SECOND = 1_000;

  /**
   * The checkpoint interval (100 ms) with room for its RocksDB write and for the scheduling delays
   * of a busy 2-core machine: a checkpoint older than this when the kill comes fails the test.
   */
  private static final double CHECKPOINT_WINDOW_SECONDS = 1.0;

  private static final long DUPLICATES_PER_KILL =
      IN_FLIGHT_MESSAGES + (long) (MESSAGES_PER_SECOND * (1 + CHECKPOINT_WINDOW_SECONDS));

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
  String[] linkOptions() {
    return new String[] {
      "forwarding: messages",
      "limits: { inFlightMessages: "
          + IN_FLIGHT_MESSAGES
          + ", messagesPerSecond: "
          + MESSAGES_PER_SECOND
          + " }"
    };
  }

  /**
   * Killed after three quarters of the 6,000 waiting (at least 4,500 forwarded), so a daemon that
   * resumed from an older checkpoint than the last one, or from none, exceeds the bound of 2,100.
   */
  @Override
  int forwardedBeforeKill(int chunk) {
    return chunk * 3 / 4;
  }

  @Override
  void checkDuplicates(ReplicationVerifier.Report report) {
    assertThat(report.duplicated())
        .as(
            "duplicates after %d kill(s), each bounded by %,d in flight + %,d msg/s for 1 s of"
                + " bucket and %.1f s since the checkpoint",
            kills(), IN_FLIGHT_MESSAGES, MESSAGES_PER_SECOND, CHECKPOINT_WINDOW_SECONDS)
        .isLessThanOrEqualTo(DUPLICATES_PER_KILL * kills());
  }
}
