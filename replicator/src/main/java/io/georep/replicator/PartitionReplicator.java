package io.georep.replicator;

import io.georep.config.StartPosition;
import io.georep.state.Checkpoint;
import io.georep.state.CheckpointStore;
import io.georep.state.Position;
import io.georep.state.PositionMap;
import io.georep.state.PositionRunBuilder;
import io.georep.state.SequenceAnchor;
import io.georep.state.SourcePartition;
import io.georep.state.StateStoreException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.client.impl.GeorepEntryConsumer;
import org.apache.pulsar.client.impl.GeorepEntryConsumer.SourceEntry;
import org.apache.pulsar.client.impl.GuardedProducer;
import org.apache.pulsar.client.impl.MessageImpl;
import org.apache.pulsar.client.impl.OpSendMsgStats;
import org.apache.pulsar.client.impl.ProducerImpl;
import org.apache.pulsar.client.impl.SendCallback;
import org.apache.pulsar.client.impl.conf.ProducerConfigurationData;
import org.apache.pulsar.common.api.proto.KeyValue;
import org.apache.pulsar.common.api.proto.MessageMetadata;
import org.apache.pulsar.common.naming.TopicName;
import org.apache.pulsar.common.policies.data.PersistentTopicInternalStats;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.shade.io.netty.buffer.ByteBuf;

/**
 * Forwards one source partition to the target: to the matching target partition, or, when the
 * partition counts differ, to the partition {@link TargetRouting} picks for each message.
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
 *   <li>A message that cannot leave yet (its schema is being fetched, the link's in-flight budget
 *       or rate limit says wait) is held, and nothing after it is taken until it left: order holds.
 * </ul>
 *
 * <p>Phases: {@code starting()} (check the source topic exists, subscribe, create the producers) →
 * {@code active()} → {@code draining()} (stop reading, finish in-flight sends, write the
 * checkpoint) or {@code failing()} (close, then throw to the supervisor).
 */
public final class PartitionReplicator {

  /** What one replicator needs to know; immutable. */
  public record Settings(
      String link,
      String sourceCluster,
      String targetCluster,
      String sourceTopic,
      String targetTopic,
      TargetRouting routing,
      StartPosition startAt,
      int maxInFlightMessages,
      long maxInFlightBytes,
      Duration checkpointInterval,
      Duration checkpointSyncInterval,
      boolean targetDeduplicates,
      boolean forwardEntries) {

    String subscription() {
      return "georep-" + link;
    }

    /**
     * The topic producer {@code index} writes to: {@code targetTopic} itself, or, when routed,
     * partition {@code index} of the partitioned topic {@code targetTopic}.
     */
    String targetTopicOf(int index) {
      return routing.isRouted()
          ? targetTopic + TopicName.PARTITIONED_TOPIC_SUFFIX + routing.partitions()[index]
          : targetTopic;
    }

    /** Stable per (link, source partition): the target's deduplication keys on it. */
    String producerName() {
      return ProducerNames.of(link, sourceCluster, sourceTopic);
    }
  }

  /** What the replicator talks to; shared, thread-safe. */
  public record Resources(
      PulsarClient source,
      PulsarAdmin sourceAdmin,
      SourceListings sourceListings,
      PulsarClient target,
      CheckpointStore checkpoints,
      PositionMap positionMap,
      PartitionReplicatorMetrics metrics,
      LinkFlowControl flow,
      ReceiveQueueBudget receiveQueues,
      GuardedProducer.Watcher targetWatcher,
      java.util.function.BooleanSupplier linkPaused) {}

  /** The protocol. */
  public sealed interface Command {}

  /** Stop reading, let in-flight sends finish, write the checkpoint, then stop. */
  public enum Drain implements Command {
    INSTANCE
  }

  /**
   * Stop taking messages from the source; what is in flight completes and is checkpointed, the
   * producers, the consumer and the state stay. Kept until {@link ResumeReading}.
   */
  public enum PauseReading implements Command {
    INSTANCE
  }

  /** Take messages again after {@link PauseReading}. */
  public enum ResumeReading implements Command {
    INSTANCE
  }

  private record SourceChecked(Object epoch, Boolean exists, Throwable failure)
      implements Command {}

  private record Subscribed(Object epoch, Consumer<byte[]> consumer, Throwable failure)
      implements Command {}

  private record ProducersReady(Object epoch, List<Producer<byte[]>> producers, Throwable failure)
      implements Command {}

  private record SchemaFetched(Object epoch, byte[] version, SchemaInfo info, Throwable failure)
      implements Command {}

  /** The source's internal stats: for the gap check and the position map's pruning. */
  private record SourceStatsRead(
      Object epoch, PersistentTopicInternalStats stats, Throwable failure) implements Command {}

  /** The source's ledgers, asked for when a redelivery came from below the checkpoint's ledger. */
  private record SourceVerified(Object epoch, PersistentTopicInternalStats stats, Throwable failure)
      implements Command {}

  private enum StatsTick implements Command {
    INSTANCE
  }

  private record Received(Object epoch, Message<byte[]> message, Throwable failure)
      implements Command {}

  private record EntryReceived(Object epoch, SourceEntry entry, Throwable failure)
      implements Command {}

  /**
   * Some sends completed: their entries say so. One message for many completions (a target batch
   * acknowledges up to a thousand sends at once), not one per message.
   */
  private record SendsCompleted(Object epoch) implements Command {}

  private record Closed(Object epoch, Throwable cause) implements Command {}

  private enum FlushTick implements Command {
    INSTANCE
  }

  /** Try the held message again (the rate limit or the link's in-flight budget said wait). */
  private enum Resume implements Command {
    INSTANCE
  }

  private enum DrainTimeout implements Command {
    INSTANCE
  }

  /** A message, or a whole entry, taken from the source and not yet settled. */
  private static class InFlight {
    final MessageId sourceId;
    final Position source; // of the message; of an entry's last message
    final long publishTime;
    final int size;
    final int messages; // 1, or an entry's
    final boolean forwarded;
    final int route; // index of the producer it went through
    // The sequence id it was numbered with; meaningful only where `sequenced`.
    long sequenceId;
    boolean sequenced;
    // Written by the client's thread when the send completes, before `completed`; read by the
    // actor after it sees `completed`.
    MessageId targetId; // null until acknowledged, and when the target dropped it as a duplicate
    Throwable failure;
    volatile boolean completed;
    boolean done; // settled by the actor
    boolean holdsBudget; // counts against the link's in-flight budget

    InFlight(
        MessageId sourceId,
        Position source,
        long publishTime,
        int size,
        int messages,
        boolean forwarded,
        int route) {
      this.sourceId = sourceId;
      this.source = source;
      this.publishTime = publishTime;
      this.size = size;
      this.messages = messages;
      this.forwarded = forwarded;
      this.route = route;
    }
  }

  /**
   * A whole source entry sent to the target; the producer calls it back once the target stored it
   * (or the send failed). It holds the entry's payload until then: the outgoing message wraps it.
   */
  private final class EntrySend extends InFlight implements SendCallback {
    final boolean batch;
    private ByteBuf payload;
    private MessageImpl<byte[]> out;
    private long sentNanos;

    EntrySend(SourceEntry entry, Position last, long publishTime, int route) {
      super(
          entry.messageId(),
          last,
          publishTime,
          entry.payload().readableBytes(),
          entry.messageCount(),
          true,
          route);
      this.batch = entry.isBatch();
      this.payload = entry.payload();
    }

    @Override
    public void sendComplete(Throwable e, OpSendMsgStats stats) {
      // Read before the payload goes: the producer set the id on the message it acknowledged.
      targetId = e == null ? out.getMessageId() : null;
      failure = e;
      if (e == null) {
        metrics.stages().acknowledged(sentNanos, System.nanoTime());
      }
      ByteBuf held = payload;
      payload = null;
      if (held != null) {
        held.release();
      }
      if (e != null) {
        sendFailed = true;
      }
      completed = true;
      if (completionsPending.compareAndSet(false, true)) {
        self.tell(new SendsCompleted(epoch));
      }
    }

