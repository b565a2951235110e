package io.georep.replicator;

import io.georep.state.Checkpoint;
import io.georep.state.Position;
import io.georep.state.SourcePartition;
import io.georep.state.StateStoreException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.common.schema.SchemaInfo;

/**
 * Forwards one source partition to the target: to the matching target partition, or, when the
 * partition counts differ, to the partition {@link TargetRouting} picks for each message.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>A source message is acknowledged on the source cursor only after the target acknowledged it
 *       and its checkpoint was written: the cursor never runs ahead of the target ({@link
 *       CheckpointWriter}).
 *   <li>Messages leave in source order and their acknowledgements are applied in that order; a
 *       checkpoint names the last message whose own send and every earlier send succeeded ({@link
 *       InFlightWindow}).
 *   <li>Anything at or below the highest position already taken in this incarnation (or the
 *       checkpoint, at start) is a redelivery and is skipped, so a broker-side redelivery after a
 *       reconnect does not duplicate ({@link Gates}).
 *   <li>A send failure is never retried alone (a later message may already be persisted): the whole
 *       pipeline closes and the actor restarts with backoff from the checkpoint.
 *   <li>A message that cannot leave yet (its schema is being fetched, the link's in-flight budget
 *       or rate limit says wait) is held, and nothing after it is taken until it left: order holds.
 * </ul>
 *
 * <p>Phases: {@code starting()} (check the source topic exists, subscribe, create the producers,
 * all through a {@link PipelineConnector}) hands one {@link Pipeline} to {@code active()} → {@code
 * draining()} (stop reading, finish in-flight sends, write the checkpoint) or {@code failing()}
 * (close, then throw to the supervisor). A {@link SourceWatch} child reads the source's stats for
 * the position map's pruning and the gap check.
 */
public final class PartitionReplicator {

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

  private record Connected(Object epoch, Pipeline<?> pipeline, Throwable failure)
      implements Command {}

  private record SchemaFetched(Object epoch, byte[] version, SchemaInfo info, Throwable failure)
      implements Command {}

  /** Asked for when a redelivery came from below the checkpoint's ledger. */
  private record SourceVerified(Object epoch, SourceWatch.Verification verification)
      implements Command {}

  /** An item received from {@code intake}'s source. */
  private record Received<T>(Object epoch, Intake<T> intake, T item, Throwable failure)
      implements Command {
    /** Lets go of an item that will not be taken. */
    void release() {
      if (item != null) {
        intake.gates().pipeline().forwarder().release(item);
      }
    }
  }

  /**
   * Some sends completed: the window says which. One message for many completions (a target batch
   * acknowledges up to a thousand sends at once), not one per message.
   */
  private record SendsCompleted(Object epoch) implements Command {}

  /** The source cursor moved, or failed to. */
  private record CursorMoved(Object epoch, MessageId to, Throwable failure) implements Command {}

  private record Closed(Object epoch, Throwable failure) implements Command {}

  private enum FlushTick implements Command {
    INSTANCE
  }

  /** Try the held item again (the rate limit or the link's in-flight budget said wait). */
  private enum Resume implements Command {
    INSTANCE
  }

  private enum DrainTimeout implements Command {
    INSTANCE
  }

  public static Behavior<Command> create(PartitionSettings settings, PartitionResources resources) {
    return create(settings, resources, new PulsarPipelineConnector(settings, resources));
  }

