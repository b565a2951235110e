package io.georep.replicator;

import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * What a partition takes from its source, and when: one receive at a time, then what the source
 * already holds, while there is room in the {@link InFlightWindow} and nothing halts it. An item
 * the {@link Gates} cannot let go yet is held, and nothing after it is taken until it went: order
 * holds. Used from the partition's actor only.
 */
final class Intake<T> {

  /** Why nothing is taken now; several may hold at once. */
  enum Halt {
    /** The link is paused: what is in flight completes, nothing more is read. */
    PAUSED,
    /** The state store refused a write: nothing is sent that could not be checkpointed. */
    STATE_REFUSED,
    /** The source failed, or the partition drains: what is in flight settles, then it closes. */
    CLOSING
  }

  /** The most items taken in one go, without a round trip through the actor's mailbox. */
  private static final int BATCH = 1000;

  private final Gates<T> gates;
  private final PartitionSource<T> source;
  private final InFlightWindow window;
  private final EnumSet<Halt> halts = EnumSet.noneOf(Halt.class);
  private T held; // null: none
  private boolean receiving;

  Intake(Gates<T> gates, InFlightWindow window) {
    this.gates = gates;
    this.source = gates.pipeline().source();
    this.window = window;
  }

  Gates<T> gates() {
    return gates;
  }

  void halt(Halt halt) {
    halts.add(halt);
  }

  /** Lifts {@code halt}; true if it was in force. */
  boolean lift(Halt halt) {
    return halts.remove(halt);
  }

  boolean halted(Halt halt) {
    return halts.contains(halt);
  }

  boolean holding() {
    return held != null;
  }

  /** Whether a receive is under way. */
  boolean receiving() {
    return receiving;
  }

  private boolean hasRoom() {
    return halts.isEmpty() && held == null && window.hasRoom();
  }

  /** The receive to start now: where there is room and none is under way. */
  Optional<CompletableFuture<T>> receive() {
    if (receiving || !hasRoom()) {
      return Optional.empty();
    }
    receiving = true;
    return Optional.of(source.receive());
  }

  /** The receive under way completed, with an item or a failure. */
  void received() {
    receiving = false;
  }

  /**
   * Takes {@code first}, then whatever the source already holds, while there is room. Where the
   * partition is paused or the store refuses writes, {@code first} is held with the rest.
   *
   * @throws PulsarClientException if the source fails
   */
  void take(T first) throws PulsarClientException {
    if (halted(Halt.PAUSED) || halted(Halt.STATE_REFUSED)) {
      held = first;
      return;
    }
    if (!gates.take(first)) {
      held = first;
    }
    for (int i = 0; i < BATCH && hasRoom(); i++) {
      T next = source.poll();
      if (next == null) {
        break;
      }
      if (!gates.take(next)) {
        held = next;
      }
    }
  }

  /** Offers the held item again, if one is held (then what follows it). */
  void retryHeld() throws PulsarClientException {
    T item = held;
    held = null;
    if (item != null) {
      take(item);
    }
  }

  /** Lets go of the held item: the pipeline closes. */
  void releaseHeld() {
    if (held != null) {
      gates.pipeline().forwarder().release(held);
      held = null;
    }
  }
}
