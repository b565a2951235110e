package io.georep.replicator;

import io.georep.state.Position;
import io.georep.state.StateStoreException;
import java.util.List;
import java.util.Optional;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Schema;

/**
 * Decides, for each item a partition takes from its source, whether and when it goes to the target,
 * written once for messages and entries (what differs is in their {@link Forwarder}). In order, an
 * item is:
 *
 * <ol>
 *   <li>a <b>replay</b>, skipped: at or below the highest position taken (or the checkpoint, at
 *       start), unless the source must first be checked to be the one the checkpoint came from;
 *   <li>sent <b>message by message</b> where its forwarder says so, each message through these
 *       gates on its own;
 *   <li>a <b>loop</b>, filtered: its origin is the target;
 *   <li><b>on the target</b> already, skipped: its sequence id is at or below what the target's
 *       deduplication holds of that producer;
 *   <li>held for its <b>schema</b>, until fetched from the source's registry;
 *   <li>held by the link's <b>flow control</b> (in-flight budget, rate limit), until it says go;
 *   <li>else sent, into the {@link InFlightWindow}.
 * </ol>
 *
 * <p>A held item changed nothing: the caller keeps it and offers it again, and takes nothing after
 * it meanwhile, so order holds. Skipped and filtered items settle in their place in the window, so
 * the checkpoint may pass them. Used from the partition's actor only.
 */
final class Gates<T> implements InFlightWindow.Settlement {

  /** What the partition's actor does for an item that must wait. */
  interface Waits {
    /** The item waits for this source schema version to be fetched. */
    void fetchSchema(byte[] version);

    /** The link's flow control says try again in {@code nanos}. */
    void retryIn(long nanos);

    /**
     * Ask whether the source is still the one the checkpoint at {@code checkpoint} came from;
     * answered through {@link Gates#sourceVerified}.
     */
    void verifySource(Position checkpoint);

    /** The state store refused to save the anchors the item's sequence id needs. */
    void stateRefused(StateStoreException e);

    /** The item jumped past the successor of the one before: the source may have a gap. */
    void gapSuspected();
  }

  private final Pipeline<T> pipeline;
  private final String targetCluster;
  private final InFlightWindow window;
  private final Sequencer sequencer;
  private final CheckpointWriter checkpoints;
  private final LinkFlowControl flow;
  private final PartitionReplicatorMetrics metrics;
  private final Waits waits;
  private Position highestTaken; // null: nothing taken and no checkpoint
  private SourceCheck sourceCheck = SourceCheck.UNCHECKED;

  /** Whether the source is known to be the one the checkpoint came from (see mustVerifySource). */
  private enum SourceCheck {
    UNCHECKED,
    CHECKING,
    VERIFIED
  }

  Gates(
      Pipeline<T> pipeline,
      String targetCluster,
      InFlightWindow window,
      Sequencer sequencer,
      CheckpointWriter checkpoints,
      LinkFlowControl flow,
      PartitionReplicatorMetrics metrics,
      Waits waits) {
    this.pipeline = pipeline;
    this.targetCluster = targetCluster;
    this.window = window;
    this.sequencer = sequencer;
    this.checkpoints = checkpoints;
    this.flow = flow;
    this.metrics = metrics;
    this.waits = waits;
    this.highestTaken = checkpoints.lastWritten().map(c -> c.source()).orElse(null);
  }

  /** The pipeline whose items these gates decide on. */
  Pipeline<T> pipeline() {
    return pipeline;
  }

  /**
   * Takes one item: skips it, filters it, or sends it. False when it cannot leave yet; then nothing
   * of it was recorded and the caller holds it. An item not sent nor held is released.
   */
  boolean take(T item) {
    pipeline.source().taken(item);
    return pass(pipeline.forwarder(), item);
  }