  /** With the clusters reached through {@code connector}: tests give a fake one. */
  static Behavior<Command> create(
      PartitionSettings settings, PartitionResources resources, PipelineConnector connector) {
    // Made outside the supervised setup: it outlives the restarts (see SourceStatsSchedule).
    SourceStatsSchedule statsSchedule = new SourceStatsSchedule(STATS_INTERVAL);
    Behavior<Command> behavior =
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers ->
                        new PartitionReplicator(
                                ctx, timers, settings, resources, connector, statsSchedule)
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

  /**
   * How often the source's internal stats are read, to check for a gap and to prune the position
   * map to what the source still retains; restarts do not shorten it (see SourceStatsSchedule).
   */
  static final Duration STATS_INTERVAL = Duration.ofMinutes(5);

  static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final PartitionSettings settings;
  private final PartitionResources resources;
  private final PipelineConnector connector;
  private final SourceStatsSchedule statsSchedule;
  private final PartitionReplicatorMetrics metrics;
  private final SourcePartition key;
  private final ActorRef<Command> self;
  // Replies from futures of an earlier incarnation carry another epoch and are ignored.
  private final Object epoch = new Object();
  private final SendsCompleted sendsCompleted = new SendsCompleted(epoch);

  // Set by PauseReading, cleared by ResumeReading; a restart reads the link's flag again.
  private boolean paused;
  private CheckpointWriter checkpoints; // from starting() on

  // From active() on; the pipeline until it is closed.
  private Pipeline<?> pipeline;
  private InFlightWindow window;
  private Sequencer sequencer;
  private Gates<?> gates;
  private Intake<?> intake;
  private ActorRef<SourceWatch.Command> watch;

  private boolean fetchingSchema;

  private PartitionReplicator(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      PartitionSettings settings,
      PartitionResources resources,
      PipelineConnector connector,
      SourceStatsSchedule statsSchedule) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.resources = resources;
    this.connector = connector;
    this.statsSchedule = statsSchedule;
    this.metrics = resources.metrics();
    this.key = new SourcePartition(settings.link(), settings.sourceTopic());
    this.self = context.getSelf();
  }

  // ---- starting ----------------------------------------------------------------------------

