package io.georep.replicator;

import io.georep.state.Position;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;

/**
 * A message, or a whole entry, taken from the source and not yet settled: one slot of an {@link
 * InFlightWindow}. Made by the actor; completed by the client's thread through {@link #complete}.
 */
class InFlight {
  final MessageId sourceId;
  final Position source; // of the message; of an entry's last message
  final long publishTime;
  final int size;
  final int messages; // 1, or an entry's
  final boolean forwarded;
  final int route; // index of the producer it went through
  final boolean sequenced;
  final long sequenceId; // the id it was numbered with; meaningful only where `sequenced`
  final boolean batch; // an entry that went whole as a batch: its messages keep their indexes
  boolean holdsBudget; // counts against the link's in-flight budget
  boolean done; // settled by the actor
  private InFlightWindow window; // set when sent

  // Written by the client's thread before `completed`; read by the actor after it sees `completed`.
  private MessageId targetId; // null until acknowledged, and where the target dropped a duplicate
  private boolean duplicate;
  private Throwable failure;
  private volatile boolean completed;

  private InFlight(
      MessageId sourceId,
      Position source,
      long publishTime,
      int size,
      int messages,
      boolean forwarded,
      int route,
      boolean sequenced,
      long sequenceId,
      boolean batch) {
    this.sourceId = sourceId;
    this.source = source;
    this.publishTime = publishTime;
    this.size = size;
    this.messages = messages;
    this.forwarded = forwarded;
    this.route = route;
    this.sequenced = sequenced;
    this.sequenceId = sequenceId;
    this.batch = batch;
  }

  /** Goes to the target: {@code size} bytes of {@code messages}, numbered {@code sequenceId}. */
  static InFlight sent(
      MessageId sourceId,
      Position source,
      long publishTime,
      int size,
      int messages,
      int route,
      long sequenceId,
      boolean batch) {
    return new InFlight(
        sourceId, source, publishTime, size, messages, true, route, true, sequenceId, batch);
  }

  /** Not sent: the loop prevention filtered it. */
  static InFlight filtered(MessageId sourceId, Position source, long publishTime, int messages) {
    return new InFlight(sourceId, source, publishTime, 0, messages, false, 0, false, -1, false);
  }

  /** Not sent: the target's deduplication state says it holds it, as {@code sequenceId}. */
  static InFlight onTarget(
      MessageId sourceId, Position source, long publishTime, int messages, long sequenceId) {
    return new InFlight(
        sourceId, source, publishTime, 0, messages, false, 0, true, sequenceId, false);
  }

  void sentThrough(InFlightWindow window) {
    this.window = window;
  }

  /**
   * The target answered (on the client's thread): stored at {@code targetId}, or failed. A target
   * id without a ledger means the target's deduplication discarded it as a message it holds.
   */
  void complete(MessageId targetId, Throwable failure) {
    if (targetId instanceof MessageIdAdv adv && adv.getLedgerId() < 0) {
      this.duplicate = true;
      this.targetId = null;
    } else {
      this.targetId = targetId;
    }
    this.failure = failure;
    completed = true;
    window.completed(failure != null);
  }

  boolean completed() {
    return completed;
  }

  /** Where the target stored it; null where it is not stored by this send. Read once completed. */
  MessageId targetId() {
    return targetId;
  }

  /** The target discarded it as a duplicate of what it holds. Read once completed. */
  boolean duplicate() {
    return duplicate;
  }

  /** Why the send failed; null if it did not. Read once completed. */
  Throwable failure() {
    return failure;
  }
}
