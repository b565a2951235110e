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
}
