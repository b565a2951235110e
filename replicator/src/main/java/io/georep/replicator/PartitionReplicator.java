package io.georep.replicator;

import io.georep.config.StartPosition;
import io.georep.state.Checkpoint;
import io.georep.state.CheckpointStore;
import io.georep.state.Position;
import io.georep.state.SourcePartition;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.api.TypedMessageBuilder;

/**
 * Forwards one source partition to one target partition.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>A source message is acknowledged on the source cursor only after the target acknowledged it
 *       and its checkpoint was written: the cursor never runs ahead of the target.
 *   <li>Messages leave in source order and their acknowledgements are applied in that order (the
 *       {@code inFlight} queue); a checkpoint names the last message whose own send and every
 *       earlier send succeeded.
 *   <li>Anything at or below the highest position already taken in this incarnation (or the
 *       checkpoint, at start) is a redelivery and is skipped, so a broker-side redelivery after a
 *       reconnect does not duplicate.
 *   <li>A send failure is never retried alone (a later message may already be persisted): the whole
 *       pipeline closes and the actor restarts with backoff from the checkpoint.
 * </ul>
 *
 * <p>Phases: {@code starting()} (subscribe, then create the producer) → {@code active()} → {@code
 * draining()} (stop reading, finish in-flight sends, write the checkpoint) or {@code failing()}
 * (close, then throw to the supervisor).
 */
public final class PartitionReplicator {

  /** What one replicator needs to know; immutable. */
  public record Settings(
      String link,
      String sourceCluster,
      String targetCluster,
      String sourceTopic,
      String targetTopic,
      StartPosition startAt,
      int maxInFlightMessages,
      long maxInFlightBytes,
      Duration checkpointInterval) {

    String subscription() {
      return "georep-" + link;
    }

    /** Stable per (link, source partition): the target's deduplication keys on it. */
    String producerName() {
      return "georep-"
          + link
          + "-"
          + sourceCluster
          + "-"
          + sourceTopic.replaceFirst("^\\w+://", "");
    }
  }

  /** What the replicator talks to; shared, thread-safe. */
  public record Resources(
      PulsarClient source,
      PulsarClient target,
      CheckpointStore checkpoints,
      PartitionReplicatorMetrics metrics) {}

  /** The protocol. */
  public sealed interface Command {}

  /** Stop reading, let in-flight sends finish, write the checkpoint, then stop. */
  public enum Drain implements Command {
    INSTANCE
  }

  private record Subscribed(Object epoch, Consumer<byte[]> consumer, Throwable failure)
      implements Command {}

  private record ProducerReady(Object epoch, Producer<byte[]> producer, Throwable failure)
      implements Command {}

  private record Received(Object epoch, Message<byte[]> message, Throwable failure)
      implements Command {}

  private record Sent(Object epoch, InFlight entry, MessageId targetId, Throwable failure)
      implements Command {}

  private record Closed(Object epoch, Throwable cause) implements Command {}

  private enum FlushTick implements Command {
    INSTANCE
  }

  private enum DrainTimeout implements Command {
    INSTANCE
  }

  /** A message taken from the source and not yet settled. */
  private static final class InFlight {
    final MessageId sourceId;
    final long publishTime;
    final int size;
    final boolean forwarded;
    MessageId targetId;
    boolean done;

    InFlight(MessageId sourceId, long publishTime, int size, boolean forwarded) {
      this.sourceId = sourceId;
      this.publishTime = publishTime;
      this.size = size;
      this.forwarded = forwarded;
    }
  }

