package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.georep.config.ScopeConfig;
import io.georep.replicator.TopicLister.SkippedTopic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What a namespace's listing yields: topics in scope, and v1 names skipped (once per topic). */
class TopicListerTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(TopicLister.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  @Test
  void aTopicWhosePatternRunsAwayIsLeftOutWithAWarningNamingIt() {
    // A pattern that slipped past validation (the scope is built in code): on a name of a's it
    // backtracks exponentially. Matching runs on the admin client's I/O thread in production.
    ScopeConfig scope =
        new ScopeConfig(
            false,
            List.of("t/ns"),
            List.of(),
            List.of(Pattern.compile("((a+)+)+b"), Pattern.compile("orders")),
            List.of());
    TopicLister lister = new TopicLister(null, "east-to-west", scope);
    String runaway = "persistent://t/ns/" + "a".repeat(40);

    TopicLister.Candidates candidates =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () -> lister.candidates(List.of(), List.of(runaway, "persistent://t/ns/orders")));
    assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> lister.candidates(List.of(), List.of(runaway)));

    assertThat(candidates.topics()).containsOnlyKeys("persistent://t/ns/orders");
    assertThat(logged.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.WARN);
              assertThat(event.getFormattedMessage())
                  .startsWith("link east-to-west: " + runaway + " is left out of scope:")
                  .contains("'((a+)+)+b'", "took longer than");
            });
  }

  private static TopicLister lister(List<Pattern> exclude) {
    return new TopicLister(
        null, "l", new ScopeConfig(true, List.of(), List.of(), List.of(), exclude));
  }

  @Test
  void v1NamesAreSkippedOnceEachAndTheOthersStayInScope() {
    TopicLister.Candidates candidates =
        lister(List.of())
            .candidates(
                List.of("persistent://legacy/us-east/ns/orders", "persistent://sales/eu/orders"),
                List.of(
                    "persistent://legacy/us-east/ns/orders-partition-0",
                    "persistent://legacy/us-east/ns/orders-partition-1",
                    "persistent://legacy/us-east/ns/audit",
                    "persistent://sales/eu/orders-partition-0",
                    "persistent://sales/eu/audit",
                    "non-persistent://sales/eu/ticks"));

    assertThat(candidates.topics())
        .isEqualTo(
            Map.of("persistent://sales/eu/orders", true, "persistent://sales/eu/audit", false));
    assertThat(candidates.skipped())
        .containsExactly(
            new SkippedTopic("persistent://legacy/us-east/ns/audit", TopicLister.V1_NAME_REASON),
            new SkippedTopic("persistent://legacy/us-east/ns/orders", TopicLister.V1_NAME_REASON));
  }

  @Test
  void systemTopicsAreNeitherInScopeNorSkipped() {
    TopicLister.Candidates candidates =
        lister(List.of(Pattern.compile("audit")))
            .candidates(
                List.of(),
                List.of(
                    "persistent://legacy/us-east/ns/__change_events",
                    "persistent://sales/eu/__change_events",
                    "persistent://sales/eu/audit",
                    "persistent://sales/eu/orders"));

    assertThat(candidates.topics()).isEqualTo(Map.of("persistent://sales/eu/orders", false));
    assertThat(candidates.skipped()).isEmpty();
  }

  @Test
  void aScopeNamingOnePartitionTakesItAlone() {
    TopicLister lister =
        new TopicLister(
            null,
            "l",
            new ScopeConfig(
                false,
                List.of(),
                List.of("persistent://sales/eu/orders-partition-1"),
                List.of(),
                List.of()));

    TopicLister.Candidates candidates =
        lister.candidates(
            List.of("persistent://sales/eu/orders"),
            List.of(
                "persistent://sales/eu/orders-partition-0",
                "persistent://sales/eu/orders-partition-1"));

    assertThat(candidates.topics())
        .isEqualTo(Map.of("persistent://sales/eu/orders-partition-1", false));
    assertThat(candidates.skipped()).isEmpty();
  }

  @Test
  void v1NameHasFourParts() {
    assertThat(TopicLister.isV1Name("persistent://legacy/us-east/ns/orders")).isTrue();
    assertThat(TopicLister.isV1Name("persistent://legacy/us-east/ns/orders-partition-3")).isTrue();
    assertThat(TopicLister.isV1Name("persistent://sales/eu/orders")).isFalse();
    assertThat(TopicLister.isV1Name("persistent://sales/eu/orders-partition-3")).isFalse();
  }

  @Test
  void aTopicWhoseStatsCannotBeReadIsUnreadWithItsReasonAndWarnedAboutOnceInARow() {
    TopicLister lister = lister(List.of());
    TopicLister.SourceTopic orders = new TopicLister.SourceTopic("persistent://t/ns/orders", 2);
    TopicLister.SourceTopic audit = new TopicLister.SourceTopic("persistent://t/ns/audit", 0);
    java.util.concurrent.atomic.AtomicBoolean ordersFails =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.function.Function<
            TopicLister.SourceTopic,
            java.util.concurrent.CompletableFuture<
                Map<String, ? extends org.apache.pulsar.common.policies.data.TopicStats>>>
        statsOf =
            topic -> {
              if (topic.equals(orders) && ordersFails.get()) {
                return java.util.concurrent.CompletableFuture.failedFuture(
                    new java.util.concurrent.CompletionException(
                        new IllegalStateException("503 Service Unavailable")));
              }
              Map<String, org.apache.pulsar.common.policies.data.TopicStats> byPartition =
                  new java.util.HashMap<>();
              List<String> partitions = topic.partitionNames();
              for (int i = 0; i < partitions.size(); i++) {
                byPartition.put(partitions.get(i), stats("georep-l", 10 + i));
              }
              return java.util.concurrent.CompletableFuture.completedFuture(byPartition);
            };

    TopicLister.Backlogs first =
        lister.backlogs(List.of(orders, audit), "georep-l", statsOf).join();
    TopicLister.Backlogs second =
        lister.backlogs(List.of(orders, audit), "georep-l", statsOf).join();
    ordersFails.set(false);
    TopicLister.Backlogs recovered =
        lister.backlogs(List.of(orders, audit), "georep-l", statsOf).join();
    ordersFails.set(true);
    lister.backlogs(List.of(orders, audit), "georep-l", statsOf).join();

    assertThat(first.backlogs()).isEqualTo(Map.of(audit.name(), 10L));
    assertThat(first.unread())
        .isEqualTo(Map.of(orders.name(), "IllegalStateException: 503 Service Unavailable"));
    assertThat(second).isEqualTo(first);
    assertThat(recovered.backlogs())
        .isEqualTo(
            Map.of(
                audit.name(),
                10L,
                orders.name() + "-partition-0",
                10L,
                orders.name() + "-partition-1",
                11L));
    assertThat(recovered.unread()).isEmpty();
    // Once for the first failure in a row, once again after it was read in between.
    assertThat(logged.list)
        .hasSize(2)
        .allSatisfy(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.WARN);
              assertThat(event.getFormattedMessage())
                  .startsWith(
                      "link l: cannot read georep's backlog of "
                          + orders.name()
                          + " on the source (IllegalStateException: 503 Service Unavailable)")
                  .contains("-1 (unknown)");
            });
  }

  @Test
  void aPartitionWithoutGeorepsCursorIsLeftOutAndNotUnread() {
    TopicLister.SourceTopic audit = new TopicLister.SourceTopic("persistent://t/ns/audit", 0);

    TopicLister.Backlogs backlogs =
        lister(List.of())
            .backlogs(
                List.of(audit),
                "georep-l",
                topic ->
                    java.util.concurrent.CompletableFuture.completedFuture(
                        Map.of(audit.name(), stats("someone-else", 5))))
            .join();

    assertThat(backlogs.backlogs()).isEmpty();
    assertThat(backlogs.unread()).isEmpty();
    assertThat(logged.list).isEmpty();
  }

  private static org.apache.pulsar.common.policies.data.TopicStats stats(
      String subscription, long backlog) {
    var subscriptionStats =
        new org.apache.pulsar.common.policies.data.stats.SubscriptionStatsImpl();
    subscriptionStats.msgBacklog = backlog;
    var topicStats = new org.apache.pulsar.common.policies.data.stats.TopicStatsImpl();
    topicStats.subscriptions.put(subscription, subscriptionStats);
    return topicStats;
  }
}
