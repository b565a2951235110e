package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.state.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.junit.jupiter.api.Test;

class InFlightWindowTest {
  private final AtomicInteger rings = new AtomicInteger();
  private final InFlightWindow window = new InFlightWindow(3, 1_000, rings::incrementAndGet);
  private final List<Position> settled = new ArrayList<>();
  private final List<String> runs = new ArrayList<>();
  private final InFlightWindow.Settlement settlement =
      new InFlightWindow.Settlement() {
        @Override
        public void settled(InFlight slot) {
          settled.add(slot.source);
        }

        @Override
        public void forwarded(int messages, long bytes, InFlight last) {
          runs.add(messages + "/" + bytes + "@" + last.source);
        }
      };

  private static InFlight sent(long entry, int size) {
    return InFlight.sent(
        new MessageIdImpl(1, entry, -1),
        new Position(1, entry, -1),
        entry,
        size,
        1,
        0,
        entry,
        false);
  }

  private static InFlight filtered(long entry) {
    return InFlight.filtered(new MessageIdImpl(1, entry, -1), new Position(1, entry, -1), entry, 1);
  }

  @Test
  void settlesInSourceOrderWhateverOrderTheTargetAnswersIn() {
    InFlight a = sent(0, 10);
    InFlight b = sent(1, 20);
    InFlight c = sent(2, 30);
    window.sent(a);
    window.sent(b);
    window.sent(c);

    c.complete(new MessageIdImpl(7, 2, -1), null);
    b.complete(new MessageIdImpl(7, 1, -1), null);
    window.settle(settlement);
    assertThat(settled).as("nothing settles before the head").isEmpty();
    assertThat(window.checkpointable()).isEmpty();
    assertThat(window.messages()).isEqualTo(3);
    assertThat(window.bytes()).isEqualTo(60);

    a.complete(new MessageIdImpl(7, 0, -1), null);
    window.settle(settlement);
    assertThat(settled)
        .containsExactly(new Position(1, 0, -1), new Position(1, 1, -1), new Position(1, 2, -1));
    assertThat(runs).containsExactly("3/60@" + new Position(1, 2, -1));
    assertThat(window.checkpointable()).containsSame(c);
    assertThat(window.isEmpty()).isTrue();
    assertThat(window.messages()).isZero();
    assertThat(window.bytes()).isZero();
  }

  @Test
  void aFilteredMessageSettlesOnlyInItsPlace() {
    InFlight a = sent(0, 10);
    window.sent(a);
    window.skipped(filtered(1), settlement);
    assertThat(settled).as("waits for the send before it").isEmpty();

    a.complete(new MessageIdImpl(7, 0, -1), null);
    window.settle(settlement);
    assertThat(settled).containsExactly(new Position(1, 0, -1), new Position(1, 1, -1));
    assertThat(runs).as("only the forwarded one counts").containsExactly("1/10@" + a.source);
    assertThat(window.checkpointable().orElseThrow().source)
        .as("the cursor may pass the filtered message")
        .isEqualTo(new Position(1, 1, -1));
  }

  @Test
  void nothingAtOrAfterAFailedSendSettles() {
    InFlight a = sent(0, 10);
    InFlight b = sent(1, 10);
    InFlight c = sent(2, 10);
    window.sent(a);
    window.sent(b);
    window.sent(c);
    RuntimeException refused = new RuntimeException("refused");
    a.complete(new MessageIdImpl(7, 0, -1), null);
    b.complete(null, refused);
    c.complete(new MessageIdImpl(7, 2, -1), null);

    assertThat(window.failure()).containsSame(refused);
    window.settle(settlement);
    assertThat(settled).containsExactly(a.source);
    assertThat(window.checkpointable()).containsSame(a);

    List<InFlight> abandoned = new ArrayList<>();
    window.abandon(abandoned::add);
    assertThat(abandoned).containsExactly(b, c);
    assertThat(window.isEmpty()).isTrue();
    assertThat(window.messages()).isZero();
    assertThat(window.checkpointable()).as("what settled stays checkpointable").containsSame(a);
  }

  @Test
  void ringsOnceUntilHeard() {
    InFlight a = sent(0, 10);
    InFlight b = sent(1, 10);
    InFlight c = sent(2, 10);
    window.sent(a);
    window.sent(b);
    window.sent(c);
    a.complete(new MessageIdImpl(7, 0, -1), null);
    b.complete(new MessageIdImpl(7, 1, -1), null);
    assertThat(rings).hasValue(1);
    window.heard();
    c.complete(new MessageIdImpl(7, 2, -1), null);
    assertThat(rings).hasValue(2);
  }

  @Test
  void aDuplicateTheTargetDroppedSettlesWithoutATargetPosition() {
    InFlight a = sent(0, 10);
    window.sent(a);
    a.complete(new MessageIdImpl(-1, -1, -1), null);
    window.settle(settlement);
    assertThat(settled).containsExactly(a.source);
    assertThat(a.duplicate()).isTrue();
    assertThat(a.targetId()).isNull();
  }

  @Test
  void refusesRoomAtEitherLimitAndGivesItBackAsSlotsSettle() {
    InFlight a = sent(0, 10);
    InFlight b = sent(1, 10);
    window.sent(a);
    window.sent(b);
    assertThat(window.hasRoom()).isTrue();
    window.sent(sent(2, 10));
    assertThat(window.hasRoom()).as("three messages").isFalse();
    a.complete(new MessageIdImpl(7, 0, -1), null);
    window.settle(settlement);
    assertThat(window.hasRoom()).isTrue();

    InFlightWindow bytes = new InFlightWindow(100, 1_000, () -> {});
    bytes.sent(sent(0, 1_500));
    assertThat(bytes.hasRoom()).as("one slot over the bytes limit went alone").isFalse();
  }

  @Test
  void aCheckpointTakesTheSettledPointOnlyOnce() {
    InFlight a = sent(0, 10);
    window.sent(a);
    a.complete(new MessageIdImpl(7, 0, -1), null);
    window.settle(settlement);
    InFlight point = window.checkpointable().orElseThrow();
    window.checkpointed(point);
    assertThat(window.checkpointable()).isEmpty();

    InFlight b = sent(1, 10);
    window.sent(b);
    window.checkpointed(point); // a late call for an older point changes nothing
    b.complete(new MessageIdImpl(7, 1, -1), null);
    window.settle(settlement);
    assertThat(window.checkpointable()).containsSame(b);
  }
}
