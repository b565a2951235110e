package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.georep.config.ScopeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

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

    Map<String, Boolean> candidates =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () -> lister.candidates(List.of(), List.of(runaway, "persistent://t/ns/orders")));
    assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> lister.candidates(List.of(), List.of(runaway)));

    assertThat(candidates).containsOnlyKeys("persistent://t/ns/orders");
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
}
