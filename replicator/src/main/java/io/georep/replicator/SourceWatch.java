package io.georep.replicator;

import io.georep.state.Position;
import io.georep.state.PositionMap;
import io.georep.state.SourcePartition;
import io.georep.state.StateStoreException;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pulsar.common.policies.data.PersistentTopicInternalStats;

/**
 * A child of a {@link PartitionReplicator} that reads its source partition's internal stats, on a
 * schedule and when the parent suspects a gap, for two things: to prune the position map to what
 * the source still retains (runs of deleted ledgers can never be translated), and to report a
 * source gap (georep's cursor moved past its checkpoint by someone else: message TTL, a backlog
 * quota's eviction, an operator's skip; georep itself never acknowledges beyond its checkpoint). A
 * failed read is only a missed diagnosis: replication goes on without it, and the next read tries
 * again.
 */
final class SourceWatch {

  /** The protocol. */
  sealed interface Command {}

  /** The parent wrote a checkpoint at {@code source}: the gap check compares against it. */
  record Checkpointed(Position source) implements Command {}

  /** The parent took a position past the successor of the one before: check now. */
  enum GapSuspected implements Command {
    INSTANCE
  }

  /**
   * Whether the source still holds the ledger of the checkpoint at {@code checkpoint}, or a newer
   * one; answered once to {@code replyTo}.
   */
  record VerifySource(Position checkpoint, ActorRef<Verification> replyTo) implements Command {}

  /** The answer to {@link VerifySource}. */
  sealed interface Verification {}

  /** The source is the one the checkpoint came from. */
  enum Same implements Verification {
    INSTANCE
  }

  /**
   * The checkpoint's ledger is gone and every ledger the source has is older: the source was
   * rebuilt. Reported, and the position map of the old source is dropped; the watch forgets the
   * checkpoint and the gap it reported.
   */
  enum Rebuilt implements Verification {
    INSTANCE
  }

  /** No answer: {@code stage} failed. */
  record Failed(PipelineStage stage, Throwable cause) implements Verification {}

  private record SourceRead(
      VerifySource request, PersistentTopicInternalStats stats, Throwable failure)
      implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record StatsRead(PersistentTopicInternalStats stats, Throwable failure)
      implements Command {}

  /** What a watch needs: who to ask, what to prune, where to report. */
  record Settings(
      PipelineConnector connector,
      SourcePartition key,
      String subscription,
      PositionMap positionMap,
      PartitionReplicatorMetrics metrics,
      SourceStatsSchedule schedule,
      Duration interval) {}

