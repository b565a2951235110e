package io.georep.cli;

/** "1 link", "2 links". */
final class Plural {
  private Plural() {}

  static String of(long count, String noun) {
    return count + " " + (count == 1 ? noun : noun + "s");
  }
}
