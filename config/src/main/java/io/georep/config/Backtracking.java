package io.georep.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the shapes of regular expression that make Java's backtracking matcher take exponential
 * time on a text that almost matches: a repeated group that holds a repetition itself ({@code
 * (a+)+}, {@code (a*)*}, {@code (.*a)*}), and a repeated alternation whose alternatives can start
 * alike ({@code (a|a)*}, {@code (a|ab)+}). Java's matcher memoizes some simple loops ({@code
 * (a+)+b} is fast on Java 17) but not counted ones ({@code (a|a){1,40}}), nor doubly nested groups
 * or back references: there a topic name of 40 characters holds a matcher for hours, and discovery
 * matches on an admin client's I/O thread. So the whole family is refused, not only the shapes the
 * running JVM happens not to optimize.
 *
 * <p>The check is conservative: it may refuse a harmless pattern of these shapes (a character class
 * or an escape counts as any character), never a pattern without them. A possessive outer
 * repetition ({@code (a+)++}) cannot backtrack into its group and is accepted. Repetitions bounded
 * by at most {@value #BOUNDED} count as bounded. Other slow shapes, polynomial rather than
 * exponential, pass; {@link ScopeConfig#includes} bounds every match in time as well.
 *
 * <p>It reads a pattern that {@link java.util.regex.Pattern#compile} accepted.
 */
final class Backtracking {
  static final int BOUNDED = 16;
  private static final int UNBOUNDED = Integer.MAX_VALUE;

  /** What a part of the pattern may start with, whether it may match nothing, and what it holds. */
  private record Part(
      boolean anyFirst, Set<Integer> first, boolean nullable, boolean repeats, boolean ambiguous) {

    static Part empty() {
      return new Part(false, Set.of(), true, false, false);
    }

    static Part any() {
      return new Part(true, Set.of(), false, false, false);
    }

    static Part oneOf(Set<Integer> chars) {
      return new Part(false, Set.copyOf(chars), false, false, false);
    }

    static Part literal(int c) {
      return oneOf(Set.of(c));
    }

    /** This part followed by {@code next}. */
    Part then(Part next) {
      boolean nextRepeats = repeats || next.repeats;
      boolean nextAmbiguous = ambiguous || next.ambiguous;
      if (!nullable) {
        return new Part(anyFirst, first, false, nextRepeats, nextAmbiguous);
      }
      Set<Integer> union = new HashSet<>(first);
      union.addAll(next.first);
      return new Part(anyFirst || next.anyFirst, union, next.nullable, nextRepeats, nextAmbiguous);
    }

    boolean startsLike(Part other) {
      return (anyFirst && (other.anyFirst || !other.first.isEmpty()))
          || (other.anyFirst && !first.isEmpty())
          || first.stream().anyMatch(other.first::contains);
    }
  }

  private final String regex;
  private int at;
  private String risk;

  private Backtracking(String regex) {
    this.regex = regex;
  }

  /** Why {@code regex} risks catastrophic backtracking, if it does. */
  static Optional<String> risk(String regex) {
    Backtracking check = new Backtracking(regex);
    check.alternation();
    return Optional.ofNullable(check.risk);
  }

  /** Reads alternatives up to a closing parenthesis or the end; stops before the parenthesis. */
  private Part alternation() {
    List<Part> alternatives = new ArrayList<>();
    alternatives.add(sequence());
    while (at < regex.length() && regex.charAt(at) == '|') {
      at++;
      alternatives.add(sequence());
    }
    if (alternatives.size() == 1) {
      return alternatives.get(0);
    }
    boolean anyFirst = false;
    boolean nullable = false;
    boolean repeats = false;
    // Alternatives that start alike, or one that may match nothing, can split one text two ways.
    boolean ambiguous = false;
    Set<Integer> first = new HashSet<>();
    for (int i = 0; i < alternatives.size(); i++) {
      Part a = alternatives.get(i);
      anyFirst |= a.anyFirst;
      ambiguous |= a.nullable || a.ambiguous;
      nullable |= a.nullable;
      repeats |= a.repeats;
      first.addAll(a.first);
      for (int j = i + 1; j < alternatives.size(); j++) {
        ambiguous |= a.startsLike(alternatives.get(j));
      }
    }
    return new Part(anyFirst, first, nullable, repeats, ambiguous);
  }

  private Part sequence() {
    Part sequence = Part.empty();
    while (at < regex.length() && regex.charAt(at) != '|' && regex.charAt(at) != ')') {
      int start = at;
      Part atom = atom();
      sequence = sequence.then(quantified(start, atom));
    }
    return sequence;
  }

  private Part quantified(int start, Part atom) {
    if (at >= regex.length()) {
      return atom;
    }
    int min;
    int max;
    char c = regex.charAt(at);
    if (c == '*' || c == '+' || c == '?') {
      at++;
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : UNBOUNDED;
    } else if (c == '{') {
      int close = regex.indexOf('}', at);
      String[] bounds = regex.substring(at + 1, close).split(",", -1);
      min = Integer.parseInt(bounds[0].strip());
      max =
          bounds.length == 1
              ? min
              : bounds[1].isBlank() ? UNBOUNDED : Integer.parseInt(bounds[1].strip());
      at = close + 1;
    } else {
      return atom;
    }
    boolean possessive = false;
    if (at < regex.length() && (regex.charAt(at) == '?' || regex.charAt(at) == '+')) {
      possessive = regex.charAt(at) == '+';
      at++;
    }
    boolean repeating = max > BOUNDED && !possessive;
    if (repeating && risk == null) {
      String shown = regex.substring(start, at);
      if (atom.repeats) {
        risk =
            "catastrophic backtracking: the repeated group "
                + shown
                + " holds a repetition itself (nested quantifiers), so a name that almost matches"
                + " takes exponential time; repeat once (a+ rather than (a+)+), or make the outer"
                + " repetition possessive (*+, ++)";
      } else if (atom.ambiguous) {
        risk =
            "catastrophic backtracking: the repeated group "
                + shown
                + " has alternatives that can match the same text, so a name that almost matches"
                + " takes exponential time; make the alternatives start differently, or make the"
                + " repetition possessive (*+, ++)";
      }
    }
    return new Part(
        atom.anyFirst,
        atom.first,
        atom.nullable || min == 0,
        atom.repeats || repeating,
        atom.ambiguous);
  }

  private Part atom() {
    char c = regex.charAt(at++);
    return switch (c) {
      case '(' -> group();
      case '[' -> characterClass();
      case '\\' -> escape();
      case '^', '$' -> Part.empty();
      case '.' -> Part.any();
      default -> Part.literal(c);
    };
  }

  private Part group() {
    boolean lookaround = false;
    if (at < regex.length() && regex.charAt(at) == '?') {
      at++;
      char kind = regex.charAt(at);
      if (kind == '=' || kind == '!') {
        lookaround = true;
        at++;
      } else if (kind == '<' && (regex.charAt(at + 1) == '=' || regex.charAt(at + 1) == '!')) {
        lookaround = true;
        at += 2;
      } else if (kind == '<') {
        at = regex.indexOf('>', at) + 1;
      } else if (kind == '>' || kind == ':') {
        at++;
      } else {
        // Inline flags, (?i) or (?i:...).
        while (at < regex.length() && regex.charAt(at) != ')' && regex.charAt(at) != ':') {
          at++;
        }
        if (regex.charAt(at) == ')') {
          at++;
          return Part.empty();
        }
        at++;
      }
    }
    Part inside = alternation();
    at++; // ')'
    return lookaround ? Part.empty() : inside;
  }

  /**
   * A class of plain characters, ranges and {@code \d \w \s} reads as the characters it holds; a
   * negated, nested or intersected class as any character.
   */
  private Part characterClass() {
    int depth = 1;
    boolean plain = true;
    if (at < regex.length() && regex.charAt(at) == '^') {
      plain = false;
      at++;
    }
    Set<Integer> chars = new HashSet<>();
    int previous = -1;
    boolean first = true;
    while (depth > 0 && at < regex.length()) {
      char c = regex.charAt(at++);
      if (c == ']' && !first) {
        depth--;
      } else if (c == '[') {
        plain = false;
        depth++;
      } else if (c == '\\') {
        char escaped = regex.charAt(at++);
        Set<Integer> named = named(escaped);
        if (named != null) {
          chars.addAll(named);
        } else if (Character.isLetterOrDigit(escaped)) {
          plain = false;
        } else {
          chars.add((int) escaped);
        }
        previous = named == null ? escaped : -1;
      } else if (c == '-' && previous >= 0 && at < regex.length() && regex.charAt(at) != ']') {
        char end = regex.charAt(at++);
        if (end == '\\' || end == '[') {
          plain = false;
        } else {
          for (int x = previous; x <= end; x++) {
            chars.add(x);
          }
        }
        previous = -1;
      } else {
        if (c == '&') {
          plain = false;
        }
        chars.add((int) c);
        previous = c;
      }
      first = false;
    }
    return plain ? Part.oneOf(chars) : Part.any();
  }

  /** The characters of {@code \d}, {@code \w} or {@code \s} (ASCII, as Java reads them). */
  private static Set<Integer> named(char escape) {
    Set<Integer> chars = new HashSet<>();
    switch (escape) {
      case 'd' -> range(chars, '0', '9');
      case 'w' -> {
        range(chars, '0', '9');
        range(chars, 'a', 'z');
        range(chars, 'A', 'Z');
        chars.add((int) '_');
      }
      case 's' -> " \t\n\u000B\f\r".chars().forEach(chars::add);
      default -> {
        return null;
      }
    }
    return chars;
  }

  private static void range(Set<Integer> chars, char from, char to) {
    for (int c = from; c <= to; c++) {
      chars.add(c);
    }
  }

  private Part escape() {
    char c = regex.charAt(at++);
    if (c == 'Q') {
      int end = regex.indexOf("\\E", at);
      String quoted = regex.substring(at, end < 0 ? regex.length() : end);
      at = end < 0 ? regex.length() : end + 2;
      Part part = Part.empty();
      for (int i = 0; i < quoted.length(); i++) {
        part = part.then(Part.literal(quoted.charAt(i)));
      }
      return part;
    }
    if (!Character.isLetterOrDigit(c)) {
      return Part.literal(c);
    }
    if ("bBAzZG".indexOf(c) >= 0) {
      return Part.empty();
    }
    Set<Integer> named = named(c);
    if (named != null) {
      return Part.oneOf(named);
    }
    if ((c == 'p' || c == 'P') && at < regex.length() && regex.charAt(at) != '{') {
      at++;
    } else if ((c == 'p' || c == 'P' || c == 'x' || c == 'N')
        && at < regex.length()
        && regex.charAt(at) == '{') {
      at = regex.indexOf('}', at) + 1;
    } else if (c == 'k' && at < regex.length() && regex.charAt(at) == '<') {
      at = regex.indexOf('>', at) + 1;
    } else if (c == 'c') {
      at++;
    }
    // The digits of a hex, unicode, octal or back reference escape read as literals after it.
    return Part.any();
  }
}
