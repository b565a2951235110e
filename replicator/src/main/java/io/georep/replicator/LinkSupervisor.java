package io.georep.replicator;

import io.georep.config.LinkConfig;
import io.georep.state.CheckpointStore;
import io.georep.state.LinkFence;
import io.georep.state.LinkFences;
import io.georep.state.PositionMap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.impl.GuardedProducer;
import org.apache.pulsar.common.naming.TopicName;

/**
 * Runs one link: a {@link TopicDiscovery} child, and one {@link PartitionReplicator} per source
 * partition in scope, each supervised on its own so that one failing topic never stops another.
 * Before a topic's replicators start, its target topic is made to exist with at least the source's
 * partition count.
 */
public final class LinkSupervisor {

  /** Everything a link runs with; the clients are shared with other links on the same cluster. */
  public record Runtime(
      LinkConfig link,
      PulsarClient source,
      PulsarAdmin sourceAdmin,
      PulsarClient target,
      TargetTopics targetTopics,
      CheckpointStore checkpoints,
      PositionMap positionMap,
      MeterRegistry registry,
      ReceiveQueueBudget receiveQueues,
      Duration checkpointSyncInterval,
      LinkFences fences,
      List<LinkTask> tasks,
      ExecutorService taskPool) {}

  /** The protocol. */
  public sealed interface Command {}

  /** The topics in scope now, and those listed that georep cannot replicate. */
  public record TopicsDiscovered(
      List<TopicLister.SourceTopic> topics, List<TopicLister.SkippedTopic> skipped)
      implements Command {}

  /** Listing the source topics failed; the link keeps what runs and shows the reason. */
  public record DiscoveryFailed(String reason) implements Command {}

  /**
   * georep's cursor backlog per source partition, and the source topics whose backlog could not be
   * read (with the reason): theirs is unknown now.
   */
  public record BacklogsRead(Map<String, Long> backlogs, Map<String, String> unread)
      implements Command {}

  /** Drain every partition, then reply. */
  public record Stop(ActorRef<Stopped> replyTo) implements Command {}

  /** The reply to {@link Stop}: the link has drained; {@code last} is its final status. */
  public record Stopped(String link, DaemonStatus.LinkStatus last) {}

  /** Reply with the link's status, as its actors know it now. */
  public record GetStatus(ActorRef<LinkReport> replyTo) implements Command {}

  /**
   * The reply to {@link GetStatus}: {@code discovered} once the source has been listed (the daemon
   * is ready when every link has).
   */
  public record LinkReport(DaemonStatus.LinkStatus status, boolean discovered) {}

  /** Stop reading the sources (see {@link LinkControl#pause}). */
  public record Pause(ActorRef<StatusReply<LinkControl.Outcome>> replyTo) implements Command {}

  /** Read again after a pause. */
  public record Resume(ActorRef<StatusReply<LinkControl.Outcome>> replyTo) implements Command {}

  /** Stop every partition and keep the link stopped across restarts until {@link Unfence}. */
  public record Fence(String reason, ActorRef<StatusReply<LinkControl.Outcome>> replyTo)
      implements Command {}

  /** Lift the fence: the link starts again. */
  public record Unfence(ActorRef<StatusReply<LinkControl.Outcome>> replyTo) implements Command {}

  /** Reply once nothing is in flight and every partition has caught up, or at the timeout. */
  public record AwaitDrained(
      Duration timeout, ActorRef<StatusReply<LinkControl.DrainOutcome>> replyTo)
      implements Command {}

  private record DrainLook(AwaitDrained request, long startedNanos, int drainedLooks)
      implements Command {}

  /** {@code targetPartitions}: the target topic's partition count, 0 if it is not partitioned. */
  private record TargetReady(
      TopicLister.SourceTopic topic, Integer targetPartitions, Throwable failure)
      implements Command {}

  private record ReplicatorStopped(String sourcePartition) implements Command {}

  /** A partition's producer found its target topic missing (see {@link GuardedProducer}). */
  private record TargetMissing(String sourcePartition, String targetTopic, String reason)
      implements Command {}

  /** The target topic a partition's producer found missing is there again. */
  private record TargetPresent(String sourcePartition, String targetTopic) implements Command {}

