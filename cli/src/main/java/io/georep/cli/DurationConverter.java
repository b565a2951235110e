package io.georep.cli;

import io.georep.daemon.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line, as {@link Durations} reads them; a bad one is a usage error. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** The way this converter reads it: {@code 750ms}, {@code 45s}, {@code 5m}, {@code 1h30m}. */
  static String format(Duration duration) {
    return Durations.format(duration);
  }
}