  private <U> boolean pass(Forwarder<U> forwarder, U item) {
    Position position = forwarder.position(item);
    if (highestTaken != null && position.compareTo(highestTaken) <= 0) {
      if (mustVerifySource(position)) {
        return false;
      }
      metrics.replaySkipped();
      checkpoints.replayed(forwarder.sourceId(item), position, pipeline.source());
      forwarder.release(item);
      return true;
    }
    Optional<List<Message<byte[]>>> oneByOne;
    try {
      oneByOne = forwarder.messagesToSendOneByOne(item, highestTaken);
      if (oneByOne.isPresent()) {
        // Each is checked for loops on its own and re-produced with its own provenance. Where one
        // cannot leave yet, the whole item is held and taken again from its start (what was
        // taken of it is then skipped as a replay).
        for (Message<byte[]> message : oneByOne.get()) {
          if (!pass(pipeline.messages(), message)) {
            return false;
          }
        }
        forwarder.release(item);
        return true;
      }
    } catch (RuntimeException e) {
      forwarder.release(item); // not held: the pipeline fails
      throw e;
    }
    long publishTime = forwarder.publishTime(item);
    int messages = forwarder.messages(item);
    String origin = forwarder.origin(item);
    if (targetCluster.equals(origin)) {
      // Came from the target in the first place: forwarding it would loop.
      noteTaken(position);
      forwarder.release(item);
      window.skipped(
          InFlight.filtered(forwarder.sourceId(item), position, publishTime, messages), this);
      return true;
    }
    int route = forwarder.route(item, position);
    long sequenceId;
    try {
      sequenceId = sequencer.number(position, forwarder.batchSize(item));
    } catch (StateStoreException e) {
      waits.stateRefused(e); // held until the store takes writes again
      return false;
    } catch (RuntimeException e) {
      forwarder.release(item); // not sent, not held: the pipeline fails
      throw e;
    }
    if (sequencer.onTarget(route, sequenceId)) {
      // The target persisted it already (its deduplication state says so): sending it again
      // next to new messages would get the whole batch dropped.
      noteTaken(position);
      metrics.replaySkipped();
      forwarder.release(item);
      window.skipped(
          InFlight.onTarget(forwarder.sourceId(item), position, publishTime, messages, sequenceId),
          this);
      return true;
    }
    Schema<byte[]> schema = Schema.BYTES; // none: the producer's own
    byte[] version = forwarder.schemaVersion(item);
    if (version != null) {
      schema = pipeline.schemas().cached(version);
      if (schema == null) {
        waits.fetchSchema(version);
        return false;
      }
    }
    int size = forwarder.size(item);
    long wait = flow.tryAcquire(messages, size);
    if (wait > 0) {
      waits.retryIn(wait);
      return false;
    }
    noteTaken(position);
    InFlight slot =
        InFlight.sent(
            forwarder.sourceId(item),
            position,
            publishTime,
            size,
            messages,
            route,
            sequenceId,
            forwarder.goesAsBatch(item));
    slot.holdsBudget = true;
    window.sent(slot);
    forwarder.send(item, slot, schema, origin);
    return true;
  }

  /**
   * Whether a replay at {@code position} must wait until the source is known to be the one the
   * checkpoint came from: a message from a ledger older than the checkpoint's is either an old
   * message redelivered (the cursor lagged the checkpoint) or a new one on a source that was
   * rebuilt, whose ledger ids started again from below. Skipping the latter would lose it silently,
   * so the source is checked once.
   */
  private boolean mustVerifySource(Position position) {
    if (sourceCheck == SourceCheck.VERIFIED) {
      return false;
    }
    Optional<Position> checkpoint = checkpoints.lastWritten().map(c -> c.source());
    if (checkpoint.isEmpty() || position.ledgerId() >= checkpoint.get().ledgerId()) {
      return false;
    }
    if (sourceCheck == SourceCheck.UNCHECKED) {
      sourceCheck = SourceCheck.CHECKING;
      waits.verifySource(checkpoint.get());
    }
    return true;
  }

  /**
   * The source was checked: {@code rebuilt}, its positions start again and nothing of it was taken
   * yet, else it is the one the checkpoint came from.
   */
  void sourceVerified(boolean rebuilt) {
    sourceCheck = SourceCheck.VERIFIED;
    if (rebuilt) {
      highestTaken = null;
    }
  }

  /** Records the highest position taken; a jump past its successor may be a gap in the source. */
  private void noteTaken(Position position) {
    Position previous = highestTaken;
    highestTaken = position;
    if (previous != null
        && (position.ledgerId() != previous.ledgerId()
            || position.entryId() > previous.entryId() + 1)) {
      waits.gapSuspected();
    }
  }

  @Override
  public void settled(InFlight slot) {
    releaseBudget(slot);
    checkpoints.settled(slot);
  }

  @Override
  public void forwarded(int messages, long bytes, InFlight last) {
    metrics.forwarded(messages, bytes, last.publishTime, last.source);
  }

  /** Settles what completed, in order. */
  void settle() {
    window.settle(this);
  }

  /** Gives the link's budget back for sends that will never settle (the pipeline closes). */
  void abandon() {
    window.abandon(
        slot -> {
          releaseBudget(slot);
          if (slot.forwarded && !slot.done) {
            // Sent, fate unknown: it goes again from the checkpoint, a duplicate if it had landed
            // and the target does not deduplicate.
            metrics.resent();
          }
        });
  }

  private void releaseBudget(InFlight slot) {
    if (slot.holdsBudget) {
      slot.holdsBudget = false;
      flow.release(slot.messages, slot.size);
    }
  }
}
