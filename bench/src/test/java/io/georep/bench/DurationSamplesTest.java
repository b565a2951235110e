package io.georep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurationSamplesTest {
  @Test
  void recordsOnlyWhileOnAndStartingAgainDiscards() {
    DurationSamples samples = new DurationSamples();
    samples.add(1);
    samples.record(true);
    samples.add(30);
    samples.add(10);
    samples.add(20);
    samples.record(false);
    samples.add(40);

    assertThat(samples.sorted()).containsExactly(10, 20, 30);

    samples.record(true);
    samples.add(5);
    assertThat(samples.sorted()).containsExactly(5);
  }

  @Test
  void growsBeyondItsFirstArray() {
    DurationSamples samples = new DurationSamples();
    samples.record(true);
    for (int i = 100_000; i > 0; i--) {
      samples.add(i);
    }

    long[] sorted = samples.sorted();
    assertThat(sorted).hasSize(100_000);
    assertThat(sorted[0]).isEqualTo(1);
    assertThat(sorted[99_999]).isEqualTo(100_000);
  }
}