  static Behavior<Command> create(Runtime runtime) {
    return Behaviors.setup(ctx -> new LinkSupervisor(ctx, runtime).running());
  }

  private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(100);

  private final ActorContext<Command> context;
  private final Runtime runtime;
  private final LinkConfig link;
  private final LinkStatusModel model;
  // The control state for the paused and fenced gauges, which the scrape reads.
  private final AtomicReference<LinkControl.ControlState> published = new AtomicReference<>();
  // The task runners while the link is not fenced.
  private final Map<LinkTask, ActorRef<LinkTaskRunner.Command>> taskRunners = new HashMap<>();
  private final Map<String, ActorRef<PartitionReplicator.Command>> replicators = new HashMap<>();
  private final LinkFlowControl flow;
  private final SourceListings sourceListings;
  private final Set<String> preparing = new HashSet<>();
  private final Set<String> skippedReported = new HashSet<>();
  // Running partitions discovery no longer lists, told to drain once.
  private final Set<String> unlisted = new HashSet<>();
  // Per source topic with running partitions: the topic as listed, and its target's partition
  // count when they started (0: not partitioned), to create a deleted target again as it was.
  private final Map<String, TopicLister.SourceTopic> startedTopics = new HashMap<>();
  private final Map<String, Integer> startedTargetPartitions = new HashMap<>();
  // Source partitions whose producer waits for a missing target topic.
  private final Set<String> targetMissing = new HashSet<>();
  // Read by the partitions (a restarted one starts paused if the link is).
  private final AtomicBoolean readingPaused = new AtomicBoolean();
  private LinkControl.ControlState control;
  private LinkFence fence;
  private final List<ActorRef<StatusReply<LinkControl.Outcome>>> fenceWaiters = new ArrayList<>();
  // The last listing: an unfenced link starts from it at once rather than at the next round.
  private TopicsDiscovered lastDiscovered;
  private int spawned;

  private LinkSupervisor(ActorContext<Command> context, Runtime runtime) {
    this.context = context;
    this.runtime = runtime;
    this.link = runtime.link();
    this.model = new LinkStatusModel(link);
    this.flow =
        new LinkFlowControl(
            link.options().inFlightMessages(),
            link.options().inFlightBytes(),
            link.options().messagesPerSecond(),
            link.options().bytesPerSecond());
    io.micrometer.core.instrument.Gauge.builder(
            "georep.link.inflight.messages", flow, LinkFlowControl::messagesInFlight)
        .description("Messages of the whole link sent to the target and not yet acknowledged")
        .tag("link", link.name())
        .register(runtime.registry());
    io.micrometer.core.instrument.Gauge.builder(
            "georep.link.inflight.bytes", flow, LinkFlowControl::bytesInFlight)
        .description("Bytes of the whole link sent to the target and not yet acknowledged")
        .baseUnit("bytes")
        .tag("link", link.name())
        .register(runtime.registry());
    this.sourceListings =
        SourceListings.of(
            runtime.sourceAdmin(), sourceListingMaxAge(link.options().discoveryInterval()));
    for (LinkControl.ControlState state :
        List.of(LinkControl.ControlState.PAUSED, LinkControl.ControlState.FENCED)) {
      io.micrometer.core.instrument.Gauge.builder(
              "georep.link." + state.name().toLowerCase(java.util.Locale.ROOT),
              published,
              p -> p.get() == state ? 1 : 0)
          .description("1 while the link is " + state.name().toLowerCase(java.util.Locale.ROOT))
          .tag("link", link.name())
          .register(runtime.registry());
    }
    this.fence = runtime.fences().fenceOf(link.name()).orElse(null);
    this.control =
        fence == null ? LinkControl.ControlState.ACTIVE : LinkControl.ControlState.FENCED;
    publish(control);
    if (fence != null) {
      context
          .getLog()
          .warn(
              "link {} is fenced since {} ({}): it starts no partition until unfenced",
              link.name(),
              fence.fencedAt(),
              fence.reason().isEmpty() ? "no reason given" : fence.reason());
    }
    context.spawn(
        TopicDiscovery.create(
            new TopicLister(runtime.sourceAdmin(), sourceListings, link.name(), link.scope()),
            "georep-" + link.name(),
            link.options().discoveryInterval(),
            context.getSelf()),
        "discovery");
    if (fence == null) {
      startTasks();
    }
  }