  public static Behavior<Command> create(Settings settings, Resources resources) {
    Behavior<Command> behavior =
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers ->
                        new PartitionReplicator(ctx, timers, settings, resources).starting()));
    return Behaviors.supervise(behavior)
        .onFailure(
            PartitionReplicationException.class,
            SupervisorStrategy.restartWithBackoff(
                    Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2)
                .withResetBackoffAfter(Duration.ofMinutes(2)));
  }

  private static final int DRAIN_BATCH = 1000;
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Settings settings;
  private final Resources resources;
  private final PartitionReplicatorMetrics metrics;
  private final SourcePartition key;
  // Replies from futures of an earlier incarnation carry another epoch and are ignored.
  private final Object epoch = new Object();

  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private long inFlightBytes;
  private boolean receiving;
  private Consumer<byte[]> consumer;
  private Producer<byte[]> producer;

  private Position highestTaken; // null: nothing taken and no checkpoint
  private Checkpoint lastFlushed; // null: no checkpoint yet
  private InFlight lastAcked; // settled since the last flush, null if none
  private long forwardedCount;
  private long targetLastSequenceId = -1;

  private PartitionReplicator(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Settings settings,
      Resources resources) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.resources = resources;
    this.metrics = resources.metrics();
    this.key = new SourcePartition(settings.link(), settings.sourceTopic());
  }

  // ---- starting ----------------------------------------------------------------------------

  private Behavior<Command> starting() {
    metrics.state(TopicState.STARTING);
    lastFlushed = resources.checkpoints().get(key).orElse(null);
    if (lastFlushed != null) {
      highestTaken = lastFlushed.source();
      forwardedCount = lastFlushed.forwardedCount();
    }
    boolean fromEarliest = !(settings.startAt() instanceof StartPosition.Latest);
    CompletableFuture<Consumer<byte[]>> subscribe =
        resources
            .source()
            .newConsumer(Schema.BYTES)
            .topic(settings.sourceTopic())
            .subscriptionName(settings.subscription())
            .subscriptionType(SubscriptionType.Failover)
            .subscriptionInitialPosition(
                fromEarliest
                    ? SubscriptionInitialPosition.Earliest
                    : SubscriptionInitialPosition.Latest)
            .receiverQueueSize(Math.min(1000, Math.max(10, settings.maxInFlightMessages())))
            .acknowledgmentGroupTime(100, TimeUnit.MILLISECONDS)
            .subscribeAsync();
    if (settings.startAt() instanceof StartPosition.AtTimestamp at && lastFlushed == null) {
      // Only a link without a checkpoint starts at the timestamp; later starts resume.
      subscribe =
          subscribe.thenCompose(c -> c.seekAsync(at.at().toEpochMilli()).thenApply(ignored -> c));
    }
    context.pipeToSelf(subscribe, (c, err) -> new Subscribed(epoch, c, err));
    return Behaviors.receive(Command.class)
        .onMessage(Subscribed.class, this::onSubscribed)
        .onMessage(ProducerReady.class, this::onProducerReady)
        .onMessageEquals(Drain.INSTANCE, this::closeAndStop)
        .onSignal(PreRestart.class, s -> onStopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private Behavior<Command> onSubscribed(Subscribed msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    if (msg.failure() != null) {
      return fail("subscribe", msg.failure());
    }
    consumer = msg.consumer();
    context.pipeToSelf(
        resources
            .target()
            .newProducer(Schema.BYTES)
            .topic(settings.targetTopic())
            .producerName(settings.producerName())
            .enableBatching(true)
            .batchingMaxPublishDelay(1, TimeUnit.MILLISECONDS)
            .batchingMaxMessages(1000)
            .blockIfQueueFull(false)
            .maxPendingMessages(0)
            .sendTimeout(30, TimeUnit.SECONDS)
            .createAsync(),
        (p, err) -> new ProducerReady(epoch, p, err));
    return Behaviors.same();
  }

  private Behavior<Command> onProducerReady(ProducerReady msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    if (msg.failure() != null) {
      return fail("producer", msg.failure());
    }
    producer = msg.producer();
    // -1 unless the target deduplicates; then the highest sequence id it persisted for us.
    targetLastSequenceId = producer.getLastSequenceId();
    if (lastFlushed != null
        && targetLastSequenceId >= 0
        && targetLastSequenceId < lastFlushed.sequenceId()) {
      context
          .getLog()
          .warn(
              "{}: the target's deduplication state ({}) is behind georep's checkpoint ({}): the"
                  + " target topic was recreated or its state expired; checkpointed messages are"
                  + " not sent again",
              settings.targetTopic(),
              targetLastSequenceId,
              lastFlushed.sequenceId());
    }
    metrics.state(TopicState.RUNNING);
    timers.startTimerWithFixedDelay(FlushTick.INSTANCE, settings.checkpointInterval());
    requestMore();
    return active();
  }

  // ---- active ------------------------------------------------------------------------------

  private Behavior<Command> active() {
    return Behaviors.receive(Command.class)
        .onMessage(Received.class, this::onReceived)
        .onMessage(Sent.class, this::onSent)
        .onMessageEquals(FlushTick.INSTANCE, this::onFlushTick)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onSignal(PreRestart.class, s -> onStopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private boolean hasRoom() {
    return inFlight.size() < settings.maxInFlightMessages()
        && inFlightBytes < settings.maxInFlightBytes();
  }

  private void requestMore() {
    if (!receiving && hasRoom()) {
      receiving = true;
      metrics.caughtUp(inFlight.isEmpty());
      context.pipeToSelf(consumer.receiveAsync(), (m, err) -> new Received(epoch, m, err));
    }
  }

  private Behavior<Command> onReceived(Received msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    receiving = false;
    metrics.caughtUp(false);
    if (msg.failure() != null) {
      return fail("receive", msg.failure());
    }
    try {
      take(msg.message());
      // Whatever the consumer already holds is taken without another round trip through the
      // mailbox; receive(0) never waits.
      for (int i = 0; i < DRAIN_BATCH && hasRoom(); i++) {
        Message<byte[]> next = consumer.receive(0, TimeUnit.MILLISECONDS);
        if (next == null) {
          break;
        }
        take(next);
      }
    } catch (PulsarClientException e) {
      return fail("receive", e);
    } catch (SequenceIds.SequenceIdOverflowException e) {
      return fail("sequence-id", e);
    }
    metrics.inFlight(inFlight.size());
    requestMore();
    return Behaviors.same();
  }

  private void take(Message<byte[]> message) {
    MessageId sourceId = message.getMessageId();
    Position position = Positions.of(sourceId);
    if (highestTaken != null && position.compareTo(highestTaken) <= 0) {
      metrics.replaySkipped();
      return;
    }
    long sequenceId = SequenceIds.of(position);
    highestTaken = position;
    if (sequenceId <= targetLastSequenceId) {
      // The target persisted it already (its deduplication state says so): sending it again
      // next to new messages would get the whole batch dropped.
      metrics.replaySkipped();
      settle(new InFlight(sourceId, message.getPublishTime(), 0, false));
      return;
    }
    String origin = message.getProperty(Provenance.ORIGIN_CLUSTER);
    if (settings.targetCluster().equals(origin)) {
      // Came from the target in the first place: forwarding it would loop.
      settle(new InFlight(sourceId, message.getPublishTime(), 0, false));
      return;
    }
    byte[] payload = message.getData();
    InFlight entry = new InFlight(sourceId, message.getPublishTime(), payload.length, true);
    inFlight.addLast(entry);
    inFlightBytes += payload.length;
    context.pipeToSelf(
        toTarget(message, payload, origin).sequenceId(sequenceId).sendAsync(),
        (id, err) -> new Sent(epoch, entry, id, err));
  }

  private TypedMessageBuilder<byte[]> toTarget(
      Message<byte[]> message, byte[] payload, String origin) {
    TypedMessageBuilder<byte[]> out = producer.newMessage().value(payload);
    if (message.hasBase64EncodedKey()) {
      out.keyBytes(message.getKeyBytes());
    } else if (message.hasKey()) {
      out.key(message.getKey());
    }
    if (message.hasOrderingKey()) {
      out.orderingKey(message.getOrderingKey());
    }
    if (message.getEventTime() > 0) {
      out.eventTime(message.getEventTime());
    }
    Map<String, String> properties = message.getProperties();
    if (!properties.isEmpty()) {
      out.properties(properties);
    }
    if (origin == null) {
      out.property(Provenance.ORIGIN_CLUSTER, settings.sourceCluster());
    }
    out.property(Provenance.SOURCE_CLUSTER, settings.sourceCluster());
    out.property(Provenance.SOURCE_TOPIC, settings.sourceTopic());
    out.property(Provenance.SOURCE_MESSAGE_ID, Positions.format(message.getMessageId()));
    out.property(Provenance.SOURCE_PUBLISH_TIME, Long.toString(message.getPublishTime()));
    return out;
  }

  private Behavior<Command> onSent(Sent msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    if (msg.failure() != null) {
      return fail("send", msg.failure());
    }
    msg.entry().targetId = msg.targetId();
    msg.entry().done = true;
    settleHead();
    metrics.inFlight(inFlight.size());
    requestMore();
    // Waiting on an empty consumer with nothing in flight: nothing is left to replicate.
    metrics.caughtUp(receiving && inFlight.isEmpty());
    return Behaviors.same();
  }

  /** A filtered message settles at once, but only in its place in the order. */
  private void settle(InFlight entry) {
    entry.done = true;
    inFlight.addLast(entry);
    settleHead();
  }

  private void settleHead() {
    while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
      InFlight head = inFlight.removeFirst();
      inFlightBytes -= head.size;
      if (head.forwarded) {
        forwardedCount++;
        metrics.forwarded(1, head.size, head.publishTime, Positions.format(head.sourceId));
        lastAcked = head;
      } else {
        // Filtered: the cursor may pass it; the target position stays that of the last forward.
        lastAcked = head;
      }
    }
  }

  private Behavior<Command> onFlushTick() {
    flush();
    return Behaviors.same();
  }

  /** Writes the checkpoint, then moves the source cursor to it. */
  private void flush() {
    if (lastAcked == null) {
      return;
    }
    InFlight acked = lastAcked;
    lastAcked = null;
    Position target =
        acked.targetId != null
            ? Positions.of(acked.targetId)
            : lastFlushed != null ? lastFlushed.target() : null;
    if (target == null) {
      // Only filtered messages so far: nothing on the target to point at, but the cursor may
      // pass them (a replay filters them again).
      if (consumer != null) {
        consumer.acknowledgeCumulativeAsync(acked.sourceId);
      }
      return;
    }
    Checkpoint checkpoint =
        new Checkpoint(
            Positions.of(acked.sourceId),
            SequenceIds.of(Positions.of(acked.sourceId)),
            target,
            acked.publishTime,
            forwardedCount,
            System.currentTimeMillis());
    long start = System.nanoTime();
    resources.checkpoints().putAll(Map.of(key, checkpoint));
    metrics.checkpointWrite().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    lastFlushed = checkpoint;
    if (consumer != null) {
      consumer.acknowledgeCumulativeAsync(acked.sourceId);
    }
  }

  // ---- draining ----------------------------------------------------------------------------

  private Behavior<Command> onDrain() {
    metrics.state(TopicState.DRAINING);
    if (inFlight.isEmpty()) {
      return closeAndStop();
    }
    timers.startSingleTimer(DrainTimeout.INSTANCE, DRAIN_LIMIT);
    return Behaviors.receive(Command.class)
        .onMessage(Received.class, this::onReceivedWhileDraining)
        .onMessage(Sent.class, this::onSentWhileDraining)
        .onMessageEquals(FlushTick.INSTANCE, this::onFlushTick)
        .onMessageEquals(DrainTimeout.INSTANCE, this::closeAndStop)
        .onSignal(PreRestart.class, s -> onStopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private Behavior<Command> onReceivedWhileDraining(Received msg) {
    // Taken from the consumer but not forwarded: it stays unacknowledged on the source.
    receiving = false;
    return Behaviors.same();
  }

  private Behavior<Command> onSentWhileDraining(Sent msg) {
    Behavior<Command> next = onSent(msg);
    if (next != Behaviors.<Command>same()) {
      return next;
    }
    return inFlight.isEmpty() ? closeAndStop() : Behaviors.same();
  }

  private Behavior<Command> closeAndStop() {
    flush();
    timers.cancelAll();
    context.pipeToSelf(closeClients(), (ok, err) -> new Closed(epoch, null));
    return Behaviors.receive(Command.class)
        .onMessage(Closed.class, msg -> stopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private Behavior<Command> stopped() {
    metrics.state(TopicState.STOPPED);
    metrics.inFlight(0);
    return Behaviors.stopped();
  }

  // ---- failing -----------------------------------------------------------------------------

  /**
   * Records the error, keeps what the target acknowledged, closes the pipeline and only then
   * throws: the supervisor's restart finds the producer name free again.
   */
  private Behavior<Command> fail(String kind, Throwable cause) {
    Throwable root =
        cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null
            ? cause.getCause()
            : cause;
    metrics.error(kind, describe(root));
    context
        .getLog()
        .warn(
            "{} -> {}: {} failed: {}",
            settings.sourceTopic(),
            settings.targetTopic(),
            kind,
            describe(root));
    flush();
    timers.cancelAll();
    context.pipeToSelf(closeClients(), (ok, err) -> new Closed(epoch, root));
    return Behaviors.receive(Command.class)
        .onMessage(
            Closed.class,
            msg -> {
              metrics.restarted();
              throw new PartitionReplicationException(
                  settings.sourceTopic() + ": " + kind + " failed", msg.cause());
            })
        .onMessageEquals(Drain.INSTANCE, () -> stopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private CompletableFuture<Void> closeClients() {
    CompletableFuture<Void> producerClosed =
        producer == null ? CompletableFuture.completedFuture(null) : producer.closeAsync();
    CompletableFuture<Void> consumerClosed =
        consumer == null ? CompletableFuture.completedFuture(null) : consumer.closeAsync();
    producer = null;
    consumer = null;
    return CompletableFuture.allOf(producerClosed, consumerClosed)
        .orTimeout(10, TimeUnit.SECONDS)
        .exceptionally(err -> null);
  }

  private Behavior<Command> onStopped() {
    // Last resort when stopped from outside: release the broker-side producer and consumer.
    if (producer != null || consumer != null) {
      closeClients();
    }
    return Behaviors.same();
  }
}
