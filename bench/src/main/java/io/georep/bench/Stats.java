package io.georep.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Percentiles of samples and summaries of repetitions. */
final class Stats {
  private Stats() {}

  /**
   * The nearest-rank percentile of sorted samples: the smallest sample with at least {@code p}
   * percent of the samples at or below it.
   *
   * @param sorted ascending, not empty
   * @param p in [0, 100]; 0 gives the smallest sample, 100 the largest
   */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (p < 0 || p > 100 || Double.isNaN(p)) {
      throw new IllegalArgumentException("percentile must be in [0, 100], found " + p);
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** Median and range of repeated measurements; {@code n} is how many there were. */
  record Summary(double median, double min, double max, int n) {
    /** Ratio of medians; NaN when either is missing or the divisor is zero. */
    double ratioTo(Summary other) {
      if (other == null || other.n() == 0 || n == 0 || other.median() == 0) {
        return Double.NaN;
      }
      return median / other.median();
    }
  }

  /** The median (the mean of the middle two for an even count), the smallest and the largest. */
  static Summary summarize(List<Double> values) {
    List<Double> finite = new ArrayList<>();
    for (Double v : values) {
      if (v != null && !v.isNaN() && !v.isInfinite()) {
        finite.add(v);
      }
    }
    if (finite.isEmpty()) {
      return new Summary(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double[] sorted = finite.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Summary(median, sorted[0], sorted[n - 1], n);
  }
}
