package io.georep.bench;

import java.util.Map;
import java.util.TreeMap;

/** Reads samples out of the Prometheus text format that georep's {@code /metrics} serves. */
final class PrometheusText {
  private PrometheusText() {}

  /**
   * A histogram's cumulative bucket counts, summed over the series that matched: {@code counts[i]}
   * observations were at most {@code bounds[i]} (the last bound is infinity).
   */
  record Histogram(double[] bounds, double[] counts) {
    static final Histogram EMPTY = new Histogram(new double[0], new double[0]);

    double total() {
      return counts.length == 0 ? 0 : counts[counts.length - 1];
    }

    /** The observations made since {@code earlier}, a reading of the same histogram. */
    Histogram since(Histogram earlier) {
      if (earlier.bounds.length != bounds.length) {
        return this; // none before (the series did not exist yet)
      }
      double[] delta = new double[counts.length];
      for (int i = 0; i < counts.length; i++) {
        delta[i] = counts[i] - earlier.counts[i];
      }
      return new Histogram(bounds, delta);
    }

    /**
     * The bound of the first bucket that holds {@code p} percent of the observations: the
     * percentile to the bucket's resolution (at most that, more than the bound before); NaN when
     * nothing was observed, infinity when it lies beyond the last finite bound.
     */
    double percentileBound(double p) {
      double total = total();
      if (total <= 0) {
        return Double.NaN;
      }
      double wanted = p / 100.0 * total;
      for (int i = 0; i < bounds.length; i++) {
        if (counts[i] >= wanted) {
          return bounds[i];
        }
      }
      return Double.POSITIVE_INFINITY;
    }
  }

  /**
   * The histogram {@code name} (its {@code name_bucket} samples) of the series whose labels contain
   * {@code labelFragment}, their buckets summed; {@link Histogram#EMPTY} when there is none.
   */
  static Histogram histogram(String text, String name, String labelFragment) {
    String prefix = name + "_bucket{";
    Map<Double, Double> buckets = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith(prefix)) {
        continue;
      }
      int labelsEnd = line.indexOf('}');
      String labels = line.substring(prefix.length() - 1, labelsEnd + 1);
      int le = labels.indexOf("le=\"");
      if (le < 0 || !labels.contains(labelFragment)) {
        continue;
      }
      String bound = labels.substring(le + 4, labels.indexOf('"', le + 4));
      double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
      double count = Double.parseDouble(line.substring(labelsEnd + 1).trim().split("\\s+")[0]);
      buckets.merge(upper, count, Double::sum);
    }
    if (buckets.isEmpty()) {
      return Histogram.EMPTY;
    }
    double[] bounds = buckets.keySet().stream().mapToDouble(Double::doubleValue).toArray();
    double[] counts = buckets.values().stream().mapToDouble(Double::doubleValue).toArray();
    return new Histogram(bounds, counts);
  }

  /**
   * The sum of every sample of {@code name} whose labels contain {@code labelFragment} (e.g. {@code
   * area="heap"}, or empty for all); 0 when there is none.
   */
  static double sum(String text, String name, String labelFragment) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      int end = name.length();
      if (end == line.length() || (line.charAt(end) != '{' && line.charAt(end) != ' ')) {
        continue; // a longer name with this prefix
      }
      int labelsEnd = line.charAt(end) == '{' ? line.indexOf('}', end) : end;
      if (labelsEnd < 0 || !line.substring(end, labelsEnd + 1).contains(labelFragment)) {
        continue;
      }
      String[] rest = line.substring(labelsEnd + 1).trim().split("\\s+");
      sum += Double.parseDouble(rest[0]);
    }
    return sum;
  }
}
