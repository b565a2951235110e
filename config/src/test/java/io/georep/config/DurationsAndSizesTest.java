package io.georep.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsAndSizesTest {

  @ParameterizedTest
  @CsvSource({
    "500ms, 500",
    "10s, 10000",
    "5m, 300000",
    "1h, 3600000",
    "2d, 172800000",
    "PT1.5S, 1500",
    "'10 s', 10000",
    "-1s, -1000"
  })
  void parsesDurations(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "10x", "1.5s", "s", "1m30s", "PTX", "99999999999999999999d"})
  void rejectsBadDurations(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "1024, 1024",
    "10B, 10",
    "64KiB, 65536",
    "64MiB, 67108864",
    "1GiB, 1073741824",
    "2TiB, 2199023255552",
    "-1KiB, -1024"
  })
  void parsesSizes(String text, long bytes) {
    assertThat(Sizes.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"64MB", "1k", "1.5GiB", "GiB", "lots", "9999999TiB"})
  void rejectsBadSizes(String text) {
    assertThatThrownBy(() -> Sizes.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"serviceUrl, servceUrl, 1", "tls, tsl, 1", "startAt, startat, 1", "a, a, 0"})
  void editDistanceCountsSwaps(String a, String b, int distance) {
    assertThat(Suggestions.distance(a, b)).isEqualTo(distance);
  }
}
