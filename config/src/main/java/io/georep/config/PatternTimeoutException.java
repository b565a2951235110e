package io.georep.config;

import java.time.Duration;

/**
 * Matching a scope's pattern against a topic name took longer than {@link ScopeConfig#MATCH_BUDGET}
 * (a pattern that backtracks catastrophically on that name), so whether the topic is in scope is
 * not known. The message names the topic and the pattern; a pattern is not a secret.
 */
public final class PatternTimeoutException extends RuntimeException {
  private final String topic;
  private final String pattern;

  PatternTimeoutException(String topic, String pattern, Duration budget) {
    super(
        "matching pattern '"
            + pattern
            + "' against "
            + topic
            + " took longer than "
            + budget.toMillis()
            + " ms; simplify the pattern (nested or overlapping repetitions backtrack"
            + " exponentially)");
    this.topic = topic;
    this.pattern = pattern;
  }

  /** The topic or partition whose scope could not be decided. */
  public String topic() {
    return topic;
  }

  /** The pattern that ran out of time. */
  public String pattern() {
    return pattern;
  }
}
