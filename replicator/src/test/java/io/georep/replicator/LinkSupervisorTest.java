package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.AuthConfig;
import io.georep.config.ClusterConfig;
import io.georep.config.LinkConfig;
import io.georep.config.LinkOptions;
import io.georep.config.MappingConfig;
import io.georep.config.ScopeConfig;
import io.georep.config.StartPosition;
import io.georep.config.TlsConfig;
import io.georep.state.StateStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The link's protocol as its supervisor answers it, without brokers: the source cluster refuses
 * every connection (its listing fails, so no partition starts), the fence is kept in a real state
 * store, and the link's task is a counting fake.
 */
class LinkSupervisorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  // Clients connect lazily; the admin's listing is refused at once.
  private static final ClusterConfig NOWHERE =
      new ClusterConfig(
          "east",
          "pulsar://127.0.0.1:1",
          "http://127.0.0.1:1",
          new AuthConfig.None(),
          TlsConfig.defaults());

  // No partition starts here (the listing fails), so no target topic is ever asked for.
  private static final TargetTopics NO_TARGET_CHANGES =
      new TargetTopics() {
        @Override
        public java.util.concurrent.CompletionStage<Integer> create(String topic, int partitions) {
          throw new AssertionError("no target topic is created: " + topic);
        }

        @Override
        public java.util.concurrent.CompletionStage<Integer> partitions(String topic) {
          throw new AssertionError("no target topic is read: " + topic);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> enableDeduplication(String namespace) {
          throw new AssertionError("no namespace is changed: " + namespace);
        }
      };

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ExecutorService taskPool = Executors.newCachedThreadPool();
  private StateStore store;
  private PulsarClient client;
  private PulsarAdmin admin;

  /** A task that counts its runs (every 20 ms) and shows itself in the link's status. */
  private static final class CountingTask implements LinkTask {
    final AtomicInteger runs = new AtomicInteger();
    volatile boolean closed;

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public Duration firstDelay() {
      return Duration.ZERO;
    }

    @Override
    public Duration interval() {
      return Duration.ofMillis(20);
    }

    @Override
    public Optional<Duration> runOnce() {
      runs.incrementAndGet();
      return Optional.of(interval());
    }

    @Override
    public DaemonStatus.LinkStatus addTo(DaemonStatus.LinkStatus link) {
      return link.withSubscriptions(
          List.of(
              new DaemonStatus.SubscriptionStatus(
                  "runs-" + runs.get(), "t", null, null, "kept", true, List.of(), null, 0)));
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @BeforeEach
  void open() throws Exception {
    store = StateStore.open(dir);
    client = PulsarClients.client(NOWHERE);
    admin = PulsarClients.admin(NOWHERE);
  }

  @AfterEach
  void close() throws Exception {
    taskPool.shutdownNow();
    admin.close();
    client.close();
    store.close();
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  private LinkSupervisor.Runtime runtime(String name, LinkTask task) {
    LinkConfig link =
        new LinkConfig(
            name,
            "east",
            "west",
            new ScopeConfig(false, List.of("sales/orders"), List.of(), List.of(), List.of()),
            MappingConfig.identity(),
            new StartPosition.Earliest(),
            LinkOptions.defaults());
    return new LinkSupervisor.Runtime(
        link,
        client,
        admin,
        client,
        NO_TARGET_CHANGES,
        store.checkpoints(),
        store.positionMap(),
        registry,
        new ReceiveQueueBudget(1 << 20),
        Duration.ofMillis(100),
        store.linkFences(),
        List.of(task),
        taskPool);
  }

  private LinkSupervisor.LinkReport status(ActorRef<LinkSupervisor.Command> link) {
    TestProbe<LinkSupervisor.LinkReport> probe = testKit.createTestProbe();
    link.tell(new LinkSupervisor.GetStatus(probe.getRef()));
    return probe.receiveMessage();
  }

  private LinkControl.Outcome call(
      ActorRef<LinkSupervisor.Command> link,
      java.util.function.Function<
              ActorRef<StatusReply<LinkControl.Outcome>>, LinkSupervisor.Command>
          command) {
    TestProbe<StatusReply<LinkControl.Outcome>> probe = testKit.createTestProbe();
    link.tell(command.apply(probe.getRef()));
    StatusReply<LinkControl.Outcome> reply = probe.receiveMessage(Duration.ofSeconds(10));
    assertThat(reply.isSuccess()).as("%s", reply).isTrue();
    return reply.getValue();
  }

  private double gauge(String name, String link) {
    return registry.get(name).tag("link", link).gauge().value();
  }

  @Test
  void pauseFenceAndUnfenceShowInTheStatusTheGaugesTheStoreAndTheTasks() {
    CountingTask task = new CountingTask();
    ActorRef<LinkSupervisor.Command> link =
        testKit.spawn(LinkSupervisor.create(runtime("l", task)));

    // The listing is refused: the link is degraded, saying why, and not discovered.
    await().atMost(Duration.ofSeconds(30)).until(() -> status(link).status().lastError() != null);
    LinkSupervisor.LinkReport first = status(link);
    assertThat(first.discovered()).isFalse();
    assertThat(first.status().state()).isEqualTo(LinkState.DEGRADED);
    assertThat(first.status().lastError()).startsWith("listing source topics failed");
    assertThat(first.status().topics()).isEmpty();
    // The task runs beside it and adds to its status.
    await().atMost(Duration.ofSeconds(10)).until(() -> task.runs.get() >= 2);
    assertThat(status(link).status().subscriptions())
        .singleElement()
        .satisfies(s -> assertThat(s.subscription()).startsWith("runs-"));

    LinkControl.Outcome paused = call(link, LinkSupervisor.Pause::new);
    assertThat(paused.state()).isEqualTo(LinkControl.ControlState.PAUSED);
    assertThat(status(link).status().state()).isEqualTo(LinkState.PAUSED);
    assertThat(gauge("georep.link.paused", "l")).isEqualTo(1);
    int beforeResume = task.runs.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> task.runs.get() > beforeResume);

    call(link, LinkSupervisor.Resume::new);
    assertThat(status(link).status().state()).isEqualTo(LinkState.DEGRADED);
    assertThat(gauge("georep.link.paused", "l")).isZero();

    LinkControl.Outcome fenced = call(link, r -> new LinkSupervisor.Fence("maintenance", r));
    assertThat(fenced.state()).isEqualTo(LinkControl.ControlState.FENCED);
    assertThat(store.linkFences().fenceOf("l"))
        .hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo("maintenance"));
    assertThat(status(link).status().state()).isEqualTo(LinkState.FENCED);
    assertThat(gauge("georep.link.fenced", "l")).isEqualTo(1);
    // A fenced link runs no task: the count stops moving.
    int whileFenced = task.runs.get();
    await()
        .pollDelay(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> task.runs.get() <= whileFenced + 1); // one run may have been under way
    int settled = task.runs.get();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> task.runs.get() == settled);

    call(link, LinkSupervisor.Unfence::new);
    assertThat(store.linkFences().fenceOf("l")).isEmpty();
    assertThat(gauge("georep.link.fenced", "l")).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> task.runs.get() > settled);

    TestProbe<LinkSupervisor.Stopped> stopped = testKit.createTestProbe();
    link.tell(new LinkSupervisor.Stop(stopped.getRef()));
    LinkSupervisor.Stopped last = stopped.receiveMessage(Duration.ofSeconds(10));
    assertThat(last.link()).isEqualTo("l");
    assertThat(last.last().state()).isEqualTo(LinkState.STOPPED);
    assertThat(task.closed).isTrue();
    assertThat(registry.getMeters()).noneMatch(m -> "l".equals(m.getId().getTag("link")));
  }

  @Test
  void aLinkFencedInTheStoreStartsFencedAndRunsNoTaskUntilUnfenced() {
    store
        .linkFences()
        .fence(new io.georep.state.LinkFence("f", java.time.Instant.now(), "cutover"));
    CountingTask task = new CountingTask();
    ActorRef<LinkSupervisor.Command> link =
        testKit.spawn(LinkSupervisor.create(runtime("f", task)));

    assertThat(status(link).status().state()).isEqualTo(LinkState.FENCED);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> task.runs.get() == 0);
    TestProbe<StatusReply<LinkControl.Outcome>> refused = testKit.createTestProbe();
    link.tell(new LinkSupervisor.Pause(refused.getRef()));
    StatusReply<LinkControl.Outcome> reply = refused.receiveMessage();
    assertThat(reply.isError()).isTrue();
    assertThat(reply.getError()).hasMessageContaining("is fenced").hasMessageContaining("cutover");

    call(link, LinkSupervisor.Unfence::new);

    await().atMost(Duration.ofSeconds(10)).until(() -> task.runs.get() > 0);
    testKit.stop(link);
  }
}
