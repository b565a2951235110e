package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StageTimersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private Timer timer(String link, String stage) {
    return registry.get("georep.stage").tags("link", link, "stage", stage).timer();
  }

  @Test
  void eachStageIsTimedFromItsOwnClock() {
    StageTimers stages = new StageTimers(registry, "east-west");
    stages.arrived(1_000, 1_012); // published at 1,000 ms, arrived 12 ms later
    stages.sending(5_000_000, 5_400_000); // 0.4 ms in georep
    stages.acknowledged(5_400_000, 8_400_000); // 3 ms to the target's acknowledgement

    assertThat(timer("east-west", "source").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(12);
    assertThat(timer("east-west", "forward").totalTime(TimeUnit.MICROSECONDS)).isEqualTo(400);
    assertThat(timer("east-west", "target").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3);
  }

  @Test
  void aSourceClockAheadOfGeorepsCountsAsNoWait() {
    StageTimers stages = new StageTimers(registry, "l");
    stages.arrived(2_000, 1_990);

    assertThat(timer("l", "source").count()).isEqualTo(1);
    assertThat(timer("l", "source").totalTime(TimeUnit.MILLISECONDS)).isZero();
  }

  @Test
  void partitionsOfOneLinkShareItsTimersAndLinksDoNot() {
    new StageTimers(registry, "a").arrived(0, 5);
    new StageTimers(registry, "a").arrived(0, 7);
    new StageTimers(registry, "b").arrived(0, 9);

    assertThat(timer("a", "source").count()).isEqualTo(2);
    assertThat(timer("b", "source").count()).isEqualTo(1);
  }

  @Test
  void bucketsSeparateATailFromTheBody() {
    StageTimers stages = new StageTimers(registry, "l");
    for (int i = 0; i < 99; i++) {
      stages.acknowledged(0, TimeUnit.MILLISECONDS.toNanos(4));
    }
    stages.acknowledged(0, TimeUnit.MILLISECONDS.toNanos(180));

    CountAtBucket[] buckets = timer("l", "target").takeSnapshot().histogramCounts();
    assertThat(countAtOrBelow(buckets, 5)).isEqualTo(99);
    assertThat(countAtOrBelow(buckets, 100)).isEqualTo(99);
    assertThat(countAtOrBelow(buckets, 200)).isEqualTo(100);
  }

  private static double countAtOrBelow(CountAtBucket[] buckets, double millis) {
    for (CountAtBucket bucket : buckets) {
      if (bucket.bucket(TimeUnit.MILLISECONDS) == millis) {
        return bucket.count();
      }
    }
    throw new AssertionError("no bucket at " + millis + " ms");
  }
}
