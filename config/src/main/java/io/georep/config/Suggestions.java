package io.georep.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the word someone probably meant, for "did you mean" hints. */
final class Suggestions {
  private Suggestions() {}

  /** The message for an unknown key: a suggestion when one is close, else the valid keys. */
  static String unknownKey(String key, Collection<String> validKeys) {
    return closest(key, validKeys)
        .map(suggestion -> "unknown key; did you mean '" + suggestion + "'?")
        .orElse("unknown key (valid keys: " + String.join(", ", validKeys) + ")");
  }

  /**
   * The candidate closest to {@code word}, ignoring case, '-' and '_', if it is within a few edits
   * (a third of its length, at most 3, at least 1).
   */
  static Optional<String> closest(String word, Collection<String> candidates) {
    String normalized = normalize(word);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      String other = normalize(candidate);
      int distance = distance(normalized, other);
      int allowed = Math.max(1, Math.min(3, other.length() / 3));
      if (distance <= allowed && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  private static String normalize(String word) {
    return word.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  /** Edit distance counting insertions, deletions, substitutions and swaps of neighbours. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
