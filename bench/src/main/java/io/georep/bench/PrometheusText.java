package io.georep.bench;

/** Reads samples out of the Prometheus text format that georep's {@code /metrics} serves. */
final class PrometheusText {
  private PrometheusText() {}

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
