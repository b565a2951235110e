package io.georep.replicator;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one partition took from the source and has not settled yet, in source order, and what of it
 * may be checkpointed.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li><b>Order.</b> Slots settle in the order they were added, which is the source order: a slot
 *       settles only once it and every slot before it are done (sent and acknowledged, or not sent
 *       at all: filtered, or already on the target).
 *   <li><b>What may be checkpointed.</b> {@link #checkpointable} is the last slot settled, so a
 *       checkpoint names a position whose own send and every earlier send succeeded. A failed slot
 *       never settles, nor does anything after it: the checkpoint stays before it.
 *   <li><b>Bounds.</b> {@link #messages} and {@link #bytes} are the sums over the unsettled slots;
 *       {@link #hasRoom} refuses more once either reaches its limit (the slot that crosses it is
 *       let in: an entry larger than the bytes limit must still be able to go alone).
 *   <li><b>Completions.</b> The client's threads only mark slots complete ({@link
 *       InFlight#complete}); the first completion after the owner last {@link #heard} them rings
 *       once, so a target batch acknowledging a thousand sends costs one message to the actor. All
 *       other methods are for the owner's thread.
 * </ul>
 */
final class InFlightWindow {

  /** Hears each slot that settles, in order. */
  interface Settlement {
    /** {@code slot} settled: it left the window. */
    void settled(InFlight slot);

    /**
     * One call per {@link #settle}: {@code messages} and {@code bytes} forwarded in it, the last of
     * them {@code last}. Not called where nothing forwarded settled.
     */
    void forwarded(int messages, long bytes, InFlight last);
  }

  private final ArrayDeque<InFlight> slots = new ArrayDeque<>();
  private final int maxMessages;
  private final long maxBytes;
  private final Runnable ring;
  private final AtomicBoolean rung = new AtomicBoolean();
  private volatile boolean failed;
  private int messages;
  private long bytes;
  private InFlight checkpointable; // settled since the last checkpoint was taken

  /**
   * A window of at most {@code maxMessages} and {@code maxBytes}; {@code ring} runs on a client
   * thread when sends completed and the owner has not heard of it yet.
   */
  InFlightWindow(int maxMessages, long maxBytes, Runnable ring) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.ring = ring;
  }

  boolean hasRoom() {
    return messages < maxMessages && bytes < maxBytes;
  }

  boolean isEmpty() {
    return slots.isEmpty();
  }

  int messages() {
    return messages;
  }

  long bytes() {
    return bytes;
  }

  /** {@code slot} was handed to a producer: it settles once it completes, in its place. */
  void sent(InFlight slot) {
    slot.sentThrough(this);
    add(slot);
  }

  /** {@code slot} was not sent (filtered, or on the target already): it settles in its place. */
  void skipped(InFlight slot, Settlement settlement) {
    slot.done = true;
    add(slot);
    settleHead(settlement);
  }

  private void add(InFlight slot) {
    slots.addLast(slot);
    messages += slot.messages;
    bytes += slot.size;
  }

  /** Called from {@link InFlight#complete}, on a client thread. */
  void completed(boolean withFailure) {
    if (withFailure) {
      failed = true;
    }
    if (rung.compareAndSet(false, true)) {
      ring.run();
    }
  }

  /** The owner is about to look at the slots: a completion from now on rings again. */
  void heard() {
    rung.set(false);
  }

  /** The failure of the first completed send that failed, if one did. */
  Optional<Throwable> failure() {
    if (failed) {
      for (InFlight slot : slots) {
        if (slot.completed() && slot.failure() != null) {
          return Optional.of(slot.failure());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Settles the sends that completed successfully, from the head up to the first that has not
   * completed or failed.
   */
  void settle(Settlement settlement) {
    for (InFlight slot : slots) {
      if (slot.done) {
        continue;
      }
      if (!slot.completed() || slot.failure() != null) {
        break;
      }
      slot.done = true;
    }
    settleHead(settlement);
  }

  private void settleHead(Settlement settlement) {
    int settledMessages = 0;
    long settledBytes = 0;
    InFlight lastForwarded = null;
    while (!slots.isEmpty() && slots.peekFirst().done) {
      InFlight head = slots.removeFirst();
      messages -= head.messages;
      bytes -= head.size;
      if (head.forwarded) {
        settledMessages += head.messages;
        settledBytes += head.size;
        lastForwarded = head;
      }
      settlement.settled(head);
      // A filtered message moves the checkpoint too: the cursor may pass it.
      checkpointable = head;
    }
    if (lastForwarded != null) {
      settlement.forwarded(settledMessages, settledBytes, lastForwarded); // once per run
    }
  }

  /** The last slot settled since {@link #checkpointed}: where a checkpoint may be written. */
  Optional<InFlight> checkpointable() {
    return Optional.ofNullable(checkpointable);
  }

  /** A checkpoint up to {@code slot} was written. */
  void checkpointed(InFlight slot) {
    if (checkpointable == slot) {
      checkpointable = null;
    }
  }

  /**
   * Empties the window of slots that will never settle (the pipeline closes), each handed to {@code
   * abandoned} in order. What settled before stays checkpointable.
   */
  void abandon(java.util.function.Consumer<InFlight> abandoned) {
    slots.forEach(abandoned);
    slots.clear();
    messages = 0;
    bytes = 0;
  }
}
