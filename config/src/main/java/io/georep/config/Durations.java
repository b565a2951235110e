package io.georep.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written as a whole number and a unit: {@code 500ms}, {@code 10s}, {@code 5m},
 * {@code 1h}, {@code 2d}.
 */
final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(-?\\d+)\\s*(ms|s|m|h|d)");
  static final String EXPECTED =
      "use a whole number and a unit: ms, s, m, h or d (e.g. 500ms, 10s, 5m, 1h)";

  private Durations() {}

  /**
   * Parses a duration; ISO-8601 ({@code PT10S}) is accepted too.
   *
   * @throws IllegalArgumentException saying what would be valid
   */
  static Duration parse(String text) {
    String trimmed = text.strip();
    if (trimmed.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return Duration.parse(trimmed);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(EXPECTED);
      }
    }
    Matcher matcher = FORMAT.matcher(trimmed);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(EXPECTED);
    }
    try {
      long amount = Long.parseLong(matcher.group(1));
      return Duration.of(amount, unit(matcher.group(2)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("too large");
    }
  }

  private static ChronoUnit unit(String symbol) {
    return switch (symbol) {
      case "ms" -> ChronoUnit.MILLIS;
      case "s" -> ChronoUnit.SECONDS;
      case "m" -> ChronoUnit.MINUTES;
      case "h" -> ChronoUnit.HOURS;
      case "d" -> ChronoUnit.DAYS;
      default -> throw new IllegalStateException("unit " + symbol + " matched but not handled");
    };
  }
}