    @Override
    public void addCallback(MessageImpl<?> msg, SendCallback scb) {}

    @Override
    public SendCallback getNextSendCallback() {
      return null;
    }

    @Override
    public MessageImpl<?> getNextMessage() {
      return null;
    }

    @Override
    public CompletableFuture<MessageId> getFuture() {
      return null;
    }
  }

  public static Behavior<Command> create(Settings settings, Resources resources) {
    // Made outside the supervised setup: it outlives the restarts (see SourceStatsSchedule).
    SourceStatsSchedule statsSchedule = new SourceStatsSchedule(STATS_INTERVAL);
    Behavior<Command> behavior =
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers ->
                        new PartitionReplicator(ctx, timers, settings, resources, statsSchedule)
                            .starting()));
    // A restart with the target still down costs no admin request on the source (the topic's
    // existence comes from the link's listings, the stats are read on their own schedule), so
    // the backoff only paces the target: at most a minute, as Pulsar's clients reconnect.
    return Behaviors.supervise(behavior)
        .onFailure(
            PartitionReplicationException.class,
            SupervisorStrategy.restartWithBackoff(
                    Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2)
                .withResetBackoffAfter(Duration.ofMinutes(2)));
  }

  /** The checkpoint's target position while only filtered messages were taken. */
  static final Position NOTHING_ON_TARGET = new Position(-1, -1, -1);

  private static final int DRAIN_BATCH = 1000;

  /**
   * How often the source's internal stats are read, to check for a gap and to prune the position
   * map to what the source still retains; restarts do not shorten it (see SourceStatsSchedule).
   */
  static final Duration STATS_INTERVAL = Duration.ofMinutes(5);

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
  // Set by the first send completing after the actor last looked; the actor clears it.
  private final AtomicBoolean completionsPending = new AtomicBoolean();
  private volatile boolean sendFailed;
  private final ActorRef<Command> self;
  private long inFlightBytes;
  private boolean receiving;
  private Consumer<byte[]> consumer;
  private GeorepEntryConsumer entryConsumer; // the consumer, when forwarding entries
  private ReceiveQueueSizer receiveQueue;
  private List<Producer<byte[]>> producers = List.of();
  private final SchemaBridge schemas;
  private final TargetRouting routing;
  // Taken from the consumer, not yet sent: waits for a schema, in-flight room or a rate token.
  private Message<byte[]> held;
  private SourceEntry heldEntry;
  private int inFlightMessages;
  private boolean fetchingSchema;
  private final SourceStatsSchedule statsSchedule;
  private boolean readingStats;
  private Position gapReportedUpTo;

  private Position highestTaken; // null: nothing taken and no checkpoint
  private Checkpoint lastFlushed; // null: no checkpoint yet
  private InFlight lastAcked; // settled since the last flush, null if none
  private Position lastTarget; // where the target put the last forwarded message, null if none
  // Source → target positions settled since the last flush; written with the checkpoint.
  private final PositionRunBuilder positionRuns = new PositionRunBuilder();
  private final List<io.georep.state.PositionRun> unwrittenRuns = new ArrayList<>();
  // The state store refused a write: nothing more is taken until a write succeeds again.
  private boolean stateBlocked;
  // The source failed: what is in flight settles, nothing more is taken (failAfterSettling).
  private boolean intakeStopped;
  private long forwardedCount;
  // Per producer: -1 unless the target deduplicates; then the highest sequence id it persisted.
  private long[] targetLastSequenceIds = new long[0];
  // Numbers what is sent; made once the target said what it holds.
  private SequenceNumbering numbering;
  // The highest sequence id sent (or found on the target) up to the last settled message.
  private long lastSentSequenceId = -1;
  private int savedAnchorCount;
  // Set by PauseReading, cleared by ResumeReading; a restart reads the link's flag again.
  private boolean paused;
  private final CursorAcks cursorAcks;
  // Whether the source is known to be the one the checkpoint came from (see verifySource).
  private boolean sourceVerified;
  private boolean verifyingSource;

  private PartitionReplicator(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Settings settings,
      Resources resources,
      SourceStatsSchedule statsSchedule) {
    this.context = context;
    this.statsSchedule = statsSchedule;
    this.timers = timers;
    this.settings = settings;
    this.resources = resources;
    this.metrics = resources.metrics();
    this.key = new SourcePartition(settings.link(), settings.sourceTopic());
    this.schemas = new SchemaBridge(resources.source(), settings.sourceTopic());
    this.routing = settings.routing();
    this.self = context.getSelf();
    this.cursorAcks = new CursorAcks(settings.checkpointSyncInterval(), System::nanoTime);
  }

  // ---- starting ----------------------------------------------------------------------------

  private Behavior<Command> starting() {
    metrics.state(TopicState.STARTING);
    // A restarted pipeline (a new instance) starts paused if the link is.
    paused = resources.linkPaused().getAsBoolean();
    try {
      lastFlushed = resources.checkpoints().get(key).orElse(null);
    } catch (StateStoreException e) {
      // e.g. a corrupt checkpoint, named in the message; retried with backoff, nothing is sent.
      return fail("state", e);
    }
    if (lastFlushed != null) {
      highestTaken = lastFlushed.source();
      lastSentSequenceId = lastFlushed.sequenceId();
      forwardedCount = lastFlushed.forwardedCount();
      lastTarget = lastFlushed.target().equals(NOTHING_ON_TARGET) ? null : lastFlushed.target();
    }
    // Subscribing to a deleted topic would create it again where auto-creation is on. Answered
    // from the link's recent listing of the namespace, not by a listing per (re)start.
    context.pipeToSelf(
        resources.sourceListings().exists(settings.sourceTopic()),
        (exists, err) -> new SourceChecked(epoch, exists, err));
    return Behaviors.receive(Command.class)
        .onMessage(SourceChecked.class, this::onSourceChecked)
        .onMessage(Subscribed.class, this::onSubscribed)
        .onMessage(ProducersReady.class, this::onProducersReady)
        .onMessageEquals(Drain.INSTANCE, this::closeAndStop)
        .onMessageEquals(PauseReading.INSTANCE, this::onPauseReading)
        .onMessageEquals(ResumeReading.INSTANCE, this::onResumeReading)
        .onSignal(PreRestart.class, s -> onStopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private Behavior<Command> onPauseReading() {
    if (!paused) {
      paused = true;
      if (metrics.state() == TopicState.RUNNING) {
        metrics.state(TopicState.PAUSED);
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onResumeReading() {
    if (paused) {
      paused = false;
      if (metrics.state() == TopicState.PAUSED) {
        metrics.state(TopicState.RUNNING);
      }
      if (producers.isEmpty()) {
        return Behaviors.same(); // still starting: active() requests the first messages
      }
      if (held != null || heldEntry != null) {
        self.tell(Resume.INSTANCE);
      }
      requestMore();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onSourceChecked(SourceChecked msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    if (msg.failure() != null) {
      return fail("source-topic", msg.failure());
    }
    if (!msg.exists()) {
      // Deleted on the source: stop for good, keep the checkpoint (the topic may come back).
      metrics.event("source-deleted", settings.sourceTopic() + " no longer exists on the source");
      context.getLog().info("{} was deleted on the source: stopping", settings.sourceTopic());
      return stopped();
    }
    boolean fromEarliest = !(settings.startAt() instanceof StartPosition.Latest);
    SubscriptionInitialPosition initialPosition =
        fromEarliest ? SubscriptionInitialPosition.Earliest : SubscriptionInitialPosition.Latest;
    if (settings.startAt() instanceof StartPosition.AtTimestamp at && lastFlushed == null) {
      // Only a new subscription starts at the timestamp: one that exists on the source already
      // (the local state was lost, or the daemon moved host) resumes where its cursor stands.
      CompletableFuture<Consumer<byte[]>> subscribe =
          resources
              .sourceAdmin()
              .topics()
              .getSubscriptionsAsync(settings.sourceTopic())
              .thenCompose(
                  existing -> {
                    boolean fresh = !existing.contains(settings.subscription());
                    return subscribe(initialPosition)
                        .thenCompose(
                            c ->
                                fresh
                                    ? c.seekAsync(at.at().toEpochMilli()).thenApply(ignored -> c)
                                    : CompletableFuture.completedFuture(c));
                  });
      context.pipeToSelf(subscribe, (c, err) -> new Subscribed(epoch, c, err));
      return Behaviors.same();
    }
    CompletableFuture<Consumer<byte[]>> subscribe = subscribe(initialPosition);
    context.pipeToSelf(subscribe, (c, err) -> new Subscribed(epoch, c, err));
    return Behaviors.same();
  }

  private CompletableFuture<Consumer<byte[]>> subscribe(SubscriptionInitialPosition position) {
    return settings.forwardEntries()
        ? GeorepEntryConsumer.subscribe(
                resources.source(),
                settings.sourceTopic(),
                settings.subscription(),
                SubscriptionType.Failover,
                position,
                100,
                resources.receiveQueues())
            .thenApply(c -> c) // as a Consumer<byte[]>
        : resources
            .source()
            .newConsumer(Schema.BYTES)
            .topic(settings.sourceTopic())
            .subscriptionName(settings.subscription())
            .subscriptionType(SubscriptionType.Failover)
            .subscriptionInitialPosition(position)
            // One permit until the first message shows how the source batches; ReceiveQueueSizer
            // then sizes the queue to its share of the daemon's budget, at most 1,000 messages.
            .receiverQueueSize(1)
            .acknowledgmentGroupTime(100, TimeUnit.MILLISECONDS)
            .subscribeAsync();
  }

  private Behavior<Command> onSubscribed(Subscribed msg) {
    if (msg.epoch() != epoch) {
      // Subscribed for a pipeline that failed since: release it (it holds the subscription, and
      // an entry consumer its share of the receive-queue budget).
      if (msg.consumer() != null) {
        msg.consumer().closeAsync();
      }
      return Behaviors.same();
    }
    if (msg.failure() != null) {
      return fail("subscribe", msg.failure());
    }
    consumer = msg.consumer();
    if (consumer instanceof GeorepEntryConsumer entries) {
      entryConsumer = entries;
    } else {
      receiveQueue = ReceiveQueueSizer.of(consumer, resources.receiveQueues());
    }
    int count = routing.partitions().length;
    List<CompletableFuture<Producer<byte[]>>> creating = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ProducerConfigurationData conf = new ProducerConfigurationData();
      conf.setTopicName(settings.targetTopicOf(i));
      conf.setProducerName(settings.producerName());
      // An entry goes as it is, a batch already; messages are batched here.
      conf.setBatchingEnabled(!settings.forwardEntries());
      conf.setBatchingMaxPublishDelayMicros(TimeUnit.MILLISECONDS.toMicros(1));
      conf.setBatchingMaxMessages(1000);
      conf.setBlockIfQueueFull(false);
      conf.setMaxPendingMessages(0);
      conf.setSendTimeoutMs(TimeUnit.SECONDS.toMillis(30));
      // Never writes beside a target topic deleted while the link runs (see GuardedProducer).
      creating.add(GuardedProducer.create(resources.target(), conf, resources.targetWatcher()));
    }
    CompletableFuture<List<Producer<byte[]>>> all =
        CompletableFuture.allOf(creating.toArray(CompletableFuture[]::new))
            .handle(
                (ok, err) -> {
                  List<Producer<byte[]>> created = new ArrayList<>();
                  for (var future : creating) {
                    if (future.isDone() && !future.isCompletedExceptionally()) {
                      created.add(future.join());
                    }
                  }
                  if (err != null) {
                    // Release the names of those that did connect before failing.
                    created.forEach(Producer::closeAsync);
                    throw new java.util.concurrent.CompletionException(err);
                  }
                  return created;
                });
    context.pipeToSelf(all, (p, err) -> new ProducersReady(epoch, p, err));
    return Behaviors.same();
  }

  private Behavior<Command> onProducersReady(ProducersReady msg) {
    if (msg.epoch() != epoch) {
      // Connected for a pipeline that failed since: release the producer name on the target.
      if (msg.producers() != null) {
        msg.producers().forEach(Producer::closeAsync);
      }
      return Behaviors.same();
    }
    if (msg.failure() != null) {
      return fail("producer", msg.failure());
    }
    producers = msg.producers();
    if (settings.forwardEntries()) {
      for (Producer<byte[]> producer : producers) {
        if (!(producer instanceof ProducerImpl)) {
          return fail(
              "producer",
              new IllegalStateException(
                  "forwarding entries needs a producer on one topic partition, got "
                      + producer.getClass().getSimpleName()
                      + " for "
                      + producer.getTopic()
                      + "; set forwarding: messages on this link"));
        }
      }
    }
    targetLastSequenceIds = new long[producers.size()];
    long highestOnTarget = -1;
    for (int i = 0; i < producers.size(); i++) {
      targetLastSequenceIds[i] = producers.get(i).getLastSequenceId();
      highestOnTarget = Math.max(highestOnTarget, targetLastSequenceIds[i]);
    }
    // -1 means "no state" where the link switched deduplication on, else it may mean "off". Only
    // "no state at all" is reported: a smaller id than the checkpoint's is also what a change of
    // partition counts leaves (the same producer name wrote several target partitions while the
    // messages were routed by key, and the checkpoint holds the highest id of them all).
    if (lastFlushed != null
        && lastTarget != null
        && settings.targetDeduplicates()
        && highestOnTarget < 0
        && lastFlushed.sequenceId() >= 0
        && !routing.isRouted()) {
      // Policy: go on from the checkpoint. What the target lost is the target's loss; sending
      // it again would need the source data, which the cursor already released.
      String description =
          String.format(
              "the target's deduplication state for %s (last sequence id %d) is behind georep's"
                  + " checkpoint (%d): the target topic was recreated or its deduplication state"
                  + " expired; georep continues after its checkpoint and does not resend",
              settings.targetTopic(), highestOnTarget, lastFlushed.sequenceId());
      metrics.event("target-sequence-behind", description);
      context.getLog().warn(description);
    }
    try {
      List<SequenceAnchor> anchors = resources.checkpoints().anchors(key);
      savedAnchorCount = anchors.size();
      numbering =
          new SequenceNumbering(
              anchors,
              Math.max(highestOnTarget, lastFlushed == null ? -1 : lastFlushed.sequenceId()));
    } catch (StateStoreException e) {
      return fail("state", e);
    }
    metrics.state(paused ? TopicState.PAUSED : TopicState.RUNNING);
    timers.startTimerWithFixedDelay(FlushTick.INSTANCE, settings.checkpointInterval());
    // The first read checks for a gap at once where this checkpoint was never checked, else it
    // waits for its turn: a restart does not read the stats again.
    timers.startTimerWithFixedDelay(
        StatsTick.INSTANCE,
        statsSchedule.firstRead(
            lastFlushed == null ? null : lastFlushed.source(), System.nanoTime()),
        STATS_INTERVAL);
    requestMore();
    return active();
  }

  // ---- active ------------------------------------------------------------------------------

  private Behavior<Command> active() {
    return Behaviors.receive(Command.class)
        .onMessage(Received.class, this::onReceived)
        .onMessage(EntryReceived.class, this::onEntryReceived)
        .onMessage(SendsCompleted.class, this::onSendsCompleted)
        .onMessage(SchemaFetched.class, this::onSchemaFetched)
        .onMessage(SourceStatsRead.class, this::onSourceStatsRead)
        .onMessage(SourceVerified.class, this::onSourceVerified)
        .onMessageEquals(StatsTick.INSTANCE, this::onStatsTick)
        .onMessageEquals(Resume.INSTANCE, this::onResume)
        .onMessageEquals(FlushTick.INSTANCE, this::onFlushTick)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onMessageEquals(PauseReading.INSTANCE, this::onPauseReading)
        .onMessageEquals(ResumeReading.INSTANCE, this::onResumeReading)
        .onSignal(PreRestart.class, s -> onStopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private boolean hasRoom() {
    return !stateBlocked
        && !paused
        && !intakeStopped
        && held == null
        && heldEntry == null
        && inFlightMessages < settings.maxInFlightMessages()
        && inFlightBytes < settings.maxInFlightBytes();
  }

  private void requestMore() {
    if (!receiving && hasRoom()) {
      receiving = true;
      metrics.caughtUp(inFlight.isEmpty());
      if (entryConsumer != null) {
        context.pipeToSelf(
            entryConsumer.receiveEntryAsync(), (e, err) -> new EntryReceived(epoch, e, err));
      } else {
        context.pipeToSelf(consumer.receiveAsync(), (m, err) -> new Received(epoch, m, err));
      }
    }
  }

  private Behavior<Command> onReceived(Received msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    receiving = false;
    metrics.caughtUp(false);
    if (msg.failure() != null) {
      return failAfterSettling("receive", msg.failure());
    }
    return takeFrom(msg.message());
  }

  private Behavior<Command> takeFrom(Message<byte[]> first) {
    return takeAll(
        first, this::take, () -> consumer.receive(0, TimeUnit.MILLISECONDS), m -> held = m);
  }

  /** What the consumer already holds, or null; never waits. */
  @FunctionalInterface
  private interface Poll<T> {
    T next() throws PulsarClientException;
  }

  /**
   * Takes {@code first}, then whatever the consumer already holds, while there is room: without
   * another round trip through the mailbox. What cannot leave yet goes to {@code hold}, which
   * leaves no room, so nothing after it is taken.
   */
  private <T> Behavior<Command> takeAll(
      T first, Predicate<T> take, Poll<T> poll, java.util.function.Consumer<T> hold) {
    if ((stateBlocked || paused) && first != null) {
      // Arrived after the store refused a write, or after a pause: it waits with the rest.
      hold.accept(first);
      return Behaviors.same();
    }
    try {
      if (first != null && !take.test(first)) {
        hold.accept(first);
      }
      for (int i = 0; i < DRAIN_BATCH && hasRoom(); i++) {
        T next = poll.next();
        if (next == null) {
          break;
        }
        if (!take.test(next)) {
          hold.accept(next);
        }
      }
    } catch (PulsarClientException e) {
      return failAfterSettling("receive", e);
    } catch (SequenceNumbering.SequenceIdsExhaustedException e) {
      return fail("sequence-id", e);
    } catch (StateStoreException e) {
      return fail("state", e);
    } catch (java.io.UncheckedIOException e) {
      return failAfterSettling("receive", e.getCause());
    }
    metrics.inFlight(inFlightMessages);
    requestMore();
    return Behaviors.same();
  }

  private Behavior<Command> onResume() {
    if (heldEntry != null) {
      SourceEntry next = heldEntry;
      heldEntry = null;
      return takeEntriesFrom(next);
    }
    Message<byte[]> next = held;
    held = null;
    return next == null ? Behaviors.same() : takeFrom(next);
  }

  /**
   * Takes one message: skips it, filters it, or sends it. False when it cannot leave yet (its
   * schema is being fetched, or the link says wait); then nothing of it was recorded and the caller
   * holds it.
   */
  private boolean take(Message<byte[]> message) {
    MessageId sourceId = message.getMessageId();
    int batchSize = 0;
    if (sourceId instanceof MessageIdAdv adv) {
      if (receiveQueue != null) {
        receiveQueue.observe(adv, message.size());
      }
      batchSize = adv.getBatchIndex() >= 0 ? adv.getBatchSize() : 0;
    }
    Position position = Positions.of(sourceId);
    if (highestTaken != null && position.compareTo(highestTaken) <= 0) {
      if (mustVerifySource(position)) {
        return false;
      }
      metrics.replaySkipped();
      settleReplay(sourceId, position);
      return true;
    }
    int route = routing.route(message, position);
    Map<String, String> properties = message.getProperties();
    // The message's own provenance, else its entry's (a batch forwarded whole by another link).
    String origin = Provenance.originOf(message);
    if (settings.targetCluster().equals(origin)) {
      // Came from the target in the first place: forwarding it would loop.
      noteTaken(position);
      settle(new InFlight(sourceId, position, message.getPublishTime(), 0, 1, false, route));
      return true;
    }
    long sequenceId;
    try {
      sequenceId = number(position, batchSize);
    } catch (StateStoreException e) {
      blockOnState(e); // held until the store takes writes again
      return false;
    }
    if (sequenceId <= targetLastSequenceIds[route]) {
      // The target persisted it already (its deduplication state says so): sending it again
      // next to new messages would get the whole batch dropped.
      noteTaken(position);
      metrics.replaySkipped();
      settle(
          sequenced(
              new InFlight(sourceId, position, message.getPublishTime(), 0, 1, false, route),
              sequenceId));
      return true;
    }
    Schema<byte[]> schema = null;
    byte[] schemaVersion = message.getSchemaVersion();
    if (schemaVersion != null) {
      schema = schemas.cached(schemaVersion);
      if (schema == null) {
        fetchSchema(schemaVersion);
        return false;
      }
    }
    int size = message.size();
    long wait = resources.flow().tryAcquire(size);
    if (wait > 0) {
      timers.startSingleTimer(Resume.INSTANCE, Duration.ofNanos(wait));
      return false;
    }
    noteTaken(position);
    byte[] payload = message.getData();
    InFlight entry =
        sequenced(
            new InFlight(sourceId, position, message.getPublishTime(), size, 1, true, route),
            sequenceId);
    entry.holdsBudget = true;
    inFlight.addLast(entry);
    inFlightMessages++;
    inFlightBytes += size;
    StageTimers stages = metrics.stages();
    long sentNanos = System.nanoTime();
    stages.arrived(message.getPublishTime(), System.currentTimeMillis());
    toTarget(producers.get(route), schema, message, payload, properties, origin, position)
        .sequenceId(sequenceId)
        .sendAsync()
        .whenComplete(
            (id, err) -> {
              entry.targetId = id;
              entry.failure = err;
              if (err != null) {
                sendFailed = true;
              } else {
                stages.acknowledged(sentNanos, System.nanoTime());
              }
              entry.completed = true;
              if (completionsPending.compareAndSet(false, true)) {
                self.tell(new SendsCompleted(epoch));
              }
            });
    return true;
  }

  // ---- forwarding entries ------------------------------------------------------------------

  private Behavior<Command> onEntryReceived(EntryReceived msg) {
    if (msg.epoch() != epoch) {
      if (msg.entry() != null) {
        msg.entry().payload().release();
      }
      return Behaviors.same();
    }
    receiving = false;
    metrics.caughtUp(false);
    if (msg.failure() != null) {
      return failAfterSettling("receive", msg.failure());
    }
    return takeEntriesFrom(msg.entry());
  }

  private Behavior<Command> takeEntriesFrom(SourceEntry first) {
    return takeAll(first, this::takeEntry, entryConsumer::pollEntry, e -> heldEntry = e);
  }

  /**
   * Takes one source entry, as {@link #take} takes a message: skips it, filters it, or sends it
   * whole. Its payload is released here unless it is sent (then when the send completes) or held
   * (false: it cannot leave yet).
   */
  private boolean takeEntry(SourceEntry entry) {
    MessageMetadata metadata = entry.metadata();
    int messages = entry.messageCount();
    // An entry is identified by its last message: a checkpoint inside it (written while
    // forwarding messages) leaves the rest of it to send.
    Position last =
        new Position(entry.ledgerId(), entry.entryId(), entry.isBatch() ? messages - 1 : -1);
    if (highestTaken != null && last.compareTo(highestTaken) <= 0) {
      if (mustVerifySource(last)) {
        return false;
      }
      metrics.replaySkipped();
      settleReplay(entry.messageId(), last);
      entry.payload().release();
      return true;
    }
    if (EntryMessages.mayHideProvenance(entry) || checkpointInside(entry)) {
      try {
        return takeMessagesOf(entry);
      } catch (RuntimeException e) {
        entry.payload().release(); // not held: the pipeline fails
        throw e;
      }
    }
    long publishTime = metadata.getPublishTime();
    int route = 0; // one producer: entries go to the matching partition only
    String origin =
        Provenance.originOf(
            Provenance.entryProperty(metadata, Provenance.ORIGIN),
            Provenance.entryProperty(metadata, Provenance.SOURCE));
    if (settings.targetCluster().equals(origin)) {
      noteTaken(last);
      entry.payload().release();
      settle(new InFlight(entry.messageId(), last, publishTime, 0, messages, false, route));
      return true;
    }
    // The id of its last message: where the target holds part of the entry (sent message by
    // message before), the rest still goes (as a duplicate of that part, never a loss).
    long sequenceId;
    try {
      sequenceId = number(last, entry.isBatch() ? messages : 0);
    } catch (StateStoreException e) {
      blockOnState(e); // held until the store takes writes again
      return false;
    } catch (RuntimeException e) {
      entry.payload().release(); // not sent, not held: the pipeline fails
      throw e;
    }
    if (sequenceId <= targetLastSequenceIds[route]) {
      noteTaken(last);
      metrics.replaySkipped();
      entry.payload().release();
      settle(
          sequenced(
              new InFlight(entry.messageId(), last, publishTime, 0, messages, false, route),
              sequenceId));
      return true;
    }
    Schema<byte[]> schema = Schema.BYTES; // the producer's own: no schema to register
    if (metadata.hasSchemaVersion()) {
      byte[] version = metadata.getSchemaVersion();
      schema = schemas.cached(version);
      if (schema == null) {
        fetchSchema(version);
        return false;
      }
    }
    int size = entry.payload().readableBytes();
    long wait = resources.flow().tryAcquire(messages, size);
    if (wait > 0) {
      timers.startSingleTimer(Resume.INSTANCE, Duration.ofNanos(wait));
      return false;
    }
    noteTaken(last);
    EntrySend send = new EntrySend(entry, last, publishTime, route);
    sequenced(send, sequenceId);
    send.holdsBudget = true;
    inFlight.addLast(send);
    inFlightMessages += messages;
    inFlightBytes += size;
    readdress(metadata, origin, entry, publishTime, sequenceId);
    send.out =
        MessageImpl.create(
            metadata, entry.payload().nioBuffer(), schema, settings.targetTopicOf(route));
    StageTimers stages = metrics.stages();
    stages.arrived(publishTime, entry.arrivalMillis());
    send.sentNanos = System.nanoTime();
    stages.sending(entry.arrivalNanos(), send.sentNanos);
    ((ProducerImpl<byte[]>) producers.get(route)).sendAsync(send.out, send);
    return true;
  }

  /**
   * Whether what was taken ends inside this batch (a checkpoint written while forwarding messages,
   * then the link switched to entries): the rest of it is taken message by message, so that the
   * messages the target holds are not sent again with the entry.
   */
  private boolean checkpointInside(SourceEntry entry) {
    return entry.isBatch()
        && highestTaken != null
        && highestTaken.ledgerId() == entry.ledgerId()
        && highestTaken.entryId() == entry.entryId()
        && highestTaken.batchIndex() >= 0
        && highestTaken.batchIndex() < entry.messageCount() - 1
        && entry.metadata().getEncryptionKeysCount() == 0;
  }

  /**
   * Takes the messages of an entry one by one ({@link #take}), as if forwarding messages: each is
   * checked for loops on its own and re-produced with its own provenance. False, with nothing of
   * the rest taken, when one cannot leave yet; the entry is then held, and taken again from its
   * start (what was taken of it is skipped as a replay).
   */
  private boolean takeMessagesOf(SourceEntry entry) {
    List<Message<byte[]>> messages;
    try {
      messages = EntryMessages.unpack(entry, settings.sourceTopic());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (Message<byte[]> message : messages) {
      if (!take(message)) {
        return false;
      }
    }
    entry.payload().release();
    return true;
  }

  /**
   * A redelivery of what a written checkpoint already covers (the cursor's acknowledgement was lost
   * in a crash, or the cursor was moved back) moves the cursor past it again: otherwise an idle
   * partition would keep that backlog on the source until new traffic came.
   */
  private void settleReplay(MessageId sourceId, Position position) {
    if (lastFlushed != null && position.compareTo(lastFlushed.source()) <= 0) {
      MessageId ackId = cursorIdOf(sourceId);
      if (ackId != null) {
        cursorAcks.written(ackId);
      }
    }
  }

  /**
   * Whether a redelivery at {@code position} must wait until the source is known to be the one the
   * checkpoint came from: a message from a ledger older than the checkpoint's is either an old
   * message redelivered (the cursor lagged the checkpoint) or a new one on a source that was
   * rebuilt, whose ledger ids started again from below. Skipping the latter would lose it silently,
   * so the source's ledgers are read once (see {@link #onSourceVerified}).
   */
  private boolean mustVerifySource(Position position) {
    if (sourceVerified
        || lastFlushed == null
        || position.ledgerId() >= lastFlushed.source().ledgerId()) {
      return false;
    }
    if (!verifyingSource) {
      verifyingSource = true;
      context.pipeToSelf(
          resources.sourceAdmin().topics().getInternalStatsAsync(settings.sourceTopic()),
          (stats, err) -> new SourceVerified(epoch, stats, err));
    }
    return true;
  }

  /**
   * The checkpoint's ledger is gone and every ledger the source has is older: the source was
   * rebuilt (or the topic deleted and recreated on a cluster whose ledger ids started again). The
   * documented policy: report it, forget the checkpoint's position (and the position map and
   * sequence anchors of the old source), and replicate the new source from where the cursor stands;
   * sequence ids start above everything the target holds, so nothing new is dropped.
   */
  private Behavior<Command> onSourceVerified(SourceVerified msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    verifyingSource = false;
    if (msg.failure() != null) {
      return fail("source-topic", msg.failure());
    }
    sourceVerified = true;
    long checkpointLedger = lastFlushed.source().ledgerId();
    List<Long> ledgers =
        msg.stats().ledgers == null
            ? List.of()
            : msg.stats().ledgers.stream().map(l -> l.ledgerId).toList();
    boolean rebuilt = ledgers.stream().allMatch(l -> l < checkpointLedger);
    if (rebuilt) {
      String description =
          String.format(
              "%s: the source no longer holds ledger %d of georep's checkpoint %s, and all its"
                  + " ledgers (%s) are older: the source cluster was rebuilt or the topic recreated"
                  + " from scratch; georep forgets the checkpoint and replicates the new source"
                  + " from its cursor",
              settings.sourceTopic(), checkpointLedger, lastFlushed.source(), ledgers);
      metrics.event("source-rebuilt", description);
      context.getLog().warn(description);
      try {
        resources.positionMap().prune(key, Long.MAX_VALUE);
        resources.checkpoints().putAnchors(key, List.of());
      } catch (StateStoreException e) {
        return fail("state", e);
      }
      long floor = lastSentSequenceId;
      for (long id : targetLastSequenceIds) {
        floor = Math.max(floor, id);
      }
      numbering = new SequenceNumbering(List.of(), floor);
      savedAnchorCount = 0;
      highestTaken = null;
      lastFlushed = null;
      gapReportedUpTo = null;
    }
    return onResume();
  }

  /** Saves (with an fsync) the anchors numbering holds, all of them, as the partition's. */
  private void saveAnchors() {
    List<SequenceAnchor> anchors = numbering.anchors();
    resources.checkpoints().putAnchors(key, anchors);
    savedAnchorCount = anchors.size();
    numbering.saved();
  }

  /** The sequence id of a message; saves the anchors it needed before anything is sent. */
  private long number(Position position, int batchSize) {
    long id = numbering.idOf(position, batchSize);
    if (numbering.hasUnsaved()) {
      saveAnchors();
    }
    String degradation = numbering.takeDegradation();
    if (degradation != null) {
      String description = settings.sourceTopic() + ": " + degradation;
      metrics.event("sequence-degraded", description);
      context.getLog().warn(description);
    }
    return id;
  }

  private static InFlight sequenced(InFlight entry, long sequenceId) {
    entry.sequenceId = sequenceId;
    entry.sequenced = true;
    return entry;
  }

  /**
   * Makes a stored entry's metadata the metadata of a new send by this link's producer: its
   * producer name and publish time go (the producer stamps its own, as for any message it sends;
   * the source's publish time stays in the provenance), as do a transaction's ids (the target has
   * no such transaction) and a built-in replicator's mark; the sequence id becomes the one derived
   * from the source position; provenance is replaced. Compression, uncompressed size, batch count,
   * keys, event time, encryption keys and chunking stay: they describe the payload, which stays.
   */
  private void readdress(
      MessageMetadata metadata,
      String origin,
      SourceEntry entry,
      long publishTime,
      long sequenceId) {
    metadata.clearProducerName();
    metadata.clearPublishTime();
    metadata.clearReplicatedFrom();
    metadata.clearTxnidMostBits();
    metadata.clearTxnidLeastBits();
    metadata.clearHighestSequenceId();
    metadata.setSequenceId(sequenceId);
    List<String[]> kept = new ArrayList<>(metadata.getPropertiesCount());
    for (KeyValue property : metadata.getPropertiesList()) {
      String key = property.getKey();
      if (!key.equals(Provenance.SOURCE) && !key.equals(Provenance.ORIGIN)) {
        kept.add(new String[] {key, property.getValue()});
      }
    }
    metadata.clearProperties();
    for (String[] property : kept) {
      metadata.addProperty().setKey(property[0]).setValue(property[1]);
    }
    if (origin != null) {
      // Forwarded before (a second hop): the origin stays.
      metadata.addProperty().setKey(Provenance.ORIGIN).setValue(origin);
    }
    metadata
        .addProperty()
        .setKey(Provenance.SOURCE)
        .setValue(
            Provenance.encode(
                settings.sourceCluster(),
                entry.ledgerId(),
                entry.entryId(),
                -1,
                publishTime,
                settings.sourceTopic()));
  }

  /** Records the highest position taken; a jump past its successor may be a gap in the source. */
  private void noteTaken(Position position) {
    Position previous = highestTaken;
    highestTaken = position;
    if (previous != null
        && (position.ledgerId() != previous.ledgerId()
            || position.entryId() > previous.entryId() + 1)) {
      checkGap();
    }
  }

  private void fetchSchema(byte[] version) {
    if (fetchingSchema) {
      return;
    }
    fetchingSchema = true;
    context.pipeToSelf(
        schemas.fetch(version), (info, err) -> new SchemaFetched(epoch, version, info, err));
  }

  private Behavior<Command> onSchemaFetched(SchemaFetched msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    fetchingSchema = false;
    if (msg.failure() != null) {
      return fail("schema", msg.failure());
    }
    schemas.remember(msg.version(), msg.info());
    return onResume();
  }

  private TypedMessageBuilder<byte[]> toTarget(
      Producer<byte[]> producer,
      Schema<byte[]> schema,
      Message<byte[]> message,
      byte[] payload,
      Map<String, String> properties,
      String origin,
      Position position) {
    TypedMessageBuilder<byte[]> out =
        (schema == null ? producer.newMessage() : producer.newMessage(schema)).value(payload);
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
    if (origin == null) {
      if (!properties.isEmpty()) {
        out.properties(properties);
      }
    } else {
      // Forwarded before (a second hop): the earlier hop's source is replaced by this one, the
      // origin stays.
      properties.forEach(
          (k, v) -> {
            if (!k.equals(Provenance.SOURCE) && !k.equals(Provenance.ORIGIN)) {
              out.property(k, v);
            }
          });
      out.property(Provenance.ORIGIN, origin);
    }
    out.property(
        Provenance.SOURCE,
        Provenance.encode(
            settings.sourceCluster(),
            position.ledgerId(),
            position.entryId(),
            position.batchIndex(),
            message.getPublishTime(),
            settings.sourceTopic()));
    return out;
  }

  // ---- position map ------------------------------------------------------------------------

  private Behavior<Command> onStatsTick() {
    readSourceStats();
    return Behaviors.same();
  }

  /**
   * Drops the runs of ledgers the source no longer holds: no subscription can point there any more,
   * so they can never be translated.
   */
  private void prune(PersistentTopicInternalStats stats) {
    if (stats.ledgers == null || stats.ledgers.isEmpty()) {
      return;
    }
    long firstLedger = stats.ledgers.get(0).ledgerId;
    long pruned = resources.positionMap().prune(key, firstLedger);
    metrics.positionMapPruned(pruned);
    if (pruned > 0) {
      context
          .getLog()
          .debug(
              "{}: pruned {} position-map runs before ledger {}",
              settings.sourceTopic(),
              pruned,
              firstLedger);
    }
  }

  // ---- source gaps -------------------------------------------------------------------------

  /**
   * Asks the source whether georep's cursor was moved past the checkpoint by someone else (message
   * TTL, a backlog quota's eviction, an operator's skip): those messages are gone from the source
   * and can never be forwarded. georep itself never acknowledges beyond its checkpoint.
   */
  private void checkGap() {
    if (lastFlushed != null) {
      readSourceStats();
    }
  }

  /** One read of the source's internal stats serves the gap check and the pruning. */
  private void readSourceStats() {
    if (readingStats) {
      return;
    }
    readingStats = true;
    statsSchedule.reading(lastFlushed == null ? null : lastFlushed.source(), System.nanoTime());
    context.pipeToSelf(
        resources.sourceAdmin().topics().getInternalStatsAsync(settings.sourceTopic()),
        (stats, err) -> new SourceStatsRead(epoch, stats, err));
  }

  private Behavior<Command> onSourceStatsRead(SourceStatsRead msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    readingStats = false;
    if (msg.failure() != null) {
      // Only a diagnosis: replication goes on without it.
      context
          .getLog()
          .debug(
              "{}: reading the source's stats failed: {}",
              settings.sourceTopic(),
              describe(msg.failure()));
      return Behaviors.same();
    }
    prune(msg.stats());
    if (lastFlushed == null) {
      return Behaviors.same();
    }
    // Against the checkpoint as it is now, not as it was when the stats were asked for: flushes
    // went on meanwhile, and the cursor they moved is no gap.
    SourceGap gap = SourceGap.of(msg.stats(), settings.subscription(), lastFlushed.source());
    if (gap == null || gap.upTo().equals(gapReportedUpTo)) {
      return Behaviors.same();
    }
    gapReportedUpTo = gap.upTo();
    metrics.sourceGap(gap.entries());
    String description = gap.describe(settings.sourceTopic());
    metrics.event("source-gap", description);
    context.getLog().warn(description);
    return Behaviors.same();
  }

  private Behavior<Command> onSendsCompleted(SendsCompleted msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    // Cleared before looking: a send completing from here on rings again.
    completionsPending.set(false);
    if (sendFailed) {
      for (InFlight entry : inFlight) {
        if (entry.completed && entry.failure != null) {
          return fail("send", entry.failure);
        }
      }
    }
    for (InFlight entry : inFlight) {
      if (!entry.done) {
        if (!entry.completed) {
          break;
        }
        entry.done = true;
        if (entry.targetId instanceof MessageIdAdv adv && adv.getLedgerId() < 0) {
          // The target's deduplication discarded it: it holds this message already.
          metrics.duplicateDropped();
          entry.targetId = null;
        }
      }
    }
    settleHead();
    metrics.inFlight(inFlightMessages);
    if (held != null
        && !timers.isTimerActive(Resume.INSTANCE)
        && !fetchingSchema
        && !stateBlocked) {
      // Refused room earlier: some came back now.
      self.tell(Resume.INSTANCE);
    }
    requestMore();
    // Waiting on an empty consumer with nothing in flight: nothing is left to replicate.
    metrics.caughtUp(receiving && inFlight.isEmpty());
    return Behaviors.same();
  }

  /** A filtered message settles at once, but only in its place in the order. */
  private void settle(InFlight entry) {
    entry.done = true;
    inFlight.addLast(entry);
    inFlightMessages += entry.messages;
    settleHead();
  }

  private void settleHead() {
    int settled = 0;
    long settledBytes = 0;
    InFlight lastForwarded = null;
    while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
      InFlight head = inFlight.removeFirst();
      inFlightBytes -= head.size;
      inFlightMessages -= head.messages;
      releaseBudget(head);
      if (head.forwarded) {
        forwardedCount += head.messages;
        settled += head.messages;
        settledBytes += head.size;
        lastForwarded = head;
        if (head.targetId != null) {
          mapOnTarget(head);
        }
      }
      if (head.sequenced) {
        lastSentSequenceId = Math.max(lastSentSequenceId, head.sequenceId);
      }
      // A filtered message moves the checkpoint too: the cursor may pass it.
      lastAcked = head;
    }
    if (lastForwarded != null) {
      // once per settled run, not per message
      metrics.forwarded(settled, settledBytes, lastForwarded.publishTime, lastForwarded.source);
    }
  }

  /** Notes where the target stored a settled message or entry, for the checkpoint and the map. */
  private void mapOnTarget(InFlight head) {
    Position target = Positions.of(head.targetId);
    int targetPartition = routing.partitions()[head.route];
    boolean mapped = !BenchDiagnostics.stateWritesDisabled();
    if (head instanceof EntrySend entry && entry.batch) {
      // The batch went whole: each message keeps its batch index.
      lastTarget = new Position(target.ledgerId(), target.entryId(), head.messages - 1);
      if (mapped) {
        positionRuns.addBatch(
            new Position(head.source.ledgerId(), head.source.entryId(), 0),
            targetPartition,
            new Position(target.ledgerId(), target.entryId(), 0),
            head.messages);
      }
    } else {
      lastTarget = target;
      if (mapped) {
        positionRuns.add(head.source, targetPartition, target);
      }
    }
  }

  private void releaseBudget(InFlight entry) {
    if (entry.holdsBudget) {
      entry.holdsBudget = false;
      resources.flow().release(entry.messages, entry.size);
    }
  }

  /** Gives the link's budget back for sends that will never settle (the pipeline closes). */
  private void abandonInFlight() {
    for (InFlight entry : inFlight) {
      releaseBudget(entry);
      if (entry.forwarded && !entry.done) {
        // Sent, fate unknown: it goes again from the checkpoint, a duplicate if it had landed
        // and the target does not deduplicate.
        metrics.resent();
      }
    }
    inFlight.clear();
    inFlightBytes = 0;
    inFlightMessages = 0;
    held = null;
    if (heldEntry != null) {
      heldEntry.payload().release();
      heldEntry = null;
    }
  }

  private Behavior<Command> onFlushTick() {
    try {
      if (stateBlocked) {
        probeState();
      }
      flush();
      acknowledgeDurable(false);
    } catch (StateStoreException e) {
      blockOnState(e);
      return Behaviors.same();
    } catch (IllegalArgumentException e) {
      return fail("state", e); // runs the store refuses: a bug, shown, never a silent stop
    }
    if (stateBlocked) {
      unblockState();
    }
    return Behaviors.same();
  }

  /**
   * The state store refused a write (a full disk, an I/O error): the partition stops taking
   * messages, so that nothing is sent that could not be checkpointed, and shows a {@code state}
   * error. What is in flight completes; checkpoints, anchors and the cursor wait. No restart: a
   * restart would send the unacknowledged window again each time. {@link #onFlushTick} tries again
   * every checkpoint interval (the store reopens itself at most once a second).
   */
  private void blockOnState(StateStoreException e) {
    if (stateBlocked) {
      return;
    }
    stateBlocked = true;
    metrics.error("state", describe(e));
    context
        .getLog()
        .warn(
            "{}: the state store refused a write; stopped taking messages: {}",
            settings.sourceTopic(),
            e.getMessage());
  }

  /** A write while blocked: anchors not yet saved, else the last checkpoint again. */
  private void probeState() {
    if (numbering != null && numbering.hasUnsaved()) {
      saveAnchors();
    } else if (lastAcked == null && lastFlushed != null) {
      resources.checkpoints().putAll(Map.of(key, lastFlushed));
    } else if (lastAcked == null && numbering != null) {
      resources.checkpoints().putAnchors(key, numbering.anchors());
    }
  }

  private void unblockState() {
    stateBlocked = false;
    metrics.state(TopicState.RUNNING);
    context
        .getLog()
        .info("{}: the state store takes writes again; going on", settings.sourceTopic());
    if ((held != null || heldEntry != null) && !fetchingSchema) {
      self.tell(Resume.INSTANCE);
    }
    requestMore();
  }

  /** Writes the checkpoint, then moves the source cursor to it. */
  private void flush() {
    if (lastAcked == null) {
      return;
    }
    InFlight acked = lastAcked;
    Position source = acked.source;
    Checkpoint checkpoint =
        new Checkpoint(
            source,
            lastSentSequenceId,
            lastTarget != null ? lastTarget : NOTHING_ON_TARGET,
            acked.publishTime,
            forwardedCount,
            System.currentTimeMillis());
    if (!BenchDiagnostics.stateWritesDisabled()) {
      long start = System.nanoTime();
      // Runs of a write that failed stay for the next one; the builder's open run comes again,
      // grown, with the same start: it replaces its earlier copy.
      for (io.georep.state.PositionRun run : positionRuns.drain()) {
        int last = unwrittenRuns.size() - 1;
        if (last >= 0 && unwrittenRuns.get(last).sourceStart().equals(run.sourceStart())) {
          unwrittenRuns.set(last, run);
        } else {
          unwrittenRuns.add(run);
        }
      }
      resources.checkpoints().putAll(Map.of(key, checkpoint), Map.of(key, unwrittenRuns));
      unwrittenRuns.clear();
      metrics.checkpointWrite().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
    lastAcked = null;
    lastFlushed = checkpoint;
    MessageId ackId = cursorIdOf(acked.sourceId);
    if (ackId != null) {
      cursorAcks.written(ackId);
    }
    pruneAnchors(source);
  }

  /**
   * Moves the source cursor to the last checkpoint written, once the store made it durable against
   * a machine crash ({@link CursorAcks}): every sync interval, or now with {@code force}
   * (stopping).
   */
  private void acknowledgeDurable(boolean force) {
    if (consumer == null || cursorAcks.pending() == null || !(force || cursorAcks.syncDue())) {
      return;
    }
    resources.checkpoints().sync();
    consumer.acknowledgeCumulativeAsync(cursorAcks.synced());
  }

  /** Forgets the anchors that number only what is behind the checkpoint (once per ledger). */
  private void pruneAnchors(Position checkpoint) {
    if (numbering == null || BenchDiagnostics.stateWritesDisabled()) {
      return;
    }
    List<SequenceAnchor> kept = numbering.anchorsFrom(checkpoint);
    if (kept.size() < savedAnchorCount) {
      resources.checkpoints().putAnchors(key, kept);
      numbering.retainFrom(checkpoint);
      savedAnchorCount = kept.size();
    }
  }

  /**
   * The id to move the source cursor to for a checkpoint at {@code sourceId}. The entry consumer
   * acknowledges whole entries: a checkpoint inside an entry (its messages taken one by one) may
   * only let the cursor pass the entry before it. Null: nothing to acknowledge yet.
   */
  private MessageId cursorIdOf(MessageId sourceId) {
    if (entryConsumer != null
        && sourceId instanceof MessageIdAdv adv
        && adv.getBatchIndex() >= 0
        && adv.getBatchIndex() < adv.getBatchSize() - 1) {
      return adv.getEntryId() > 0
          ? new org.apache.pulsar.client.impl.MessageIdImpl(
              adv.getLedgerId(), adv.getEntryId() - 1, adv.getPartitionIndex())
          : null;
    }
    return sourceId;
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
        .onMessage(EntryReceived.class, this::onEntryReceivedWhileDraining)
        .onMessage(SendsCompleted.class, this::onSentWhileDraining)
        .onMessageEquals(FlushTick.INSTANCE, this::onFlushTick)
        .onMessageEquals(DrainTimeout.INSTANCE, this::onDrainTimeout)
        .onSignal(PreRestart.class, s -> onStopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private Behavior<Command> onReceivedWhileDraining(Received msg) {
    // Taken from the consumer but not forwarded: it stays unacknowledged on the source.
    receiving = false;
    return Behaviors.same();
  }

  private Behavior<Command> onEntryReceivedWhileDraining(EntryReceived msg) {
    receiving = false;
    if (msg.entry() != null) {
      msg.entry().payload().release();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onSentWhileDraining(SendsCompleted msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    if (sendFailed) {
      for (InFlight entry : inFlight) {
        if (entry.completed && entry.failure != null) {
          // Shutting down: no restart. What settled before it is checkpointed; it and what
          // follows it go again at the next start.
          Throwable root = rootCause(entry.failure);
          metrics.error(ErrorKinds.of("send", root), describe(root));
          settleCompletedBefore(entry);
          return closeAndStop(false);
        }
      }
    }
    Behavior<Command> next = onSendsCompleted(msg);
    if (next != Behaviors.<Command>same()) {
      return next;
    }
    return inFlight.isEmpty() ? closeAndStop() : Behaviors.same();
  }

  private Behavior<Command> onDrainTimeout() {
    metrics.error(
        "drain",
        inFlightMessages
            + " messages were still in flight after "
            + DRAIN_LIMIT.toSeconds()
            + " s of draining; they go again at the next start");
    return closeAndStop(false);
  }

  /** Settles the completed sends at the head of the queue, up to (not including) {@code stop}. */
  private void settleCompletedBefore(InFlight stop) {
    for (InFlight entry : inFlight) {
      if (entry == stop || !entry.completed) {
        break;
      }
      entry.done = true;
    }
    settleHead();
  }

  private Behavior<Command> closeAndStop() {
    return closeAndStop(true);
  }

  private Behavior<Command> closeAndStop(boolean drained) {
    checkpointBeforeClosing();
    abandonInFlight();
    timers.cancelAll();
    context.pipeToSelf(closeClients(), (ok, err) -> new Closed(epoch, null));
    return Behaviors.receive(Command.class)
        .onMessage(Closed.class, msg -> drained ? stopped() : undrained())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  /**
   * Writes the last checkpoint and moves the cursor to it before the pipeline closes. Where the
   * store refuses, the cursor stays behind the last durable checkpoint: what the target confirmed
   * since goes again next time, nothing is lost.
   */
  private void checkpointBeforeClosing() {
    try {
      flush();
      acknowledgeDurable(true);
    } catch (StateStoreException e) {
      context
          .getLog()
          .warn("{}: last checkpoint not written: {}", settings.sourceTopic(), e.getMessage());
    }
  }

  private Behavior<Command> stopped() {
    metrics.state(TopicState.STOPPED);
    metrics.inFlight(0);
    return Behaviors.stopped();
  }

  private Behavior<Command> undrained() {
    metrics.state(TopicState.UNDRAINED);
    metrics.inFlight(0);
    return Behaviors.stopped();
  }

  /**
   * A failure on the source side (a corrupt entry, a consumer that failed): the sends in flight can
   * still complete. Waits for them (at most the drain limit) and checkpoints what the target
   * confirmed before failing: otherwise every restart that meets the same failure would send them
   * again (duplicates growing with each restart on a target without deduplication), and the cursor
   * would never pass them.
   */
  private Behavior<Command> failAfterSettling(String kind, Throwable cause) {
    if (inFlight.isEmpty()) {
      return fail(kind, cause);
    }
    intakeStopped = true;
    timers.startSingleTimer(DrainTimeout.INSTANCE, DRAIN_LIMIT);
    return Behaviors.receive(Command.class)
        .onMessage(
            SendsCompleted.class,
            msg -> {
              Behavior<Command> next = onSendsCompleted(msg);
              if (next != Behaviors.<Command>same()) {
                return next; // a send failed: that failure goes first
              }
              return inFlight.isEmpty() ? fail(kind, cause) : Behaviors.same();
            })
        .onMessage(Received.class, msg -> Behaviors.same())
        .onMessage(
            EntryReceived.class,
            msg -> {
              if (msg.entry() != null) {
                msg.entry().payload().release();
              }
              return Behaviors.same();
            })
        .onMessageEquals(FlushTick.INSTANCE, this::onFlushTick)
        .onMessageEquals(DrainTimeout.INSTANCE, () -> fail(kind, cause))
        .onMessageEquals(Drain.INSTANCE, () -> closeAndStop(false))
        .onSignal(PreRestart.class, s -> onStopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  // ---- failing -----------------------------------------------------------------------------

  /**
   * Records the error, keeps what the target acknowledged, closes the pipeline and only then
   * throws: the supervisor's restart finds the producer name free again.
   */
  private Behavior<Command> fail(String kind, Throwable cause) {
    Throwable root = rootCause(cause);
    String errorKind = ErrorKinds.of(kind, root);
    metrics.error(errorKind, describe(root));
    context
        .getLog()
        .warn(
            "{} -> {}: {} failed: {}",
            settings.sourceTopic(),
            settings.targetTopic(),
            errorKind,
            describe(root));
    checkpointBeforeClosing();
    abandonInFlight();
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

  /** Unwraps the future wrappers around what actually failed. */
  private static Throwable rootCause(Throwable cause) {
    Throwable root = cause;
    while ((root instanceof java.util.concurrent.CompletionException
            || root instanceof java.util.concurrent.ExecutionException)
        && root.getCause() != null) {
      root = root.getCause();
    }
    return root;
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private CompletableFuture<Void> closeClients() {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    producers.forEach(p -> closing.add(p.closeAsync()));
    if (consumer != null) {
      closing.add(consumer.closeAsync());
    }
    if (receiveQueue != null) {
      receiveQueue.close(); // its share of the budget goes back to the other consumers
      receiveQueue = null;
    }
    producers = List.of();
    consumer = null;
    return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
        .orTimeout(10, TimeUnit.SECONDS)
        .exceptionally(err -> null);
  }

  private Behavior<Command> onStopped() {
    // Last resort when stopped from outside (the actor system terminating after a drain timed
    // out): keep what the target confirmed, then release the broker-side producer and consumer.
    if (!producers.isEmpty() || consumer != null) {
      checkpointBeforeClosing();
      if (!inFlight.isEmpty() && metrics.state() != TopicState.STOPPED) {
        metrics.state(TopicState.UNDRAINED);
      }
      closeClients();
    }
    abandonInFlight();
    return Behaviors.same();
  }
}
