package io.georep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void readsANumberAndAUnitOrIso() {
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(converter.convert("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(converter.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void readsBackWhatItFormats() {
    assertThat(converter.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(converter.convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
    for (Duration d :
        java.util.List.of(
            Duration.ofMillis(750),
            Duration.ofSeconds(90),
            Duration.ofMinutes(90),
            Duration.ofSeconds(3_725),
            Duration.ofDays(2).plusMinutes(1))) {
      assertThat(converter.convert(DurationConverter.format(d))).as(d.toString()).isEqualTo(d);
    }
    assertThatThrownBy(() -> converter.convert("1h 30m"))
        .isInstanceOf(TypeConversionException.class);
  }

  @Test
  void refusesOtherText() {
    assertThatThrownBy(() -> converter.convert("30"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("whole number and a unit");
    assertThatThrownBy(() -> converter.convert("-5s")).isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> converter.convert("PT-5S")).hasMessageContaining("negative");
  }

  @Test
  void formatsAsItReads() {
    assertThat(DurationConverter.format(Duration.ofMillis(750))).isEqualTo("750ms");
    assertThat(DurationConverter.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(DurationConverter.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(DurationConverter.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(DurationConverter.format(Duration.ZERO)).isEqualTo("0s");
  }
}