  static Behavior<Command> create(Settings settings, Position checkpoint) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new SourceWatch(context, timers, settings, checkpoint).watching()));
  }

  private final ActorContext<Command> context;
  private final Settings settings;
  private final String sourceTopic;
  private Position checkpoint; // null: none, no gap to check against
  private Position gapReportedUpTo; // null: none reported
  private boolean reading;

  private SourceWatch(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Settings settings,
      Position checkpoint) {
    this.context = context;
    this.settings = settings;
    this.sourceTopic = settings.key().topic();
    this.checkpoint = checkpoint;
    // The first read checks for a gap at once where this checkpoint was never checked, else it
    // waits for its turn: a restart does not read the stats again (see SourceStatsSchedule).
    timers.startTimerWithFixedDelay(
        Tick.INSTANCE,
        settings.schedule().firstRead(checkpoint, System.nanoTime()),
        settings.interval());
  }

  private Behavior<Command> watching() {
    return Behaviors.receive(Command.class)
        .onMessage(Checkpointed.class, this::onCheckpointed)
        .onMessageEquals(GapSuspected.INSTANCE, this::onGapSuspected)
        .onMessage(VerifySource.class, this::onVerifySource)
        .onMessage(SourceRead.class, this::onSourceRead)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(StatsRead.class, this::onStatsRead)
        .build();
  }

  private Behavior<Command> onCheckpointed(Checkpointed msg) {
    checkpoint = msg.source();
    return Behaviors.same();
  }

  private Behavior<Command> onGapSuspected() {
    if (checkpoint != null) {
      read();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onVerifySource(VerifySource msg) {
    context.pipeToSelf(
        settings.connector().sourceStats(), (stats, err) -> new SourceRead(msg, stats, err));
    return Behaviors.same();
  }

  /**
   * A rebuilt source (or a topic deleted and recreated on a cluster whose ledger ids started
   * again): the documented policy is to report it, forget the checkpoint's position (and the
   * position map of the old source) and replicate the new source from where the cursor stands.
   */
  private Behavior<Command> onSourceRead(SourceRead msg) {
    ActorRef<Verification> replyTo = msg.request().replyTo();
    if (msg.failure() != null) {
      replyTo.tell(new Failed(PipelineStage.SOURCE_TOPIC, msg.failure()));
      return Behaviors.same();
    }
    Position verified = msg.request().checkpoint();
    long checkpointLedger = verified.ledgerId();
    List<Long> ledgers =
        msg.stats().ledgers == null
            ? List.of()
            : msg.stats().ledgers.stream().map(l -> l.ledgerId).toList();
    if (!ledgers.stream().allMatch(l -> l < checkpointLedger)) {
      replyTo.tell(Same.INSTANCE);
      return Behaviors.same();
    }
    String description =
        String.format(
            "%s: the source no longer holds ledger %d of georep's checkpoint %s, and all its"
                + " ledgers (%s) are older: the source cluster was rebuilt or the topic recreated"
                + " from scratch; georep forgets the checkpoint and replicates the new source"
                + " from its cursor",
            sourceTopic, checkpointLedger, verified, ledgers);
    settings.metrics().event("source-rebuilt", description);
    context.getLog().warn(description);
    try {
      settings.positionMap().prune(settings.key(), Long.MAX_VALUE);
    } catch (StateStoreException e) {
      replyTo.tell(new Failed(PipelineStage.STATE, e));
      return Behaviors.same();
    }
    checkpoint = null;
    gapReportedUpTo = null;
    replyTo.tell(Rebuilt.INSTANCE);
    return Behaviors.same();
  }

  private Behavior<Command> onTick() {
    read();
    return Behaviors.same();
  }

  /** One read of the source's internal stats serves the gap check and the pruning. */
  private void read() {
    if (reading) {
      return;
    }
    reading = true;
    settings.schedule().reading(checkpoint, System.nanoTime());
    context.pipeToSelf(settings.connector().sourceStats(), StatsRead::new);
  }

  private Behavior<Command> onStatsRead(StatsRead msg) {
    reading = false;
    if (msg.failure() != null) {
      context
          .getLog()
          .debug(
              "{}: reading the source's stats failed: {}",
              sourceTopic,
              PartitionReplicator.describe(msg.failure()));
      return Behaviors.same();
    }
    prune(msg.stats());
    if (checkpoint == null) {
      return Behaviors.same();
    }
    // Against the checkpoint as it is now, not as it was when the stats were asked for: flushes
    // went on meanwhile, and the cursor they moved is no gap.
    SourceGap gap = SourceGap.of(msg.stats(), settings.subscription(), checkpoint);
    if (gap == null || gap.upTo().equals(gapReportedUpTo)) {
      return Behaviors.same();
    }
    gapReportedUpTo = gap.upTo();
    settings.metrics().sourceGap(gap.entries());
    String description = gap.describe(sourceTopic);
    settings.metrics().event("source-gap", description);
    context.getLog().warn(description);
    return Behaviors.same();
  }

  /** Drops the runs of ledgers the source no longer holds. */
  private void prune(PersistentTopicInternalStats stats) {
    if (stats.ledgers == null || stats.ledgers.isEmpty()) {
      return;
    }
    long firstLedger = stats.ledgers.get(0).ledgerId;
    long pruned;
    try {
      pruned = settings.positionMap().prune(settings.key(), firstLedger);
    } catch (StateStoreException e) {
      // Pruning only saves space: the next read prunes again.
      context.getLog().warn("{}: pruning the position map failed: {}", sourceTopic, e.getMessage());
      return;
    }
    settings.metrics().positionMapPruned(pruned);
    if (pruned > 0) {
      context
          .getLog()
          .debug(
              "{}: pruned {} position-map runs before ledger {}", sourceTopic, pruned, firstLedger);
    }
  }
}
