package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LinkFlowControlTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void inFlightRoomIsSharedAndComesBackOnRelease() {
    LinkFlowControl flow = new LinkFlowControl(3, 1_000, 0, 0, now::get);
    assertThat(flow.tryAcquire(100)).isZero();
    assertThat(flow.tryAcquire(100)).isZero();
    assertThat(flow.tryAcquire(100)).isZero();
    assertThat(flow.tryAcquire(100)).isEqualTo(LinkFlowControl.BUDGET_RETRY_NANOS);
    assertThat(flow.messagesInFlight()).isEqualTo(3);
    flow.release(100);
    assertThat(flow.tryAcquire(100)).isZero();
    assertThat(flow.bytesInFlight()).isEqualTo(300);
  }

  @Test
  void bytesBoundTheWindowButAnOversizedMessageGoesAloneRatherThanNever() {
    LinkFlowControl flow = new LinkFlowControl(100, 1_000, 0, 0, now::get);
    assertThat(flow.tryAcquire(600)).isZero();
    assertThat(flow.tryAcquire(600)).isPositive();
    flow.release(600);
    assertThat(flow.tryAcquire(5_000)).isZero();
    assertThat(flow.tryAcquire(1)).isPositive();
  }

  @Test
  void messageRateAllowsOneSecondOfBurstThenPacesAtTheRate() {
    LinkFlowControl flow = new LinkFlowControl(1_000_000, Long.MAX_VALUE, 100, 0, now::get);
    int sent = 0;
    while (flow.tryAcquire(10) == 0) {
      sent++;
    }
    assertThat(sent).isEqualTo(100);
    long wait = flow.tryAcquire(10);
    assertThat(wait).isBetween(1L, TimeUnit.MILLISECONDS.toNanos(10));
    now.addAndGet(wait);
    assertThat(flow.tryAcquire(10)).isZero();
    // Ten more seconds pass: the bucket holds one second's worth, not ten.
    now.addAndGet(TimeUnit.SECONDS.toNanos(10));
    int burst = 0;
    while (flow.tryAcquire(10) == 0) {
      burst++;
    }
    assertThat(burst).isEqualTo(100);
  }

  @Test
  void byteRatePacesLargeMessagesAndWaitsForAFullBucketForOversizedOnes() {
    LinkFlowControl flow = new LinkFlowControl(1_000_000, Long.MAX_VALUE, 0, 1_000, now::get);
    assertThat(flow.tryAcquire(600)).isZero();
    long wait = flow.tryAcquire(600);
    // 400 tokens left, 600 needed: 0.2 s.
    assertThat(wait)
        .isBetween(TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(200) + 1_000);
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(flow.tryAcquire(50_000)).isZero();
    // It started on a full bucket (1,000) and owes the other 49,000 bytes: 49 s before one more.
    assertThat(flow.tryAcquire(1))
        .isBetween(TimeUnit.SECONDS.toNanos(49), TimeUnit.SECONDS.toNanos(49) + 2_000_000);
  }

  @Test
  void anEntryOfMoreThanASecondOfMessagesIsPaidBackBeforeTheNextSend() {
    LinkFlowControl flow = new LinkFlowControl(1_000_000, Long.MAX_VALUE, 100, 0, now::get);
    assertThat(flow.tryAcquire(250, 100)).isZero();
    // 100 tokens were there, 250 taken: 150 owed plus 1 for the next message, at 100 a second.
    long wait = flow.tryAcquire(1, 100);
    assertThat(wait)
        .isBetween(
            TimeUnit.MILLISECONDS.toNanos(1_510), TimeUnit.MILLISECONDS.toNanos(1_510) + 1_000);
    now.addAndGet(wait);
    assertThat(flow.tryAcquire(1, 100)).isZero();
  }

  @Test
  void anEntryTakesTheRoomAndTokensOfAllItsMessagesAtOnce() {
    LinkFlowControl flow = new LinkFlowControl(1_000, Long.MAX_VALUE, 0, 0, now::get);
    assertThat(flow.tryAcquire(600, 60_000)).isZero();
    assertThat(flow.tryAcquire(600, 60_000)).as("1,200 > 1,000 in flight").isPositive();
    assertThat(flow.messagesInFlight()).isEqualTo(600);
    flow.release(600, 60_000);
    assertThat(flow.messagesInFlight()).isZero();
    assertThat(flow.tryAcquire(5_000, 500_000)).as("alone, an oversized entry passes").isZero();

    LinkFlowControl paced = new LinkFlowControl(1_000_000, Long.MAX_VALUE, 1_000, 0, now::get);
    assertThat(paced.tryAcquire(1_000, 100)).isZero();
    long wait = paced.tryAcquire(500, 100);
    // The bucket is empty and 500 tokens are needed at 1,000 a second: half a second.
    assertThat(wait)
        .isBetween(TimeUnit.MILLISECONDS.toNanos(500), TimeUnit.MILLISECONDS.toNanos(500) + 1_000);
  }
}
