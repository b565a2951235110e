package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.StartPosition;
import io.georep.state.Checkpoint;
import io.georep.state.CheckpointStore;
import io.georep.state.Position;
import io.georep.state.PositionRun;
import io.georep.state.SequenceAnchor;
import io.georep.state.SourcePartition;
import io.georep.state.StateStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.impl.GuardedProducer;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.apache.pulsar.common.policies.data.PersistentTopicInternalStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The actor's order, settle and flush invariants, with fake clusters: a fake source hands out
 * {@link Item}s, a fake forwarder records what is sent and lets the test answer for the target, in
 * any order. The state store is the real one, in a temporary directory.
 */
class PartitionReplicatorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String TOPIC = "persistent://t/n/orders-partition-0";
  private static final String TARGET_CLUSTER = "target";

  @TempDir Path dir;
  private StateStore state;
  private RecordingCheckpoints checkpoints;
  private SimpleMeterRegistry registry;
  private PartitionReplicatorMetrics metrics;
  private FakeConnector connector;
  private final SourcePartition key = new SourcePartition("l", TOPIC);

  /** A source message: its entry on ledger 1, and the cluster it came from, if forwarded before. */
  record Item(long entry, String origin) {
    Position position() {
      return new Position(1, entry, -1);
    }
  }

  static Item item(long entry) {
    return new Item(entry, null);
  }

  @BeforeEach
  void setUp() {
    state = StateStore.open(dir.resolve("state"));
    checkpoints = new RecordingCheckpoints(state.checkpoints());
    registry = new SimpleMeterRegistry();
    metrics = new PartitionReplicatorMetrics(registry, "l", TOPIC, "persistent://t/n/orders");
    connector = new FakeConnector();
  }

  @AfterEach
  void tearDown() {
    state.close();
  }

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
  }

  private ActorRef<PartitionReplicator.Command> start() {
    return start(new LinkFlowControl(1000, 64 * 1024 * 1024, 0, 0));
  }

  private ActorRef<PartitionReplicator.Command> start(LinkFlowControl flow) {
    var settings =
        new PartitionSettings(
            "l",
            "source",
            TARGET_CLUSTER,
            TOPIC,
            "persistent://t/n/orders-partition-0",
            TargetRouting.identity(0),
            new StartPosition.Earliest(),
            100,
            1024 * 1024,
            Duration.ofMillis(20),
            Duration.ZERO,
            false,
            false);
    var resources =
        new PartitionResources(
            null, // the clients are reached through the fake connector only
            null,
            null,
            null,
            checkpoints,
            state.positionMap(),
            metrics,
            flow,
            new ReceiveQueueBudget(8 * 1024 * 1024),
            new GuardedProducer.Watcher() {
              @Override
              public void missing(String topic, String reason) {}

              @Override
              public void present(String topic) {}
            },
            () -> false);
    return testKit.spawn(PartitionReplicator.create(settings, resources, connector));
  }

  @Test
  void sendsInSourceOrderAndCheckpointsOnlyWhatTheTargetAcknowledgedInOrder() {
    start();
    FakePipeline p = connector.awaitConnected(1);
    p.source.deliver(item(0), item(1), item(2), item(3), item(4));
    await().until(() -> p.forwarder.sent.size() == 5);
    assertThat(p.forwarder.sentEntries()).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(p.forwarder.sent)
        .extracting(s -> s.slot().sequenceId)
        .as("sequence ids increase with the source position")
        .isSorted()
        .doesNotHaveDuplicates();

    // The target answers out of order: nothing may be checkpointed past a send it has not answered.
    p.forwarder.acknowledge(1);
    p.forwarder.acknowledge(2);
    p.forwarder.acknowledge(4);
    p.forwarder.acknowledge(0);
    await().until(() -> checkpointed().equals(Optional.of(new Position(1, 2, -1))));
    p.forwarder.acknowledge(3);
    await().until(() -> checkpointed().equals(Optional.of(new Position(1, 4, -1))));

    assertThat(checkpoints.written)
        .as("every checkpoint ends a prefix the target acknowledged in order")
        .allMatch(c -> c.equals(new Position(1, 2, -1)) || c.equals(new Position(1, 4, -1)));
    await().until(() -> p.source.acknowledged().contains(4L));
    assertThat(p.source.acknowledged())
        .as("the cursor follows the checkpoints, never ahead")
        .allMatch(e -> e == 2L || e == 4L);
    assertThat(counter("georep.messages.forwarded")).isEqualTo(5);
  }

  @Test
  void redeliveriesAndLoopedMessagesAreNotSentButTheCheckpointPassesThem() {
    start();
    FakePipeline p = connector.awaitConnected(1);
    p.source.deliver(item(0), new Item(1, TARGET_CLUSTER), item(2));
    await().until(() -> p.forwarder.sent.size() == 2);
    assertThat(p.forwarder.sentEntries()).as("the looped message stays").containsExactly(0L, 2L);
    p.forwarder.acknowledge(0);
    await().until(() -> checkpointed().equals(Optional.of(new Position(1, 1, -1))));
    p.forwarder.acknowledge(1);
    await().until(() -> checkpointed().equals(Optional.of(new Position(1, 2, -1))));

    // A broker redelivers after a reconnect: what was taken is skipped, what is new goes.
    p.source.deliver(item(1), item(2), item(3));
    await().until(() -> p.forwarder.sent.size() == 3);
    assertThat(p.forwarder.sentEntries()).containsExactly(0L, 2L, 3L);
    assertThat(counter("georep.replays.skipped")).isEqualTo(2);
  }

  @Test
  void aFailedSendRestartsThePipelineFromTheCheckpoint() {
    start();
    FakePipeline first = connector.awaitConnected(1);
    first.source.deliver(item(0), item(1), item(2));
    await().until(() -> first.forwarder.sent.size() == 3);
    first.forwarder.acknowledge(0);
    // A failure seen in the same round as earlier successes fails before settling them: the
    // test lets the first settle on its own.
    await().until(() -> checkpointed().equals(Optional.of(new Position(1, 0, -1))));
    first.forwarder.acknowledge(2); // persisted, but after the failure: goes again
    first.forwarder.fail(1, new PulsarClientException.TimeoutException("send timed out"));

    await().until(() -> first.closed());
    assertThat(checkpointed()).contains(new Position(1, 0, -1));
    assertThat(metrics.snapshot().lastError()).startsWith("send-timeout: ");

    // The supervisor restarts it with backoff; the source redelivers from the cursor.
    FakePipeline second = connector.awaitConnected(2);
    second.source.deliver(item(1), item(2));
    await().until(() -> second.forwarder.sent.size() == 2);
    assertThat(second.forwarder.sentEntries()).containsExactly(1L, 2L);
    assertThat(second.forwarder.sent.get(0).slot().sequenceId)
        .as("deterministic: the same position gets the same id again")
        .isEqualTo(first.forwarder.sent.get(1).slot().sequenceId);
    second.forwarder.acknowledge(0);
    second.forwarder.acknowledge(1);
    await().until(() -> checkpointed().equals(Optional.of(new Position(1, 2, -1))));
  }

  @Test
  void aFailingSourceLetsWhatIsInFlightSettleAndCheckpointsItBeforeRestarting() {
    start();
    FakePipeline first = connector.awaitConnected(1);
    first.source.deliver(item(0), item(1));
    await().until(() -> first.forwarder.sent.size() == 2);
    await().until(first.source::receiving);
    first.source.failReceive(new PulsarClientException.InvalidMessageException("entry corrupt"));
    first.source.deliver(item(2)); // after the failure: not taken
    first.forwarder.acknowledge(0);
    first.forwarder.acknowledge(1);

    await().until(() -> first.closed());
    assertThat(checkpointed()).contains(new Position(1, 1, -1));
    assertThat(first.source.acknowledged()).last().isEqualTo(1L);
    assertThat(first.forwarder.sentEntries()).containsExactly(0L, 1L);
    assertThat(metrics.snapshot().lastError()).startsWith("receive: ");
    FakePipeline second = connector.awaitConnected(2);
    second.source.deliver(item(1), item(2));
    await().until(() -> second.forwarder.sent.size() == 1);
    assertThat(second.forwarder.sentEntries()).containsExactly(2L);
  }

  @Test
  void drainFinishesWhatIsInFlightCheckpointsItAndStops() {
    ActorRef<PartitionReplicator.Command> replicator = start();
    FakePipeline p = connector.awaitConnected(1);
    p.source.deliver(item(0), item(1));
    await().until(() -> p.forwarder.sent.size() == 2);

    replicator.tell(PartitionReplicator.Drain.INSTANCE);
    await().until(() -> metrics.state() == TopicState.DRAINING);
    p.source.deliver(item(2)); // arrives while draining: stays on the source
    p.forwarder.acknowledge(1);
    p.forwarder.acknowledge(0);

    TestProbe<Object> probe = testKit.createTestProbe();
    probe.expectTerminated(replicator, Duration.ofSeconds(10));
    assertThat(metrics.state()).isEqualTo(TopicState.STOPPED);
    assertThat(checkpointed()).contains(new Position(1, 1, -1));
    assertThat(p.source.acknowledged()).last().isEqualTo(1L);
    assertThat(p.forwarder.sentEntries()).containsExactly(0L, 1L);
    assertThat(p.closed()).isTrue();
  }

  @Test
  void pausedReadingTakesNothingUntilResumed() {
    ActorRef<PartitionReplicator.Command> replicator = start();
    FakePipeline p = connector.awaitConnected(1);
    p.source.deliver(item(0));
    await().until(() -> p.forwarder.sent.size() == 1);
    replicator.tell(PartitionReplicator.PauseReading.INSTANCE);
    await().until(() -> metrics.state() == TopicState.PAUSED);
    p.source.deliver(item(1), item(2));
    p.forwarder.acknowledge(0);
    await().until(() -> checkpointed().equals(Optional.of(new Position(1, 0, -1))));
    assertThat(p.forwarder.sentEntries()).as("held while paused").containsExactly(0L);

    replicator.tell(PartitionReplicator.ResumeReading.INSTANCE);
    await().until(() -> p.forwarder.sent.size() == 3);
    assertThat(p.forwarder.sentEntries()).containsExactly(0L, 1L, 2L);
  }

  @Test
  void whatTheTargetsDeduplicationHoldsIsNotSentAgain() {
    start();
    FakePipeline first = connector.awaitConnected(1);
    first.source.deliver(item(0), item(1), item(2));
    await().until(() -> first.forwarder.sent.size() == 3);
    first.forwarder.acknowledge(0);
    await().until(() -> checkpointed().equals(Optional.of(new Position(1, 0, -1))));
    // The target persisted 1 and 2, but the answer for 1 is lost: the pipeline restarts.
    first.forwarder.fail(1, new PulsarClientException("connection lost"));
    await().until(() -> first.closed());
    assertThat(checkpointed()).contains(new Position(1, 0, -1));

    // On reconnecting, the target says it holds the producer's messages up to 2.
    connector.targetHolds(first.forwarder.sent.get(2).slot().sequenceId);
    FakePipeline second = connector.awaitConnected(2);
    second.source.deliver(item(1), item(2), item(3));
    await().until(() -> second.forwarder.sent.size() == 1);
    assertThat(second.forwarder.sentEntries()).containsExactly(3L);
    assertThat(counter("georep.replays.skipped")).isEqualTo(2);
    second.forwarder.acknowledge(0);
    await().until(() -> checkpointed().equals(Optional.of(new Position(1, 3, -1))));
  }

  @Test
  void theLinksInFlightBudgetHoldsTheNextMessageAndOrderHolds() {
    start(new LinkFlowControl(2, 64 * 1024 * 1024, 0, 0));
    FakePipeline p = connector.awaitConnected(1);
    p.source.deliver(item(0), item(1), item(2), item(3));
    await().until(() -> p.forwarder.sent.size() == 2);
    assertThat(p.forwarder.sentEntries()).as("two fit the link's budget").containsExactly(0L, 1L);

    p.forwarder.acknowledge(0);
    await().until(() -> p.forwarder.sent.size() == 3);
    p.forwarder.acknowledge(1);
    await().until(() -> p.forwarder.sent.size() == 4);
    assertThat(p.forwarder.sentEntries()).containsExactly(0L, 1L, 2L, 3L);
    p.forwarder.acknowledge(2);
    p.forwarder.acknowledge(3);
    await().until(() -> checkpointed().equals(Optional.of(new Position(1, 3, -1))));
  }

  private Optional<Position> checkpointed() {
    return state.checkpoints().get(key).map(Checkpoint::source);
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  // ---- fakes -------------------------------------------------------------------------------

  /** One connection's fakes. */
  record FakePipeline(FakeSource source, FakeForwarder forwarder) {
    boolean closed() {
      return source.closed && forwarder.closed;
    }
  }

  /** Hands out a new pipeline on each connect, as the real one subscribes anew. */
  static final class FakeConnector implements PipelineConnector {
    final List<FakePipeline> connected = new CopyOnWriteArrayList<>();
    private volatile long targetHolds = -1;

    /** From the next connection on, the target's deduplication holds up to {@code sequenceId}. */
    void targetHolds(long sequenceId) {
      targetHolds = sequenceId;
    }

    @Override
    public CompletableFuture<Boolean> sourceExists() {
      return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Pipeline<?>> connect(boolean checkpointed) {
      FakeSource source = new FakeSource();
      FakeForwarder forwarder = new FakeForwarder(targetHolds);
      connected.add(new FakePipeline(source, forwarder));
      SchemaBridge schemas =
          new SchemaBridge(
              version -> CompletableFuture.failedFuture(new AssertionError("no schemas here")),
              TOPIC);
      return CompletableFuture.completedFuture(
          new Pipeline<>(source, forwarder, new NoMessages(), schemas));
    }

    @Override
    public CompletableFuture<PersistentTopicInternalStats> sourceStats() {
      return CompletableFuture.completedFuture(new PersistentTopicInternalStats());
    }

    FakePipeline awaitConnected(int count) {
      await().atMost(Duration.ofSeconds(10)).until(() -> connected.size() >= count);
      return connected.get(count - 1);
    }
  }

  /** A cursor over the items the test delivers; records where it was moved. */
  static final class FakeSource implements PartitionSource<Item> {
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private CompletableFuture<Item> waiting;
    private final List<Long> acknowledged = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    void deliver(Item... items) {
      for (Item item : items) {
        CompletableFuture<Item> receiver;
        synchronized (this) {
          receiver = waiting;
          waiting = null;
          if (receiver == null) {
            queue.addLast(item);
          }
        }
        if (receiver != null) {
          receiver.complete(item);
        }
      }
    }

    synchronized boolean receiving() {
      return waiting != null;
    }

    /** The receive under way fails. */
    void failReceive(Throwable failure) {
      CompletableFuture<Item> receiver;
      synchronized (this) {
        receiver = waiting;
        waiting = null;
      }
      assertThat(receiver).as("a receive under way").isNotNull();
      receiver.completeExceptionally(failure);
    }

    @Override
    public synchronized CompletableFuture<Item> receive() {
      assertThat(waiting).as("one receive at a time").isNull();
      CompletableFuture<Item> future = new CompletableFuture<>();
      Item next = queue.pollFirst();
      if (next != null) {
        future.complete(next);
      } else {
        waiting = future;
      }
      return future;
    }

    @Override
    public synchronized Item poll() {
      return queue.pollFirst();
    }

    @Override
    public CompletableFuture<Void> acknowledgeCumulative(MessageId id) {
      acknowledged.add(((MessageIdAdv) id).getEntryId());
      return CompletableFuture.completedFuture(null);
    }

    List<Long> acknowledged() {
      return acknowledged;
    }

    @Override
    public CompletableFuture<Void> close() {
      closed = true;
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Records each send; the test answers for the target, in any order. */
  static final class FakeForwarder implements Forwarder<Item> {
    record Sent(Item item, InFlight slot) {}

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger targetLedger = new AtomicInteger(7);
    private final long targetHolds;
    volatile boolean closed;

    FakeForwarder(long targetHolds) {
      this.targetHolds = targetHolds;
    }

    List<Long> sentEntries() {
      return sent.stream().map(s -> s.item().entry()).toList();
    }

    void acknowledge(int index) {
      Sent s = sent.get(index);
      s.slot().complete(new MessageIdImpl(targetLedger.get(), s.item().entry(), -1), null);
    }

    void fail(int index, Throwable failure) {
      sent.get(index).slot().complete(null, failure);
    }

    @Override
    public Position position(Item item) {
      return item.position();
    }

    @Override
    public MessageId sourceId(Item item) {
      return new MessageIdImpl(1, item.entry(), -1);
    }

    @Override
    public long publishTime(Item item) {
      return 1_000 + item.entry();
    }

    @Override
    public int messages(Item item) {
      return 1;
    }

    @Override
    public int size(Item item) {
      return 10;
    }

    @Override
    public int batchSize(Item item) {
      return 0;
    }

    @Override
    public String origin(Item item) {
      return item.origin();
    }

    @Override
    public byte[] schemaVersion(Item item) {
      return null;
    }

    @Override
    public int route(Item item, Position position) {
      return 0;
    }

    @Override
    public long[] targetSequenceIds() {
      return new long[] {targetHolds};
    }

    @Override
    public void send(Item item, InFlight slot, Schema<byte[]> schema, String origin) {
      sent.add(new Sent(item, slot));
    }

    @Override
    public CompletableFuture<Void> close() {
      closed = true;
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Items here never go message by message. */
  static final class NoMessages implements Forwarder<Message<byte[]>> {
    private static UnsupportedOperationException unused() {
      return new UnsupportedOperationException("the fake source's items never go one by one");
    }

    @Override
    public Position position(Message<byte[]> item) {
      throw unused();
    }

    @Override
    public MessageId sourceId(Message<byte[]> item) {
      throw unused();
    }

    @Override
    public long publishTime(Message<byte[]> item) {
      throw unused();
    }

    @Override
    public int messages(Message<byte[]> item) {
      throw unused();
    }

    @Override
    public int size(Message<byte[]> item) {
      throw unused();
    }

    @Override
    public int batchSize(Message<byte[]> item) {
      throw unused();
    }

    @Override
    public String origin(Message<byte[]> item) {
      throw unused();
    }

    @Override
    public byte[] schemaVersion(Message<byte[]> item) {
      throw unused();
    }

    @Override
    public int route(Message<byte[]> item, Position position) {
      throw unused();
    }

    @Override
    public long[] targetSequenceIds() {
      throw unused();
    }

    @Override
    public void send(Message<byte[]> item, InFlight slot, Schema<byte[]> schema, String origin) {
      throw unused();
    }

    @Override
    public CompletableFuture<Void> close() {
      return CompletableFuture.completedFuture(null);
    }
  }

  /** The real store, recording the source position of every checkpoint written. */
  static final class RecordingCheckpoints implements CheckpointStore {
    private final CheckpointStore store;
    final List<Position> written = new CopyOnWriteArrayList<>();

    RecordingCheckpoints(CheckpointStore store) {
      this.store = store;
    }

    @Override
    public Optional<Checkpoint> get(SourcePartition partition) {
      return store.get(partition);
    }

    @Override
    public Map<SourcePartition, Checkpoint> all(String link) {
      return store.all(link);
    }

    @Override
    public void putAll(
        Map<SourcePartition, Checkpoint> checkpoints,
        Map<SourcePartition, List<PositionRun>> runs) {
      checkpoints.values().forEach(c -> written.add(c.source()));
      store.putAll(checkpoints, runs);
    }

    @Override
    public void delete(SourcePartition partition) {
      store.delete(partition);
    }

    @Override
    public void sync() {
      store.sync();
    }

    @Override
    public List<SequenceAnchor> anchors(SourcePartition partition) {
      return new ArrayList<>(store.anchors(partition));
    }

    @Override
    public void putAnchors(SourcePartition partition, List<SequenceAnchor> anchors) {
      store.putAnchors(partition, anchors);
    }
  }
}