  private Behavior<Command> starting() {
    metrics.state(TopicState.STARTING);
    // A restarted pipeline (a new instance) starts paused if the link is.
    paused = resources.linkPaused().getAsBoolean();
    try {
      checkpoints =
          new CheckpointWriter(
              resources.checkpoints(),
              key,
              settings.routing(),
              settings.checkpointSyncInterval(),
              metrics);
    } catch (StateStoreException e) {
      // e.g. a corrupt checkpoint, named in the message; retried with backoff, nothing is sent.
      return fail(PipelineStage.STATE, e);
    }
    context.pipeToSelf(
        connector.sourceExists(), (exists, err) -> new SourceChecked(epoch, exists, err));
    return Behaviors.receive(Command.class)
        .onMessage(SourceChecked.class, this::onSourceChecked)
        .onMessage(Connected.class, this::onConnected)
        .onMessageEquals(Drain.INSTANCE, () -> closeAndStop(true))
        .onMessageEquals(PauseReading.INSTANCE, this::onPauseReading)
        .onMessageEquals(ResumeReading.INSTANCE, this::onResumeReading)
        .onSignal(PreRestart.class, s -> onStopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private Behavior<Command> onSourceChecked(SourceChecked msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    if (msg.failure() != null) {
      return fail(PipelineStage.SOURCE_TOPIC, msg.failure());
    }
    if (!msg.exists()) {
      // Deleted on the source: stop for good, keep the checkpoint (the topic may come back).
      metrics.event("source-deleted", settings.sourceTopic() + " no longer exists on the source");
      context.getLog().info("{} was deleted on the source: stopping", settings.sourceTopic());
      return stopped();
    }
    context.pipeToSelf(
        connector.connect(checkpoints.lastWritten().isPresent()),
        (connected, err) -> new Connected(epoch, connected, err));
    return Behaviors.same();
  }

  private Behavior<Command> onConnected(Connected msg) {
    if (msg.epoch() != epoch) {
      // Connected for a pipeline that failed since: release the subscription, the producer name
      // on the target and the consumer's share of the receive-queue budget.
      closeStale(msg);
      return Behaviors.same();
    }
    if (msg.failure() != null) {
      Throwable root = rootCause(msg.failure());
      return root instanceof PipelineStage.Failure failure
          ? fail(failure.stage(), failure.getCause())
          : fail(PipelineStage.SUBSCRIBE, root);
    }
    pipeline = msg.pipeline();
    try {
      sequencer =
          new Sequencer(
              resources.checkpoints(),
              key,
              pipeline.forwarder().targetSequenceIds(),
              checkpoints.lastWritten().map(Checkpoint::sequenceId).orElse(-1L),
              metrics,
              context.getLog());
    } catch (StateStoreException e) {
      return fail(PipelineStage.STATE, e);
    }
    if (settings.targetDeduplicates() && !settings.routing().isRouted()) {
      sequencer.reportTargetBehind(
          checkpoints.lastWritten(), checkpoints.forwardedBefore(), settings.targetTopic());
    }
    return active(pipeline);
  }

  private void closeStale(Connected msg) {
    if (msg.pipeline() != null) {
      msg.pipeline()
          .close()
          .whenComplete(
              (ok, err) -> {
                if (err != null) {
                  // Not this incarnation's: only worth a line, on whatever thread closed it.
                  org.slf4j.LoggerFactory.getLogger(PartitionReplicator.class)
                      .warn("closing a stale pipeline failed: {}", describe(rootCause(err)));
                }
              });
    }
  }

  private Behavior<Command> onPauseReading() {
    if (intake != null) {
      intake.halt(Intake.Halt.PAUSED);
    }
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
      if (intake == null) {
        return Behaviors.same(); // still starting: active() requests the first messages
      }
      intake.lift(Intake.Halt.PAUSED);
      if (intake.holding()) {
        self.tell(Resume.INSTANCE);
      }
      requestMore();
    }
    return Behaviors.same();
  }

  // ---- active ------------------------------------------------------------------------------

  private <T> Behavior<Command> active(Pipeline<T> pipeline) {
    window =
        new InFlightWindow(
            settings.maxInFlightMessages(),
            settings.maxInFlightBytes(),
            () -> self.tell(sendsCompleted));
    Gates<T> gates =
        new Gates<>(
            pipeline,
            settings.targetCluster(),
            window,
            sequencer,
            checkpoints,
            resources.flow(),
            metrics,
            new Waits());
    this.gates = gates;
    Intake<T> intake = new Intake<>(gates, window);
    if (paused) {
      intake.halt(Intake.Halt.PAUSED);
    }
    this.intake = intake;
    watch =
        context.spawnAnonymous(
            SourceWatch.create(
                new SourceWatch.Settings(
                    connector,
                    key,
                    settings.subscription(),
                    resources.positionMap(),
                    metrics,
                    statsSchedule,
                    STATS_INTERVAL),
                checkpoints.lastWritten().map(Checkpoint::source).orElse(null)));
    metrics.state(paused ? TopicState.PAUSED : TopicState.RUNNING);
    timers.startTimerWithFixedDelay(FlushTick.INSTANCE, settings.checkpointInterval());
    requestMore();
    return Behaviors.receive(Command.class)
        .onMessage(Received.class, this::onReceived)
        .onMessage(SendsCompleted.class, this::onSendsCompleted)
        .onMessage(SchemaFetched.class, this::onSchemaFetched)
        .onMessage(SourceVerified.class, this::onSourceVerified)
        .onMessage(CursorMoved.class, this::onCursorMoved)
        .onMessageEquals(Resume.INSTANCE, this::onResume)
        .onMessageEquals(FlushTick.INSTANCE, this::onFlushTick)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onMessageEquals(PauseReading.INSTANCE, this::onPauseReading)
        .onMessageEquals(ResumeReading.INSTANCE, this::onResumeReading)
        .onSignal(PreRestart.class, s -> onStopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private void requestMore() {
    requestMore(intake);
  }

  private <T> void requestMore(Intake<T> intake) {
    Optional<CompletableFuture<T>> receive = intake.receive();
    if (receive.isPresent()) {
      metrics.caughtUp(window.isEmpty());
      context.pipeToSelf(receive.get(), (item, err) -> new Received<>(epoch, intake, item, err));
    }
  }

  private Behavior<Command> onReceived(Received<?> msg) {
    if (msg.epoch() != epoch) {
      msg.release();
      return Behaviors.same();
    }
    intake.received();
    metrics.caughtUp(false);
    if (msg.failure() != null) {
      return failAfterSettling(PipelineStage.RECEIVE, msg.failure());
    }
    return take(msg);
  }

  private <T> Behavior<Command> take(Received<T> msg) {
    return take(() -> msg.intake().take(msg.item()));
  }

  private Behavior<Command> onResume() {
    return take(intake::retryHeld);
  }

  /** Something {@link Intake} does that takes from the source. */
  @FunctionalInterface
  private interface Taking {
    void run() throws PulsarClientException;
  }

  /** Takes, then asks for more; a failure of the source, the numbering or the store fails. */
  private Behavior<Command> take(Taking taking) {
    try {
      taking.run();
    } catch (PulsarClientException e) {
      return failAfterSettling(PipelineStage.RECEIVE, e);
    } catch (SequenceNumbering.SequenceIdsExhaustedException e) {
      return fail(PipelineStage.SEQUENCE_ID, e);
    } catch (StateStoreException e) {
      return fail(PipelineStage.STATE, e);
    } catch (UncheckedIOException e) {
      return failAfterSettling(PipelineStage.RECEIVE, e.getCause());
    }
    metrics.inFlight(window.messages());
    requestMore();
    return Behaviors.same();
  }

  /** What the actor does for an item the {@link Gates} hold. */
  private final class Waits implements Gates.Waits {
    @Override
    public void fetchSchema(byte[] version) {
      if (fetchingSchema) {
        return;
      }
      fetchingSchema = true;
      context.pipeToSelf(
          pipeline.schemas().fetch(version),
          (info, err) -> new SchemaFetched(epoch, version, info, err));
    }

    @Override
    public void retryIn(long nanos) {
      timers.startSingleTimer(Resume.INSTANCE, Duration.ofNanos(nanos));
    }

    @Override
    public void verifySource(Position checkpoint) {
      watch.tell(
          new SourceWatch.VerifySource(
              checkpoint,
              context.messageAdapter(
                  SourceWatch.Verification.class, v -> new SourceVerified(epoch, v))));
    }

    @Override
    public void stateRefused(StateStoreException e) {
      blockOnState(e);
    }

    @Override
    public void gapSuspected() {
      watch.tell(SourceWatch.GapSuspected.INSTANCE);
    }
  }

  private Behavior<Command> onSchemaFetched(SchemaFetched msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    fetchingSchema = false;
    if (msg.failure() != null) {
      return fail(PipelineStage.SCHEMA, msg.failure());
    }
    pipeline.schemas().remember(msg.version(), msg.info());
    return onResume();
  }

  /**
   * The source is (or is not) the one the checkpoint came from. Where it was rebuilt, the numbering
   * starts again above everything the target holds (so nothing new is dropped as a duplicate) and
   * the source is replicated from where the cursor stands.
   */
  private Behavior<Command> onSourceVerified(SourceVerified msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    if (msg.verification() instanceof SourceWatch.Failed failed) {
      return fail(failed.stage(), failed.cause());
    }
    boolean rebuilt = msg.verification() == SourceWatch.Rebuilt.INSTANCE;
    if (rebuilt) {
      try {
        sequencer.restartAbove(checkpoints.lastSequenceId());
      } catch (StateStoreException e) {
        return fail(PipelineStage.STATE, e);
      }
      checkpoints.forgetPosition();
    }
    gates.sourceVerified(rebuilt);
    return onResume();
  }

  private Behavior<Command> onSendsCompleted(SendsCompleted msg) {
    if (msg.epoch() != epoch) {
      return Behaviors.same();
    }
    // Before looking: a send completing from here on rings again.
    window.heard();
    Optional<Throwable> failure = window.failure();
    if (failure.isPresent()) {
      return fail(PipelineStage.SEND, failure.get());
    }
    gates.settle();
    metrics.inFlight(window.messages());
    if (intake.holding()
        && !timers.isTimerActive(Resume.INSTANCE)
        && !fetchingSchema
        && !intake.halted(Intake.Halt.STATE_REFUSED)) {
      // Refused room earlier: some came back now.
      self.tell(Resume.INSTANCE);
    }
    requestMore();
    // Waiting on an empty consumer with nothing in flight: nothing is left to replicate.
    metrics.caughtUp(intake.receiving() && window.isEmpty());
    return Behaviors.same();
  }

  // ---- checkpoints -------------------------------------------------------------------------

  private Behavior<Command> onFlushTick() {
    try {
      if (intake.halted(Intake.Halt.STATE_REFUSED)) {
        checkpoints.probe(sequencer, window.checkpointable().isPresent());
      }
      flush();
      acknowledgeDurable(false);
    } catch (StateStoreException e) {
      blockOnState(e);
      return Behaviors.same();
    } catch (IllegalArgumentException e) {
      return fail(PipelineStage.STATE, e); // runs the store refuses: a bug, shown, never hidden
    }
    if (intake.halted(Intake.Halt.STATE_REFUSED)) {
      unblockState();
    }
    return Behaviors.same();
  }

  /** Writes the checkpoint; the source watch checks for gaps against it. */
  private void flush() {
    if (checkpoints.flush(window, pipeline.source(), sequencer)) {
      watch.tell(new SourceWatch.Checkpointed(checkpoints.lastWritten().orElseThrow().source()));
    }
  }

  /** Moves the source cursor to the last checkpoint the store made durable (see CursorAcks). */
  private void acknowledgeDurable(boolean force) {
    Optional<MessageId> to = checkpoints.durableCursor(force);
    if (to.isPresent()) {
      context.pipeToSelf(
          pipeline.source().acknowledgeCumulative(to.get()),
          (ok, err) -> new CursorMoved(epoch, to.get(), err));
    }
  }

  private Behavior<Command> onCursorMoved(CursorMoved msg) {
    if (msg.epoch() == epoch && msg.failure() != null) {
      // The checkpoint is written: the next acknowledgement (or the next start) moves the cursor.
      context
          .getLog()
          .warn(
              "{}: moving the source cursor to {} failed: {}",
              settings.sourceTopic(),
              msg.to(),
              describe(rootCause(msg.failure())));
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
    if (intake.halted(Intake.Halt.STATE_REFUSED)) {
      return;
    }
    intake.halt(Intake.Halt.STATE_REFUSED);
    metrics.error(PipelineStage.STATE.label(), describe(e));
    context
        .getLog()
        .warn(
            "{}: the state store refused a write; stopped taking messages: {}",
            settings.sourceTopic(),
            e.getMessage());
  }

  private void unblockState() {
    intake.lift(Intake.Halt.STATE_REFUSED);
    metrics.state(TopicState.RUNNING);
    context
        .getLog()
        .info("{}: the state store takes writes again; going on", settings.sourceTopic());
    if (intake.holding() && !fetchingSchema) {
      self.tell(Resume.INSTANCE);
    }
    requestMore();
  }

  // ---- settling, closing, failing -----------------------------------------------------------

  private Behavior<Command> onDrain() {
    metrics.state(TopicState.DRAINING);
    return settling(
        () -> closeAndStop(true),
        failure -> {
          // Shutting down: no restart. What settled before it is checkpointed; it and what
          // follows it go again at the next start.
          Throwable root = rootCause(failure);
          metrics.error(PipelineStage.SEND.errorKind(root), describe(root));
          gates.settle();
          return closeAndStop(false);
        },
        () -> {
          metrics.error(
              PipelineStage.DRAIN.label(),
              window.messages()
                  + " messages were still in flight after "
                  + DRAIN_LIMIT.toSeconds()
                  + " s of draining; they go again at the next start");
          return closeAndStop(false);
        },
        Behaviors::same);
  }

  /**
   * A failure on the source side (a corrupt entry, a consumer that failed): the sends in flight can
   * still complete. Waits for them (at most the drain limit) and checkpoints what the target
   * confirmed before failing: otherwise every restart that meets the same failure would send them
   * again (duplicates growing with each restart on a target without deduplication), and the cursor
   * would never pass them. A send that fails meanwhile goes first.
   */
  private Behavior<Command> failAfterSettling(PipelineStage stage, Throwable cause) {
    return settling(
        () -> fail(stage, cause),
        failure -> fail(PipelineStage.SEND, failure),
        () -> fail(stage, cause),
        () -> closeAndStop(false));
  }

  /**
   * Takes nothing more (what arrives stays unacknowledged on the source) and lets what is in flight
   * settle and be checkpointed, for at most {@link #DRAIN_LIMIT}; then {@code settled}, or {@code
   * sendFailed} with the first failure, or {@code timedOut}; {@code drain} answers a {@link Drain}
   * meanwhile.
   */
  private Behavior<Command> settling(
      Supplier<Behavior<Command>> settled,
      Function<Throwable, Behavior<Command>> sendFailed,
      Supplier<Behavior<Command>> timedOut,
      Supplier<Behavior<Command>> drain) {
    intake.halt(Intake.Halt.CLOSING);
    if (window.isEmpty()) {
      return settled.get();
    }
    timers.startSingleTimer(DrainTimeout.INSTANCE, DRAIN_LIMIT);
    return Behaviors.receive(Command.class)
        .onMessage(
            SendsCompleted.class,
            msg -> {
              if (msg.epoch() != epoch) {
                return Behaviors.same();
              }
              window.heard();
              Optional<Throwable> failure = window.failure();
              if (failure.isPresent()) {
                return sendFailed.apply(failure.get());
              }
              gates.settle();
              metrics.inFlight(window.messages());
              return window.isEmpty() ? settled.get() : Behaviors.same();
            })
        .onMessage(Received.class, this::onReceivedWhileClosing)
        .onMessage(CursorMoved.class, this::onCursorMoved)
        .onMessageEquals(FlushTick.INSTANCE, this::onFlushTick)
        .onMessageEquals(DrainTimeout.INSTANCE, timedOut::get)
        .onMessageEquals(Drain.INSTANCE, drain::get)
        .onSignal(PreRestart.class, s -> onStopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private Behavior<Command> onReceivedWhileClosing(Received<?> msg) {
    // Taken from the source but not forwarded: it stays unacknowledged on the source.
    if (msg.epoch() == epoch) {
      intake.received();
    }
    msg.release();
    return Behaviors.same();
  }

  private Behavior<Command> closeAndStop(boolean drained) {
    return closing(drained ? this::stopped : this::undrained, Behaviors::same);
  }

  /**
   * Records the error, keeps what the target acknowledged, closes the pipeline and only then
   * throws: the supervisor's restart finds the producer name free again.
   */
  private Behavior<Command> fail(PipelineStage stage, Throwable cause) {
    Throwable root = rootCause(cause);
    String errorKind = stage.errorKind(root);
    metrics.error(errorKind, describe(root));
    context
        .getLog()
        .warn(
            "{} -> {}: {} failed: {}",
            settings.sourceTopic(),
            settings.targetTopic(),
            errorKind,
            describe(root));
    return closing(
        () -> {
          metrics.restarted();
          throw new PartitionReplicationException(
              settings.sourceTopic() + ": " + stage.label() + " failed", root);
        },
        this::stopped);
  }

  /**
   * Writes the last checkpoint, abandons what is in flight, closes the pipeline; then {@code
   * closed}. {@code drain} answers a {@link Drain} meanwhile.
   */
  private Behavior<Command> closing(
      Supplier<Behavior<Command>> closed, Supplier<Behavior<Command>> drain) {
    checkpointBeforeClosing();
    abandonInFlight();
    timers.cancelAll();
    context.pipeToSelf(closeClients(), (ok, err) -> new Closed(epoch, err));
    return Behaviors.receive(Command.class)
        .onMessage(
            Closed.class,
            msg -> {
              reportCloseFailure(msg);
              return closed.get();
            })
        .onMessage(Connected.class, this::onConnectedWhileClosing)
        .onMessage(Received.class, this::onReceivedWhileClosing)
        .onMessageEquals(Drain.INSTANCE, drain::get)
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  /** Connected while the partition closed: nothing will use it. */
  private Behavior<Command> onConnectedWhileClosing(Connected msg) {
    closeStale(msg);
    return Behaviors.same();
  }

  /**
   * Writes the last checkpoint and moves the cursor to it before the pipeline closes. Where the
   * store refuses, the cursor stays behind the last durable checkpoint: what the target confirmed
   * since goes again next time, nothing is lost.
   */
  private void checkpointBeforeClosing() {
    if (pipeline == null || window == null) {
      return; // nothing was taken
    }
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

  private void reportCloseFailure(Closed msg) {
    if (msg.failure() != null) {
      // The broker frees a producer name and a consumer whose connection goes; nothing to redo.
      context
          .getLog()
          .warn(
              "{}: closing the consumer and producers failed: {}",
              settings.sourceTopic(),
              describe(rootCause(msg.failure())));
    }
  }

  /** Gives the link's budget back for what is in flight and held (the pipeline closes). */
  private void abandonInFlight() {
    if (gates != null) {
      gates.abandon();
      intake.releaseHeld();
    }
  }

  /** Unwraps the future wrappers around what actually failed. */
  static Throwable rootCause(Throwable cause) {
    return PulsarPipelineConnector.unwrap(cause);
  }

  static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Closes the pipeline, if it is open: at most once. */
  private CompletableFuture<Void> closeClients() {
    if (pipeline == null) {
      return CompletableFuture.completedFuture(null);
    }
    Pipeline<?> closing = pipeline;
    pipeline = null;
    return closing.close().orTimeout(10, TimeUnit.SECONDS);
  }

  private Behavior<Command> onStopped() {
    // Last resort when stopped from outside (the actor system terminating after a drain timed
    // out): keep what the target confirmed, then release the broker-side producer and consumer.
    if (pipeline != null) {
      checkpointBeforeClosing();
      if (window != null && !window.isEmpty() && metrics.state() != TopicState.STOPPED) {
        metrics.state(TopicState.UNDRAINED);
      }
      closeClients();
    }
    abandonInFlight();
    return Behaviors.same();
  }
}
