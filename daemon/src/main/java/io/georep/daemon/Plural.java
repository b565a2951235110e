package io.georep.daemon;

/** "1 link", "2 links". */
public final class Plural {
  private Plural() {}

  public static String of(long count, String noun) {
    return count + " " + (count == 1 ? noun : noun + "s");
  }
}
