package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.junit.jupiter.api.Test;

class CursorAcksTest {

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final CursorAcks acks = new CursorAcks(Duration.ofSeconds(1), clock::get);

  @Test
  void theCursorWaitsForASyncAndThenTakesTheLatestCheckpointWrittenBeforeIt() {
    acks.written(new MessageIdImpl(1, 1, -1));
    clock.addAndGet(400_000_000L);
    acks.written(new MessageIdImpl(1, 2, -1));

    assertThat(acks.syncDue()).as("within the interval").isFalse();
    clock.addAndGet(600_000_000L);
    assertThat(acks.syncDue()).isTrue();
    assertThat(acks.synced()).isEqualTo(new MessageIdImpl(1, 2, -1));

    // Nothing new: no sync, however long it waits.
    clock.addAndGet(5_000_000_000L);
    assertThat(acks.syncDue()).isFalse();
    assertThat(acks.synced()).isNull();
  }

  @Test
  void anIdlePartitionsLastCheckpointIsSyncedOnceTheIntervalPasses() {
    acks.written(new MessageIdImpl(3, 7, -1));
    clock.addAndGet(999_999_999L);
    assertThat(acks.syncDue()).isFalse();
    assertThat(acks.pending()).isEqualTo(new MessageIdImpl(3, 7, -1));
    clock.addAndGet(1);
    assertThat(acks.syncDue()).isTrue();
  }

  @Test
  void anEarlierIdDoesNotMoveTheWaitingOneBack() {
    acks.written(new MessageIdImpl(2, 9, -1));
    acks.written(new MessageIdImpl(2, 3, -1)); // a redelivery the checkpoint covers
    acks.written(new MessageIdImpl(1, 50, -1));

    clock.addAndGet(1_000_000_000L);
    assertThat(acks.synced()).isEqualTo(new MessageIdImpl(2, 9, -1));

    acks.written(new MessageIdImpl(2, 4, -1)); // after a sync: waits on its own
    assertThat(acks.pending()).isEqualTo(new MessageIdImpl(2, 4, -1));
  }
}
