package io.georep.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte sizes: a whole number of bytes ({@code 1024}) or with a binary unit: {@code 64KiB},
 * {@code 64MiB}, {@code 1GiB}, {@code 1TiB}.
 */
final class Sizes {
  private static final Pattern FORMAT = Pattern.compile("(-?\\d+)\\s*(B|KiB|MiB|GiB|TiB)?");
  private static final Pattern DECIMAL_UNIT = Pattern.compile("-?\\d+\\s*([kKmMgGtT][bB]?)");
  static final String EXPECTED =
      "use a number of bytes, or a number and KiB, MiB, GiB or TiB (e.g. 64MiB)";

  private Sizes() {}

  /**
   * Parses a size in bytes.
   *
   * @throws IllegalArgumentException saying what would be valid
   */
  static long parse(String text) {
    String trimmed = text.strip();
    Matcher matcher = FORMAT.matcher(trimmed);
    if (!matcher.matches()) {
      if (DECIMAL_UNIT.matcher(trimmed).matches()) {
        throw new IllegalArgumentException(
            "use binary units: KiB, MiB, GiB or TiB (1 KiB = 1024 bytes)");
      }
      throw new IllegalArgumentException(EXPECTED);
    }
    try {
      long amount = Long.parseLong(matcher.group(1));
      return Math.multiplyExact(amount, multiplier(matcher.group(2)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("too large");
    }
  }

  private static long multiplier(String unit) {
    if (unit == null) {
      return 1;
    }
    return switch (unit) {
      case "B" -> 1;
      case "KiB" -> 1L << 10;
      case "MiB" -> 1L << 20;
      case "GiB" -> 1L << 30;
      case "TiB" -> 1L << 40;
      default -> throw new IllegalStateException("unit " + unit + " matched but not handled");
    };
  }
}
