package io.georep.daemon;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them to georep, like those of the configuration: a whole number and a
 * unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}), several of them added up
 * as {@link #format} writes them ({@code 1h30m}, {@code 1m30s}), or ISO-8601 ({@code PT30S}).
 * Negative durations are refused.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern FORMAT = Pattern.compile("((\\d+)(ms|s|m|h|d))+");
  private static final String EXPECTED =
      "use a whole number and a unit: ms, s, m, h or d (e.g. 500ms, 30s, 5m, 1h)";

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the value and what is expected
   */
  public static Duration parse(String value) {
    String text = value.strip();
    try {
      Duration duration;
      if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
        duration = Duration.parse(text);
      } else {
        if (!FORMAT.matcher(text).matches()) {
          throw new IllegalArgumentException("'" + value + "' is not a duration; " + EXPECTED);
        }
        duration = Duration.ZERO;
        Matcher part = PART.matcher(text);
        while (part.find()) {
          duration = duration.plus(of(Long.parseLong(part.group(1)), part.group(2)));
        }
      }
      if (duration.isNegative()) {
        throw new IllegalArgumentException("'" + value + "' is negative");
      }
      return duration;
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not a duration; " + EXPECTED);
    }
  }

  private static Duration of(long amount, String unit) {
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> throw new IllegalStateException("unit " + unit + " matched but not handled");
    };
  }

  /** The way {@link #parse} reads it: {@code 750ms}, {@code 45s}, {@code 5m}, {@code 1h30m}. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.toMillisPart() != 0) {
      return duration.toMillis() + "ms";
    }
    StringBuilder text = new StringBuilder();
    if (duration.toHours() > 0) {
      text.append(duration.toHours()).append('h');
    }
    if (duration.toMinutesPart() > 0) {
      text.append(duration.toMinutesPart()).append('m');
    }
    if (duration.toSecondsPart() > 0) {
      text.append(duration.toSecondsPart()).append('s');
    }
    return text.toString();
  }
}
