package io.georep.replicator;

import io.georep.state.Position;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters and gauges of one source partition. It outlives the {@link PartitionReplicator}
 * incarnations (restarts keep the totals); the actor is its only writer, the status API and the
 * Prometheus scrape read it from other threads, hence the atomics.
 */
public final class PartitionReplicatorMetrics {
  private final MeterRegistry registry;
  private final Tags tags;
  private final String sourceTopic;
  private final String targetTopic;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final Map<String, Counter> errorsByKind = new ConcurrentHashMap<>();
  private final Map<String, Counter> eventsByKind = new ConcurrentHashMap<>();

  private final Counter forwarded;
  private final Counter bytesForwarded;
  private final Counter replaysSkipped;
  private final Counter duplicatesDropped;
  private final Counter sourceGapEntries;
  private final Counter positionMapPruned;
  private final Counter resent;
  private final Timer checkpointWrite;
  private final StageTimers stages;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong backlog = new AtomicLong(-1);
  private final AtomicLong lastAckedPublishTime = new AtomicLong();
  private final AtomicInteger restarts = new AtomicInteger();
  private volatile TopicState state = TopicState.STARTING;
  private volatile boolean caughtUp;
  // formatted only when status is read, not per message
  private volatile Position lastAckedSourceId;
  private volatile String lastError;
  private volatile Instant lastErrorAt;
  private volatile String lastEvent;
  private volatile Instant lastEventAt;

  PartitionReplicatorMetrics(
      MeterRegistry registry, String link, String sourceTopic, String targetTopic) {
    this.registry = registry;
    this.sourceTopic = sourceTopic;
    this.targetTopic = targetTopic;
    this.tags = Tags.of("link", link, "topic", sourceTopic);
    this.stages = new StageTimers(registry, link); // the link's: not removed with the partition
    this.forwarded =
        register(
            Counter.builder("georep.messages.forwarded")
                .description("Messages the target acknowledged")
                .tags(tags)
                .register(registry));
    this.bytesForwarded =
        register(
            Counter.builder("georep.bytes.forwarded")
                .description("Payload bytes the target acknowledged")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry));
    this.replaysSkipped =
        register(
            Counter.builder("georep.replays.skipped")
                .description(
                    "Redelivered source messages skipped because the checkpoint covers them")
                .tags(tags)
                .register(registry));
    this.duplicatesDropped =
        register(
            Counter.builder("georep.target.duplicates.dropped")
                .description(
                    "Sends the target's deduplication discarded because it already held them")
                .tags(tags)
                .register(registry));
    this.sourceGapEntries =
        register(
            Counter.builder("georep.source.gap.entries")
                .description(
                    "Source entries removed (TTL, backlog quota, skip) before georep forwarded"
                        + " them")
                .tags(tags)
                .register(registry));
    this.resent =
        register(
            Counter.builder("georep.messages.resent")
                .description(
                    "Sends abandoned by a pipeline reset and sent again from the checkpoint: at"
                        + " most this many duplicates where the target does not deduplicate")
                .tags(tags)
                .register(registry));
    this.positionMapPruned =
        register(
            Counter.builder("georep.position.map.pruned")
                .description(
                    "Position-map runs dropped because the source no longer holds their ledgers")
                .tags(tags)
                .register(registry));
    this.checkpointWrite =
        register(
            Timer.builder("georep.checkpoint.write")
                .description("Time to write a checkpoint to the state store")
                .tags(tags)
                .register(registry));
    register(
        Gauge.builder("georep.inflight.messages", inFlight, AtomicInteger::get)
            .description("Messages sent to the target and not yet acknowledged")
            .tags(tags)
            .register(registry));
    register(
        Gauge.builder("georep.cursor.backlog.messages", backlog, AtomicLong::get)
            .description("Backlog of georep's cursor on the source (-1 until first read)")
            .tags(tags)
            .register(registry));
    register(
        Gauge.builder("georep.replication.lag.ms", this, PartitionReplicatorMetrics::lagMillis)
            .description("Now minus the source publish time of the last acknowledged message")
            .baseUnit("milliseconds")
            .tags(tags)
            .register(registry));
  }

  private <M extends Meter> M register(M meter) {
    meters.add(meter);
    return meter;
  }

  void state(TopicState newState) {
    this.state = newState;
  }

  TopicState state() {
    return state;
  }

  void forwarded(int count, long bytes, long sourcePublishTime, Position sourceId) {
    forwarded.increment(count);
    bytesForwarded.increment(bytes);
    lastAckedPublishTime.set(sourcePublishTime);
    lastAckedSourceId = sourceId;
  }

  void replaySkipped() {
    replaysSkipped.increment();
  }

  void duplicateDropped() {
    duplicatesDropped.increment();
  }

  void resent() {
    resent.increment();
  }

  void positionMapPruned(long runs) {
    positionMapPruned.increment(runs);
  }

  void sourceGap(long entries) {
    sourceGapEntries.increment(entries);
  }

  /**
   * Records an event of the given kind (e.g. {@code source-gap}): not an error, the topic keeps its
   * state, but operators need to know. The event counters are not removed by {@link #close()}: an
   * event such as {@code source-deleted} comes just before the partition stops, and would otherwise
   * leave the registry before any scrape saw it.
   */
  void event(String kind, String description) {
    eventsByKind
        .computeIfAbsent(
            kind,
            k ->
                Counter.builder("georep.events")
                    .description("Noteworthy events by kind")
                    .tags(tags.and("kind", k))
                    .register(registry))
        .increment();
    lastEvent = kind + ": " + description;
    lastEventAt = Instant.now();
  }

  void inFlight(int count) {
    inFlight.set(count);
  }

  /**
   * True while the replicator waits for the source with nothing in flight: its consumer holds
   * nothing more, so nothing is waiting to be replicated.
   */
  void caughtUp(boolean value) {
    caughtUp = value;
  }

  void backlog(long messages) {
    backlog.set(messages);
  }

  Timer checkpointWrite() {
    return checkpointWrite;
  }

  StageTimers stages() {
    return stages;
  }

  void restarted() {
    restarts.incrementAndGet();
  }

  /** Records a failure of the given kind (e.g. {@code send}, {@code subscribe}) with its reason. */
  void error(String kind, String reason) {
    errorsByKind
        .computeIfAbsent(
            kind,
            k ->
                register(
                    Counter.builder("georep.errors")
                        .description("Failures by kind")
                        .tags(tags.and("kind", k))
                        .register(registry)))
        .increment();
    lastError = kind + ": " + reason;
    lastErrorAt = Instant.now();
    state = TopicState.ERROR;
  }

  long lagMillis() {
    long last = lastAckedPublishTime.get();
    return caughtUp || last == 0 ? 0 : Math.max(0, System.currentTimeMillis() - last);
  }

  DaemonStatus.TopicStatus snapshot() {
    return new DaemonStatus.TopicStatus(
        sourceTopic,
        targetTopic,
        state,
        (long) forwarded.count(),
        (long) bytesForwarded.count(),
        (long) replaysSkipped.count(),
        (long) duplicatesDropped.count(),
        inFlight.get(),
        backlog.get(),
        lagMillis(),
        lastAckedSourceId == null
            ? ""
            : lastAckedSourceId.ledgerId()
                + ":"
                + lastAckedSourceId.entryId()
                + ":"
                + lastAckedSourceId.batchIndex(),
        lastError,
        lastErrorAt,
        lastEvent,
        lastEventAt,
        restarts.get());
  }

  /** Removes this partition's meters, e.g. when its topic left the scope. */
  void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }
}
