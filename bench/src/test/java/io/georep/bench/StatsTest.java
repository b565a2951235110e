package io.georep.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void percentilesAreNearestRank() {
    long[] samples = new long[100];
    for (int i = 0; i < 100; i++) {
      samples[i] = i + 1; // 1..100
    }
    assertThat(Stats.percentile(samples, 50)).isEqualTo(50);
    assertThat(Stats.percentile(samples, 99)).isEqualTo(99);
    assertThat(Stats.percentile(samples, 99.5)).isEqualTo(100);
    assertThat(Stats.percentile(samples, 100)).isEqualTo(100);
    assertThat(Stats.percentile(samples, 0)).isEqualTo(1);
  }

  @Test
  void percentileOfFewSamples() {
    long[] samples = {10, 20, 30};
    assertThat(Stats.percentile(samples, 50)).isEqualTo(20);
    assertThat(Stats.percentile(samples, 99)).isEqualTo(30);
    assertThat(Stats.percentile(new long[] {7}, 99)).isEqualTo(7);
  }

  @Test
  void percentileRefusesNothingAndNonsense() {
    assertThatThrownBy(() -> Stats.percentile(new long[0], 50))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Stats.percentile(new long[] {1}, 101))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void summaryHasMedianAndRange() {
    Stats.Summary odd = Stats.summarize(List.of(3.0, 1.0, 2.0));
    assertThat(odd).isEqualTo(new Stats.Summary(2.0, 1.0, 3.0, 3));
    Stats.Summary even = Stats.summarize(List.of(4.0, 1.0, 2.0, 3.0));
    assertThat(even.median()).isEqualTo(2.5);
    assertThat(even.n()).isEqualTo(4);
  }

  @Test
  void summaryIgnoresWhatWasNotMeasured() {
    Stats.Summary s = Stats.summarize(Arrays.asList(Double.NaN, 5.0, null));
    assertThat(s).isEqualTo(new Stats.Summary(5.0, 5.0, 5.0, 1));
    Stats.Summary none = Stats.summarize(List.of());
    assertThat(none.n()).isZero();
    assertThat(none.median()).isNaN();
  }

  @Test
  void ratioOfMediansIsNaNWhenEitherIsMissing() {
    Stats.Summary a = Stats.summarize(List.of(30.0));
    Stats.Summary b = Stats.summarize(List.of(20.0));
    assertThat(a.ratioTo(b)).isEqualTo(1.5);
    assertThat(a.ratioTo(Stats.summarize(List.of()))).isNaN();
    assertThat(a.ratioTo(Stats.summarize(List.of(0.0)))).isNaN();
  }
}
