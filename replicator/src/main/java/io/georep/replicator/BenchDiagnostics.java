package io.georep.replicator;

import org.slf4j.LoggerFactory;

/**
 * Switches for the benchmark only ({@code bin/georep-bench}), read once from system properties.
 * Never set them in production: with state writes off, a crash replays everything since the
 * cursor's last acknowledgement and subscription translation has nothing to translate through.
 *
 * <p>{@code -Dgeorep.bench.noState=true}: the replicator writes no checkpoint and records no
 * position-map run, but acknowledges the source cursor as it would after a write. The benchmark
 * compares a daemon started with it to one without, to measure what the state writes cost.
 */
public final class BenchDiagnostics {
  /** The system property that turns the state writes off. */
  public static final String NO_STATE_PROPERTY = "georep.bench.noState";

  private static final boolean NO_STATE = Boolean.getBoolean(NO_STATE_PROPERTY);

  static {
    if (NO_STATE) {
      LoggerFactory.getLogger(BenchDiagnostics.class)
          .warn(
              "-D{}=true: checkpoints and position maps are NOT written (benchmark diagnostic;"
                  + " never in production)",
              NO_STATE_PROPERTY);
    }
  }

  private BenchDiagnostics() {}

  /**
   * True when the replicator must skip its checkpoint and position-map writes (and their timer),
   * still acknowledging the source cursor.
   */
  public static boolean stateWritesDisabled() {
    return NO_STATE;
  }
}
