package io.georep.replicator;

import io.georep.config.Forwarding;
import io.georep.config.LinkConfig;
import io.georep.state.CheckpointStore;
import io.georep.state.PositionMap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.impl.EntryQueueBudget;

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
      PulsarAdmin targetAdmin,
      CheckpointStore checkpoints,
      PositionMap positionMap,
      MeterRegistry registry,
      EntryQueueBudget entryQueue,
      Duration checkpointSyncInterval) {}

  /** The protocol. */
  public sealed interface Command {}

  /** The topics in scope now, and those listed that georep cannot replicate. */
  public record TopicsDiscovered(
      List<TopicLister.SourceTopic> topics, List<TopicLister.SkippedTopic> skipped)
      implements Command {}

  /** Listing the source topics failed; the link keeps what runs and shows the reason. */
  public record DiscoveryFailed(String reason) implements Command {}

  /** georep's cursor backlog per source partition. */
  public record BacklogsRead(Map<String, Long> backlogs) implements Command {}

  /** Drain every partition, then reply. */
  public record Stop(ActorRef<Stopped> replyTo) implements Command {}

  /** The reply to {@link Stop}: the link has drained. */
  public record Stopped(String link) {}

  /** {@code targetPartitions}: the target topic's partition count, 0 if it is not partitioned. */
  private record TargetReady(
      TopicLister.SourceTopic topic, Integer targetPartitions, Throwable failure)
      implements Command {}

  private record ReplicatorStopped(String sourcePartition) implements Command {}

  static Behavior<Command> create(Runtime runtime, LinkStatusBoard board) {
    return Behaviors.setup(ctx -> new LinkSupervisor(ctx, runtime, board).running());
  }

  private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(100);

  private final ActorContext<Command> context;
  private final Runtime runtime;
  private final LinkConfig link;
  private final LinkStatusBoard board;
  private final Map<String, ActorRef<PartitionReplicator.Command>> replicators = new HashMap<>();
  private final LinkFlowControl flow;
  private final SourceListings sourceListings;
  private final Set<String> preparing = new HashSet<>();
  private final Set<String> skippedReported = new HashSet<>();
  // Running partitions discovery no longer lists, told to drain once.
  private final Set<String> unlisted = new HashSet<>();
  // Target namespaces whose deduplication was switched on (or is being); read on futures' threads.
  private final Map<String, CompletableFuture<Void>> deduplicated =
      new java.util.concurrent.ConcurrentHashMap<>();
  private int spawned;

  private LinkSupervisor(ActorContext<Command> context, Runtime runtime, LinkStatusBoard board) {
    this.context = context;
    this.runtime = runtime;
    this.link = runtime.link();
    this.board = board;
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
    context.spawn(
        TopicDiscovery.create(
            new TopicLister(runtime.sourceAdmin(), sourceListings, link.name(), link.scope()),
            "georep-" + link.name(),
            link.options().discoveryInterval(),
            context.getSelf()),
        "discovery");
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
        .onMessage(Stop.class, this::onStop)
        .build();
  }

  private Behavior<Command> onTopicsDiscovered(TopicsDiscovered msg) {
    board.discovered();
    msg.skipped().forEach(this::reportSkipped);
    Set<String> inScope = new HashSet<>();
    for (TopicLister.SourceTopic topic : msg.topics()) {
      List<String> partitions = topic.partitionNames();
      inScope.addAll(partitions);
      boolean allRunning = partitions.stream().allMatch(replicators::containsKey);
      if (!allRunning && preparing.add(topic.name())) {
        context.pipeToSelf(
            prepareTarget(topic), (count, err) -> new TargetReady(topic, count, err));
      }
    }
    for (var entry : replicators.entrySet()) {
      if (!inScope.contains(entry.getKey()) && unlisted.add(entry.getKey())) {
        // The scope is read once, at start: a running partition no longer listed was deleted on
        // the source (it, or its namespace). Discovery often sees that before the partition's
        // consumer does, so the event is recorded here unless the partition recorded it itself.
        PartitionReplicatorMetrics metrics = board.partitions().get(entry.getKey());
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
    board.error("listing source topics failed: " + msg.reason());
    return Behaviors.same();
  }

  private Behavior<Command> onBacklogsRead(BacklogsRead msg) {
    msg.backlogs()
        .forEach(
            (partition, backlog) -> {
              PartitionReplicatorMetrics metrics = board.partitions().get(partition);
              if (metrics != null) {
                metrics.backlog(backlog);
              }
            });
    return Behaviors.same();
  }

  /**
   * Makes the target topic exist: partitioned with at least the source's partition count, or
   * non-partitioned. An existing topic is left as it is, except that a partitioned one may grow.
   * Completes with the target's partition count (0: not partitioned).
   */
  private CompletableFuture<Integer> prepareTarget(TopicLister.SourceTopic topic) {
    String target = link.mapping().mapTopic(topic.name());
    String namespace = TopicLister.namespaceOf(target);
    return deduplicate(namespace)
        .thenCompose(ok -> createTarget(topic, target, namespace))
        .thenCompose(ok -> targetPartitions(target));
  }

  /** The target topic's partition count, 0 when it is not partitioned (or does not exist). */
  private CompletableFuture<Integer> targetPartitions(String target) {
    return runtime
        .targetAdmin()
        .topics()
        .getPartitionedTopicMetadataAsync(target)
        .thenApply(metadata -> metadata.partitions);
  }

  /**
   * With {@code deduplication: enable}, switches deduplication on for a target namespace before the
   * first producer of the link connects to it (once per namespace and daemon run).
   */
  private CompletableFuture<Void> deduplicate(String namespace) {
    if (!link.options().enableTargetDeduplication()) {
      return CompletableFuture.completedFuture(null);
    }
    return deduplicated.computeIfAbsent(
        namespace,
        ns ->
            runtime
                .targetAdmin()
                .namespaces()
                .setDeduplicationStatusAsync(ns, true)
                .whenComplete(
                    (ok, err) -> {
                      if (err != null) {
                        deduplicated.remove(ns); // tried again with the next topic or round
                      }
                    }));
  }

  private CompletableFuture<Void> createTarget(
      TopicLister.SourceTopic topic, String target, String namespace) {
    if (!link.options().createTargetTopics()) {
      return CompletableFuture.completedFuture(null);
    }
    var topics = runtime.targetAdmin().topics();
    // Look before creating: the admin client logs every refused create as an error.
    if (topic.partitions() == 0) {
      return topics
          .getListAsync(namespace)
          .thenCompose(
              existing ->
                  existing.contains(target)
                      ? CompletableFuture.<Void>completedFuture(null)
                      : ignoreConflict(topics.createNonPartitionedTopicAsync(target)));
    }
    return topics
        .getPartitionedTopicListAsync(namespace)
        .thenCompose(
            existing ->
                existing.contains(target)
                    ? topics.getPartitionedTopicMetadataAsync(target).thenApply(m -> m.partitions)
                    : refuseNonPartitioned(topics, namespace, target, topic.partitions()))
        .thenCompose(
            partitions -> {
              if (partitions == 0) {
                return ignoreConflict(
                    topics.createPartitionedTopicAsync(target, topic.partitions()));
              }
              if (partitions < topic.partitions()) {
                return topics.updatePartitionedTopicAsync(target, topic.partitions());
              }
              return CompletableFuture.completedFuture(null);
            });
  }

  /**
   * 0 when the target topic does not exist; a failure when it exists without partitions (e.g.
   * auto-created by a client): writing partition i next to it would fill topics nobody reads.
   */
  private static CompletableFuture<Integer> refuseNonPartitioned(
      org.apache.pulsar.client.admin.Topics topics,
      String namespace,
      String target,
      int partitions) {
    return topics
        .getListAsync(namespace)
        .thenApply(
            all -> {
              if (all.contains(target)) {
                throw new CompletionException(
                    new IllegalStateException(
                        target
                            + " exists on the target as a non-partitioned topic but the source"
                            + " topic has "
                            + partitions
                            + " partitions; delete it or recreate it with "
                            + partitions
                            + " partitions"));
              }
              return 0;
            });
  }

  private static CompletableFuture<Void> ignoreConflict(CompletableFuture<Void> create) {
    return create.exceptionally(
        err -> {
          if (unwrap(err) instanceof PulsarAdminException.ConflictException) {
            return null;
          }
          throw new CompletionException(unwrap(err));
        });
  }

  private static Throwable unwrap(Throwable err) {
    return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
  }

  private Behavior<Command> onTargetReady(TargetReady msg) {
    TopicLister.SourceTopic topic = msg.topic();
    preparing.remove(topic.name());
    for (String partition : topic.partitionNames()) {
      PartitionReplicatorMetrics metrics = metricsFor(partition);
      if (msg.failure() != null) {
        // Retried at the next discovery round; the other topics keep flowing.
        Throwable cause = unwrap(msg.failure());
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

  private PartitionReplicatorMetrics metricsFor(String partition) {
    return board
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
    String targetTopic = link.mapping().mapTopic(partition);
    TargetRouting routing;
    if (targetPartitions == topic.partitions()) {
      routing = TargetRouting.identity(topic.partitions() == 0 ? -1 : partitionIndex(partition));
    } else if (targetPartitions == 0) {
      // A non-partitioned target takes every source partition (the source was checked to be
      // non-partitioned too when georep creates targets; see refuseNonPartitioned).
      targetTopic = link.mapping().mapTopic(topic.name());
      routing = TargetRouting.identity(-1);
    } else {
      targetTopic = link.mapping().mapTopic(topic.name());
      routing = TargetRouting.routed(targetPartitions);
    }
    var settings =
        new PartitionReplicator.Settings(
            link.name(),
            link.source(),
            link.target(),
            partition,
            targetTopic,
            routing,
            link.startAt(),
            link.options().partitionInFlightMessages(),
            link.options().partitionInFlightBytes(),
            CHECKPOINT_INTERVAL,
            runtime.checkpointSyncInterval(),
            link.options().enableTargetDeduplication(),
            // A routed topic sends each message where its key says: only messages can do that.
            link.options().forwarding() == Forwarding.ENTRIES && !routing.isRouted());
    var resources =
        new PartitionReplicator.Resources(
            runtime.source(),
            runtime.sourceAdmin(),
            sourceListings,
            runtime.target(),
            runtime.checkpoints(),
            runtime.positionMap(),
            metrics,
            flow,
            runtime.entryQueue());
    String name = "partition-" + (spawned++) + "-" + partition.replaceAll("[^A-Za-z0-9_.-]", "_");
    ActorRef<PartitionReplicator.Command> ref =
        context.spawn(PartitionReplicator.create(settings, resources), name);
    context.watchWith(ref, new ReplicatorStopped(partition));
    replicators.put(partition, ref);
  }

  private static int partitionIndex(String partition) {
    return org.apache.pulsar.common.naming.TopicName.get(partition).getPartitionIndex();
  }

  private Behavior<Command> onReplicatorStopped(ReplicatorStopped msg) {
    replicators.remove(msg.sourcePartition());
    unlisted.remove(msg.sourcePartition());
    PartitionReplicatorMetrics metrics = board.partitions().remove(msg.sourcePartition());
    if (metrics != null) {
      metrics.close();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onStop(Stop msg) {
    replicators.values().forEach(ref -> ref.tell(PartitionReplicator.Drain.INSTANCE));
    return stopping(msg.replyTo());
  }

  private Behavior<Command> stopping(ActorRef<Stopped> replyTo) {
    if (replicators.isEmpty()) {
      board.stopped();
      replyTo.tell(new Stopped(link.name()));
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
        .onAnyMessage(msg -> Behaviors.same())
        .build();
  }
}
