package io.georep.replicator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Where a link's replication lag is spent, stage by stage, so that a slow link can be told apart
 * from a slow broker: {@code source} (source publish time to arrival in georep: the source broker's
 * write and its dispatch), {@code forward} (arrival to the send handed to the target's producer:
 * georep's own queues and actor) and {@code target} (the send to the target's acknowledgement: the
 * target broker's write). One set per link, not per partition: a histogram per partition would cost
 * thousands of series on a large link.
 *
 * <p>The source stage compares the source producer's clock with georep's: a skew between the two
 * hosts shifts it (negative differences count as zero). Messages forwarded one by one ({@code
 * forwarding: messages}) arrive through the client's receive queue, whose arrival time georep does
 * not see: their source stage ends when georep takes them, and they have no forward stage.
 */
final class StageTimers {
  /** Bucket bounds: fine where a healthy link's stages fall, coarse in the tail. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(15),
    Duration.ofMillis(20),
    Duration.ofMillis(30),
    Duration.ofMillis(50),
    Duration.ofMillis(75),
    Duration.ofMillis(100),
    Duration.ofMillis(200),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private final Timer source;
  private final Timer forward;
  private final Timer target;

  /** The link's timers; registering them again returns the same meters (one set per link). */
  StageTimers(MeterRegistry registry, String link) {
    this.source = timer(registry, link, "source");
    this.forward = timer(registry, link, "forward");
    this.target = timer(registry, link, "target");
  }

  private static Timer timer(MeterRegistry registry, String link, String stage) {
    return Timer.builder("georep.stage")
        .description(
            "Time forwarded entries spent in each stage of replication: source (publish to arrival"
                + " in georep), forward (arrival to send), target (send to acknowledgement)")
        .tags("link", link, "stage", stage)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  /**
   * An entry published at {@code publishTimeMillis} (source clock) arrived at {@code nowMillis}.
   */
  void arrived(long publishTimeMillis, long nowMillis) {
    source.record(Math.max(0, nowMillis - publishTimeMillis), TimeUnit.MILLISECONDS);
  }

  /** An entry that arrived at {@code arrivalNanos} ({@link System#nanoTime()}) is being sent. */
  void sending(long arrivalNanos, long nowNanos) {
    forward.record(nowNanos - arrivalNanos, TimeUnit.NANOSECONDS);
  }

  /** The target acknowledged a send made at {@code sentNanos}. */
  void acknowledged(long sentNanos, long nowNanos) {
    target.record(nowNanos - sentNanos, TimeUnit.NANOSECONDS);
  }
}