  private void publish(LinkControl.ControlState state) {
    model.control(state);
    published.set(state);
  }

  /** One runner per task of the link; none while it is fenced. */
  private void startTasks() {
    for (LinkTask task : runtime.tasks()) {
      taskRunners.computeIfAbsent(
          task,
          t ->
              context.spawn(
                  LinkTaskRunner.create(link.name(), t, runtime.taskPool()),
                  t.name() + "-" + (spawned++)));
    }
  }

  private void stopTasks() {
    taskRunners.values().forEach(context::stop);
    taskRunners.clear();
  }

  /** The link's status: its own, its partitions', and what each task adds. */
  private DaemonStatus.LinkStatus status() {
    DaemonStatus.LinkStatus status = model.snapshot();
    for (LinkTask task : runtime.tasks()) {
      status = task.addTo(status);
    }
    return status;
  }

  private Behavior<Command> onGetStatus(GetStatus msg) {
    msg.replyTo().tell(new LinkReport(status(), model.hasDiscovered()));
    return Behaviors.same();
  }

  /**
   * How old a source listing may be to tell a restarting partition that its topic still exists: two
   * discovery rounds (discovery lists every interval and notices a deleted topic itself), at most a
   * minute.
   */
  static Duration sourceListingMaxAge(Duration discoveryInterval) {
    Duration twoRounds = discoveryInterval.multipliedBy(2);
    return twoRounds.compareTo(MAX_SOURCE_LISTING_AGE) < 0 ? twoRounds : MAX_SOURCE_LISTING_AGE;
  }

