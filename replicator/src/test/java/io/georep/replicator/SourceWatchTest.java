package io.georep.replicator;

import static io.georep.state.PositionRun.Step.ENTRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.state.Checkpoint;
import io.georep.state.Position;
import io.georep.state.PositionRun;
import io.georep.state.SourcePartition;
import io.georep.state.StateStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pulsar.common.policies.data.PersistentTopicInternalStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source watch against stats the test sets, with the real position map. */
class SourceWatchTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String TOPIC = "persistent://t/n/watched-partition-0";
  private final SourcePartition key = new SourcePartition("l", TOPIC);

  @TempDir Path dir;
  private StateStore state;
  private SimpleMeterRegistry registry;
  private PartitionReplicatorMetrics metrics;
  private volatile CompletableFuture<PersistentTopicInternalStats> stats;
  private final AtomicInteger reads = new AtomicInteger();

  @BeforeEach
  void setUp() {
    state = StateStore.open(dir.resolve("state"));
    registry = new SimpleMeterRegistry();
    metrics = new PartitionReplicatorMetrics(registry, "l", TOPIC, "persistent://t/n/watched");
  }

  @AfterEach
  void tearDown() {
    state.close();
  }

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
  }

  private ActorRef<SourceWatch.Command> watch(Position checkpoint) {
    PipelineConnector connector =
        new PipelineConnector() {
          @Override
          public CompletableFuture<Boolean> sourceExists() {
            throw new UnsupportedOperationException("the watch never asks");
          }

          @Override
          public CompletableFuture<Pipeline<?>> connect(boolean checkpointed) {
            throw new UnsupportedOperationException("the watch never connects");
          }

          @Override
          public CompletableFuture<PersistentTopicInternalStats> sourceStats() {
            reads.incrementAndGet();
            return stats;
          }
        };
    return testKit.spawn(
        SourceWatch.create(
            new SourceWatch.Settings(
                connector,
                key,
                "georep-l",
                state.positionMap(),
                metrics,
                new SourceStatsSchedule(Duration.ofMinutes(5)),
                Duration.ofMinutes(5)),
            checkpoint));
  }

  private static PersistentTopicInternalStats stats(String markDelete, long[]... ledgers) {
    return SourceStats.of("georep-l", markDelete, ledgers);
  }

  private static PositionRun run(Position source, Position target, int length) {
    return new PositionRun(source, ENTRY, 0, target, ENTRY, length);
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  @Test
  void reportsAGapPastTheCheckpointOnceAndPrunesTheMapToTheRetainedLedgers() {
    // Runs on ledgers 3 and 5; the source retains 5 on: the runs of 3 go.
    state
        .checkpoints()
        .putAll(
            Map.of(
                key,
                new Checkpoint(new Position(5, 10, -1), 11, new Position(9, 10, -1), 1, 11, 1)),
            Map.of(
                key,
                List.of(
                    run(new Position(3, 0, -1), new Position(8, 0, -1), 5),
                    run(new Position(5, 0, -1), new Position(9, 0, -1), 11))));
    stats = CompletableFuture.completedFuture(stats("5:30", new long[] {5, 40}));

    ActorRef<SourceWatch.Command> watch = watch(new Position(5, 10, -1));
    // A checkpoint never checked is checked at once.
    await().until(() -> counter("georep.source.gap.entries") == 20);
    assertThat(metrics.snapshot().lastEvent()).contains("20 source entries");
    assertThat(counter("georep.position.map.pruned")).isEqualTo(1);
    assertThat(state.positionMap().earliest(key)).contains(new Position(5, 0, -1));

    // The same gap is not reported again; a gap past a newer checkpoint is.
    watch.tell(SourceWatch.GapSuspected.INSTANCE);
    await().until(() -> reads.get() == 2);
    watch.tell(new SourceWatch.Checkpointed(new Position(5, 30, -1)));
    stats = CompletableFuture.completedFuture(stats("5:35", new long[] {5, 40}));
    watch.tell(SourceWatch.GapSuspected.INSTANCE);
    await().until(() -> counter("georep.source.gap.entries") == 25);
  }

  @Test
  void aFailedReadIsOnlyAMissedDiagnosis() {
    stats = CompletableFuture.failedFuture(new IllegalStateException("admin down"));
    ActorRef<SourceWatch.Command> watch = watch(new Position(5, 10, -1));
    await().until(() -> reads.get() == 1);
    stats = CompletableFuture.completedFuture(stats("5:12", new long[] {5, 40}));
    watch.tell(SourceWatch.GapSuspected.INSTANCE);
    await().until(() -> counter("georep.source.gap.entries") == 2);
  }

  @Test
  void tellsWhetherTheSourceIsTheCheckpointsOrWasRebuilt() {
    ActorRef<SourceWatch.Command> watch = watch(null);
    TestProbe<SourceWatch.Verification> probe = testKit.createTestProbe();

    stats = CompletableFuture.completedFuture(stats("5:10", new long[] {5, 40}, new long[] {6, 1}));
    watch.tell(new SourceWatch.VerifySource(new Position(5, 10, -1), probe.getRef()));
    probe.expectMessage(SourceWatch.Same.INSTANCE);

    stats = CompletableFuture.completedFuture(stats("2:0", new long[] {1, 40}, new long[] {2, 1}));
    watch.tell(new SourceWatch.VerifySource(new Position(5, 10, -1), probe.getRef()));
    probe.expectMessage(SourceWatch.Rebuilt.INSTANCE);
    assertThat(metrics.snapshot().lastEvent()).contains("rebuilt");

    stats = CompletableFuture.failedFuture(new IllegalStateException("admin down"));
    watch.tell(new SourceWatch.VerifySource(new Position(5, 10, -1), probe.getRef()));
    SourceWatch.Verification failed = probe.receiveMessage();
    assertThat(failed).isInstanceOf(SourceWatch.Failed.class);
    assertThat(((SourceWatch.Failed) failed).stage()).isEqualTo(PipelineStage.SOURCE_TOPIC);
  }
}
