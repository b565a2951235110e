package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.state.Position;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SourceStatsScheduleTest {
  private static final Duration INTERVAL = Duration.ofMinutes(5);
  private final SourceStatsSchedule schedule = new SourceStatsSchedule(INTERVAL);
  private final Position checkpoint = new Position(7, 41, -1);

  @Test
  void aCheckpointNeverCheckedIsCheckedAtOnce() {
    assertThat(schedule.firstRead(checkpoint, 0)).isZero();
  }

  @Test
  void withoutACheckpointTheFirstReadWaitsAnInterval() {
    assertThat(schedule.firstRead(null, 0)).isEqualTo(INTERVAL);
  }

  @Test
  void restartsWithTheSameCheckpointDoNotReadAgainBeforeTheInterval() {
    long t = 1_000;
    schedule.reading(checkpoint, t);
    // A restart every 30 s with the target down: each one's first read waits for its turn.
    for (int restart = 1; restart < 10; restart++) {
      long now = t + Duration.ofSeconds(30L * restart).toNanos();
      assertThat(schedule.firstRead(checkpoint, now))
          .isEqualTo(INTERVAL.minusSeconds(30L * restart));
    }
    assertThat(schedule.firstRead(checkpoint, t + INTERVAL.toNanos())).isZero();
    assertThat(schedule.firstRead(checkpoint, t + INTERVAL.toNanos() * 3)).isZero();
  }

  @Test
  void aMovedCheckpointIsCheckedAtOnce() {
    schedule.reading(checkpoint, 0);
    assertThat(schedule.firstRead(new Position(7, 42, -1), 1)).isZero();
  }

  @Test
  void aReadWithoutACheckpointKeepsTheLastCheckpointChecked() {
    schedule.reading(checkpoint, 0);
    schedule.reading(null, 10);
    assertThat(schedule.firstRead(checkpoint, 20)).isEqualTo(INTERVAL.minusNanos(10));
  }
}