  private static final Duration MAX_SOURCE_LISTING_AGE = Duration.ofMinutes(1);

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(TopicsDiscovered.class, this::onTopicsDiscovered)
        .onMessage(DiscoveryFailed.class, this::onDiscoveryFailed)
        .onMessage(BacklogsRead.class, this::onBacklogsRead)
        .onMessage(TargetReady.class, this::onTargetReady)
        .onMessage(ReplicatorStopped.class, this::onReplicatorStopped)
        .onMessage(TargetMissing.class, this::onTargetMissing)
        .onMessage(TargetPresent.class, this::onTargetPresent)
        .onMessage(Pause.class, this::onPause)
        .onMessage(Resume.class, this::onResume)
        .onMessage(Fence.class, this::onFence)
        .onMessage(Unfence.class, this::onUnfence)
        .onMessage(AwaitDrained.class, this::onAwaitDrained)
        .onMessage(DrainLook.class, this::onDrainLook)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(Stop.class, this::onStop)
        .build();
  }

  private Behavior<Command> onTopicsDiscovered(TopicsDiscovered msg) {
    model.discovered();
    msg.skipped().forEach(this::reportSkipped);
    lastDiscovered = msg;
    if (control == LinkControl.ControlState.FENCED) {
      return Behaviors.same(); // starts nothing; what ran was stopped by the fence
    }
    Set<String> inScope = new HashSet<>();
    for (TopicLister.SourceTopic topic : msg.topics()) {
      List<String> partitions = topic.partitionNames();
      inScope.addAll(partitions);
      boolean allRunning = partitions.stream().allMatch(replicators::containsKey);
      if (!allRunning && preparing.add(topic.name())) {
        context.pipeToSelf(
            prepareTarget(topic, topic.partitions()),
            (count, err) -> new TargetReady(topic, count, err));
      }
    }
    for (var entry : replicators.entrySet()) {
      if (!inScope.contains(entry.getKey()) && unlisted.add(entry.getKey())) {
        // The scope is read once, at start: a running partition no longer listed was deleted on
        // the source (it, or its namespace). Discovery often sees that before the partition's
        // consumer does, so the event is recorded here unless the partition recorded it itself.
        PartitionReplicatorMetrics metrics = model.partitions().get(entry.getKey());
        if (metrics != null && metrics.state() != TopicState.STOPPED) {
          metrics.event("source-deleted", entry.getKey() + " no longer exists on the source");
        }
        context
            .getLog()
            .info(
                "{} no longer exists on the source of link {}: stopping",
                entry.getKey(),
                link.name());
        entry.getValue().tell(PartitionReplicator.Drain.INSTANCE);
      }
    }
    return Behaviors.same();
  }

  /** A warning and an event per skipped topic, once per daemon run, not every discovery round. */
  private void reportSkipped(TopicLister.SkippedTopic topic) {
    if (!skippedReported.add(topic.name())) {
      return;
    }
    context
        .getLog()
        .warn("link {}: not replicating {}: {}", link.name(), topic.name(), topic.reason());
    Counter.builder("georep.events")
        .description("Noteworthy events by kind")
        .tags("link", link.name(), "topic", topic.name(), "kind", TopicLister.SKIPPED_EVENT)
        .register(runtime.registry())
        .increment();
  }

  private Behavior<Command> onDiscoveryFailed(DiscoveryFailed msg) {
    model.error("listing source topics failed: " + msg.reason());
    return Behaviors.same();
  }

  private Behavior<Command> onBacklogsRead(BacklogsRead msg) {
    msg.backlogs()
        .forEach(
            (partition, backlog) -> {
              PartitionReplicatorMetrics metrics = model.partitions().get(partition);
              if (metrics != null) {
                metrics.backlog(backlog);
              }
            });
    // Not the last figure read, which may be long gone: unknown, as before the first read (the
    // lister warned, naming the topic).
    model
        .partitions()
        .forEach(
            (partition, metrics) -> {
              // A topic in scope is listed by its base name, or alone when the scope names one
              // partition.
              if (msg.unread().containsKey(partition)
                  || msg.unread().containsKey(TopicName.get(partition).getPartitionedTopicName())) {
                metrics.backlog(-1);
              }
            });
    return Behaviors.same();
  }

  /**
   * Makes the target topic ready for the link: with {@code createTargetTopics}, existing with at
   * least {@code partitions} (see {@link TargetTopics#create}); with {@code deduplication: enable},
   * in a namespace with deduplication on before the first producer of the link connects. Completes
   * with the target's partition count (0: not partitioned).
   */
  private CompletionStage<Integer> prepareTarget(TopicLister.SourceTopic topic, int partitions) {
    String target = link.mapping().mapTopic(topic.name());
    TargetTopics targets = runtime.targetTopics();
    CompletionStage<Void> deduplicated =
        link.options().enableTargetDeduplication()
            ? targets.enableDeduplication(TopicLister.namespaceOf(target))
            : CompletableFuture.completedFuture(null);
    return deduplicated.thenCompose(
        ok ->
            link.options().createTargetTopics()
                ? targets.create(target, partitions)
                : targets.partitions(target));
  }

  private Behavior<Command> onTargetReady(TargetReady msg) {
    TopicLister.SourceTopic topic = msg.topic();
    preparing.remove(topic.name());
    for (String partition : topic.partitionNames()) {
      PartitionReplicatorMetrics metrics = metricsFor(partition);
      if (msg.failure() != null) {
        // Retried at the next discovery round; the other topics keep flowing.
        Throwable cause = AsyncFailures.unwrap(msg.failure());
        String kind =
            cause instanceof PulsarAdminException.NotAuthorizedException
                ? "permission"
                : "target-topic";
        metrics.error(kind, TopicDiscovery.describe(msg.failure()));
        continue;
      }
      if (!replicators.containsKey(partition)) {
        start(topic, partition, msg.targetPartitions(), metrics);
      }
    }
    return Behaviors.same();
  }

  /**
   * A producer found its target topic missing while the link runs (deleted on the target): an
   * event, the reason in the partition's status, and with {@code createTargetTopics} the topic
   * created again as it was before the producer connects (it waits for it, its messages kept).
   */
  private Behavior<Command> onTargetMissing(TargetMissing msg) {
    PartitionReplicatorMetrics metrics = model.partitions().get(msg.sourcePartition());
    if (metrics == null || !replicators.containsKey(msg.sourcePartition())) {
      return Behaviors.same();
    }
    String sourceTopic = TopicName.get(msg.sourcePartition()).getPartitionedTopicName();
    TopicLister.SourceTopic topic = startedTopics.get(sourceTopic);
    boolean recreate = link.options().createTargetTopics() && topic != null;
    if (targetMissing.add(msg.sourcePartition())) {
      metrics.event("target-deleted", msg.reason());
      int partitions = startedTargetPartitions.getOrDefault(sourceTopic, 0);
      metrics.error(
          "target-topic",
          msg.reason()
              + (recreate
                  ? "; georep creates it again (createTargetTopics) and sends once it exists"
                  : "; createTargetTopics is off on link "
                      + link.name()
                      + ": create "
                      + link.mapping().mapTopic(sourceTopic)
                      + (partitions > 0 ? " with " + partitions + " partitions" : "")
                      + " on the target and georep sends what waits"));
      context
          .getLog()
          .warn("link {}: {} waits: {}", link.name(), msg.sourcePartition(), msg.reason());
    }
    if (recreate && preparing.add(topic.name())) {
      int partitions =
          Math.max(topic.partitions(), startedTargetPartitions.getOrDefault(topic.name(), 0));
      context.pipeToSelf(
          prepareTarget(topic, partitions), (count, err) -> new TargetReady(topic, count, err));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onTargetPresent(TargetPresent msg) {
    PartitionReplicatorMetrics metrics = model.partitions().get(msg.sourcePartition());
    if (targetMissing.remove(msg.sourcePartition()) && metrics != null) {
      context
          .getLog()
          .info(
              "link {}: {} exists again; {} sends",
              link.name(),
              msg.targetTopic(),
              msg.sourcePartition());
      if (metrics.state() == TopicState.ERROR) {
        metrics.state(TopicState.RUNNING);
      }
    }
    return Behaviors.same();
  }

  /** Tells this supervisor what the partition's producers find of their target topic. */
  private GuardedProducer.Watcher targetWatcher(String partition) {
    ActorRef<Command> self = context.getSelf();
    return new GuardedProducer.Watcher() {
      @Override
      public void missing(String topic, String reason) {
        self.tell(new TargetMissing(partition, topic, reason));
      }

      @Override
      public void present(String topic) {
        self.tell(new TargetPresent(partition, topic));
      }
    };
  }

  private PartitionReplicatorMetrics metricsFor(String partition) {
    return model
        .partitions()
        .computeIfAbsent(
            partition,
            p ->
                new PartitionReplicatorMetrics(
                    runtime.registry(), link.name(), p, link.mapping().mapTopic(p)));
  }

  private void start(
      TopicLister.SourceTopic topic,
      String partition,
      int targetPartitions,
      PartitionReplicatorMetrics metrics) {
    if (control == LinkControl.ControlState.FENCED) {
      return; // its target was being prepared when the fence came
    }
    PartitionPlan plan = PartitionPlan.of(link, topic, partition, targetPartitions);
    var settings =
        new PartitionSettings(
            link.name(),
            link.source(),
            link.target(),
            partition,
            plan.targetTopic(),
            plan.routing(),
            link.startAt(),
            link.options().partitionInFlightMessages(),
            link.options().partitionInFlightBytes(),
            CHECKPOINT_INTERVAL,
            runtime.checkpointSyncInterval(),
            link.options().enableTargetDeduplication(),
            plan.forwardEntries());
    var resources =
        new PartitionResources(
            runtime.source(),
            runtime.sourceAdmin(),
            sourceListings,
            runtime.target(),
            runtime.checkpoints(),
            runtime.positionMap(),
            metrics,
            flow,
            runtime.receiveQueues(),
            targetWatcher(partition),
            readingPaused::get);
    String name = "partition-" + (spawned++) + "-" + partition.replaceAll("[^A-Za-z0-9_.-]", "_");
    ActorRef<PartitionReplicator.Command> ref =
        context.spawn(PartitionReplicator.create(settings, resources), name);
    context.watchWith(ref, new ReplicatorStopped(partition));
    replicators.put(partition, ref);
    startedTopics.put(topic.name(), topic);
    startedTargetPartitions.put(topic.name(), targetPartitions);
  }

  private Behavior<Command> onReplicatorStopped(ReplicatorStopped msg) {
    replicators.remove(msg.sourcePartition());
    unlisted.remove(msg.sourcePartition());
    targetMissing.remove(msg.sourcePartition());
    String sourceTopic = TopicName.get(msg.sourcePartition()).getPartitionedTopicName();
    if (replicators.keySet().stream()
        .noneMatch(p -> TopicName.get(p).getPartitionedTopicName().equals(sourceTopic))) {
      startedTopics.remove(sourceTopic);
      startedTargetPartitions.remove(sourceTopic);
    }
    PartitionReplicatorMetrics metrics = model.partitions().remove(msg.sourcePartition());
    if (metrics != null) {
      metrics.close();
    }
    if (replicators.isEmpty() && !fenceWaiters.isEmpty()) {
      fenceWaiters.forEach(w -> w.tell(StatusReply.success(outcome("every partition stopped"))));
      fenceWaiters.clear();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onPause(Pause msg) {
    if (control == LinkControl.ControlState.FENCED) {
      msg.replyTo().tell(StatusReply.error(fenced("pause")));
      return Behaviors.same();
    }
    readingPaused.set(true);
    control = LinkControl.ControlState.PAUSED;
    publish(control);
    replicators.values().forEach(r -> r.tell(PartitionReplicator.PauseReading.INSTANCE));
    context.getLog().info("link {} paused: its partitions stop reading", link.name());
    msg.replyTo().tell(StatusReply.success(outcome("reading stopped; in-flight sends complete")));
    return Behaviors.same();
  }

  private Behavior<Command> onResume(Resume msg) {
    if (control == LinkControl.ControlState.FENCED) {
      msg.replyTo().tell(StatusReply.error(fenced("resume")));
      return Behaviors.same();
    }
    readingPaused.set(false);
    control = LinkControl.ControlState.ACTIVE;
    publish(control);
    replicators.values().forEach(r -> r.tell(PartitionReplicator.ResumeReading.INSTANCE));
    context.getLog().info("link {} resumed", link.name());
    msg.replyTo().tell(StatusReply.success(outcome("reading again")));
    return Behaviors.same();
  }

  private LinkControl.LinkStateException fenced(String what) {
    return new LinkControl.LinkStateException(
        "link "
            + link.name()
            + " is fenced since "
            + fence.fencedAt()
            + (fence.reason().isEmpty() ? "" : " (" + fence.reason() + ")")
            + ": cannot "
            + what
            + " it; unfence it first");
  }

  /**
   * Persists the fence first (so that a crash from here on restarts fenced), then drains every
   * partition; replies once all stopped.
   */
  private Behavior<Command> onFence(Fence msg) {
    LinkFence wanted = new LinkFence(link.name(), java.time.Instant.now(), msg.reason());
    try {
      runtime.fences().fence(wanted);
    } catch (RuntimeException e) {
      msg.replyTo()
          .tell(
              StatusReply.error(
                  new LinkControl.LinkStateException(
                      "could not persist the fence of link "
                          + link.name()
                          + ", so it is not fenced: "
                          + e.getMessage())));
      return Behaviors.same();
    }
    fence = wanted;
    control = LinkControl.ControlState.FENCED;
    publish(control);
    stopTasks();
    context
        .getLog()
        .warn(
            "link {} fenced ({}): stopping its partitions; it stays stopped until unfenced",
            link.name(),
            msg.reason().isEmpty() ? "no reason given" : msg.reason());
    if (replicators.isEmpty()) {
      msg.replyTo().tell(StatusReply.success(outcome("nothing was running")));
      return Behaviors.same();
    }
    fenceWaiters.add(msg.replyTo());
    replicators.values().forEach(r -> r.tell(PartitionReplicator.Drain.INSTANCE));
    return Behaviors.same();
  }

  private Behavior<Command> onUnfence(Unfence msg) {
    if (control != LinkControl.ControlState.FENCED) {
      msg.replyTo().tell(StatusReply.success(outcome("was not fenced")));
      return Behaviors.same();
    }
    if (!replicators.isEmpty()) {
      msg.replyTo()
          .tell(
              StatusReply.error(
                  new LinkControl.LinkStateException(
                      "link "
                          + link.name()
                          + " is still stopping its partitions after the fence ("
                          + replicators.size()
                          + " left): try again when the fence call has returned")));
      return Behaviors.same();
    }
    try {
      runtime.fences().unfence(link.name());
    } catch (RuntimeException e) {
      msg.replyTo()
          .tell(
              StatusReply.error(
                  new LinkControl.LinkStateException(
                      "could not lift the fence of link "
                          + link.name()
                          + ", so it stays fenced: "
                          + e.getMessage())));
      return Behaviors.same();
    }
    fence = null;
    readingPaused.set(false);
    control = LinkControl.ControlState.ACTIVE;
    publish(control);
    context.getLog().info("link {} unfenced: starting its partitions", link.name());
    startTasks();
    if (lastDiscovered != null) {
      onTopicsDiscovered(lastDiscovered);
    }
    msg.replyTo().tell(StatusReply.success(outcome("starting its partitions")));
    return Behaviors.same();
  }

  private static final Duration DRAIN_LOOK_INTERVAL = Duration.ofMillis(200);

  private Behavior<Command> onAwaitDrained(AwaitDrained msg) {
    return onDrainLook(new DrainLook(msg, System.nanoTime(), 0));
  }

  /**
   * Drained: every partition caught up (its consumer holds nothing more) with nothing in flight, on
   * two looks in a row, so that a partition between two receives does not pass for idle.
   */
  private Behavior<Command> onDrainLook(DrainLook look) {
    LinkFigures figures = LinkFigures.of(model.snapshot().topics());
    int drainedLooks = figures.idle() ? look.drainedLooks() + 1 : 0;
    Duration waited = Duration.ofNanos(System.nanoTime() - look.startedNanos());
    boolean drained = drainedLooks >= 2;
    if (drained || waited.compareTo(look.request().timeout()) >= 0) {
      look.request()
          .replyTo()
          .tell(
              StatusReply.success(
                  new LinkControl.DrainOutcome(
                      link.name(),
                      drained,
                      waited,
                      figures.partitions(),
                      figures.inFlight(),
                      figures.backlog(),
                      figures.maxLagMillis())));
      return Behaviors.same();
    }
    context.scheduleOnce(
        DRAIN_LOOK_INTERVAL,
        context.getSelf(),
        new DrainLook(look.request(), look.startedNanos(), drainedLooks));
    return Behaviors.same();
  }

  private LinkControl.Outcome outcome(String note) {
    LinkFigures figures = LinkFigures.of(model.snapshot().topics());
    return new LinkControl.Outcome(
        link.name(), control, figures.partitions(), figures.inFlight(), figures.backlog(), note);
  }

  private Behavior<Command> onStop(Stop msg) {
    stopTasks();
    replicators.values().forEach(ref -> ref.tell(PartitionReplicator.Drain.INSTANCE));
    return stopping(msg.replyTo());
  }

  private Behavior<Command> stopping(ActorRef<Stopped> replyTo) {
    if (replicators.isEmpty()) {
      model.stopped();
      DaemonStatus.LinkStatus last = status();
      runtime.tasks().forEach(LinkTask::close);
      // Every meter of the link leaves the registry (the partitions' figures stay readable for the
      // final status): a link a reload removed is gone from /metrics, and a gauge bound to this
      // link's objects would otherwise come back to a link added again under the same name.
      model.partitions().values().forEach(PartitionReplicatorMetrics::close);
      runtime.registry().getMeters().stream()
          .filter(m -> link.name().equals(m.getId().getTag("link")))
          .toList()
          .forEach(runtime.registry()::remove);
      replyTo.tell(new Stopped(link.name(), last));
      return Behaviors.stopped();
    }
    return Behaviors.receive(Command.class)
        .onMessage(
            ReplicatorStopped.class,
            msg -> {
              // Keep the final figures visible in status while the daemon stops.
              replicators.remove(msg.sourcePartition());
              return stopping(replyTo);
            })
        .onMessage(Pause.class, msg -> refuseStopping(msg.replyTo()))
        .onMessage(Resume.class, msg -> refuseStopping(msg.replyTo()))
        .onMessage(Fence.class, msg -> refuseStopping(msg.replyTo()))
        .onMessage(Unfence.class, msg -> refuseStopping(msg.replyTo()))
        .onMessage(AwaitDrained.class, msg -> refuseStopping(msg.replyTo()))
        .onMessage(GetStatus.class, this::onGetStatus)
        .onAnyMessage(msg -> Behaviors.same())
        .build();
  }

  private <T> Behavior<Command> refuseStopping(ActorRef<StatusReply<T>> replyTo) {
    replyTo.tell(
        StatusReply.error(
            new LinkControl.LinkStateException(
                "the daemon is stopping link "
                    + link.name()
                    + ": nothing more can be done to it")));
    return Behaviors.same();
  }
}
