package io.georep.it;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects, so that a test can check them against a daemon's
 * {@code /metrics}. Not a parser: a scanner that knows what is not a metric name. It skips string
 * literals, label matchers ({@code {...}}, except a {@code __name__="..."} matcher, whose value is
 * a name), range and subquery brackets, numbers and durations, Grafana variables ({@code $link},
 * {@code ${link}}, {@code $__rate_interval}), comments, the label lists after {@code by}, {@code
 * without}, {@code on}, {@code ignoring}, {@code group_left} and {@code group_right}, and keywords.
 * Any identifier followed by {@code (} is a function or an aggregation; an aggregation followed by
 * {@code by} or {@code without} is one too. Every other identifier is a metric name.
 */
final class PromQl {
  private PromQl() {}

  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "atan2",
          "inf",
          "nan");

  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  private static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio");

  private static final Pattern NAME_MATCHER =
      Pattern.compile("__name__\\s*=\\s*(\"([^\"\\\\]|\\\\.)*\"|'([^'\\\\]|\\\\.)*')");

  /** The metric names {@code expr} selects, in order of appearance. */
  static Set<String> metricNames(String expr) {
    Set<String> names = new LinkedHashSet<>();
    int i = 0;
    int n = expr.length();
    while (i < n) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
      } else if (c == '#') {
        int eol = expr.indexOf('\n', i);
        i = eol < 0 ? n : eol;
      } else if (c == '{') {
        int end = skipBalanced(expr, i, '{', '}');
        Matcher m = NAME_MATCHER.matcher(expr.substring(i, end));
        while (m.find()) {
          String quoted = m.group(1);
          names.add(quoted.substring(1, quoted.length() - 1));
        }
        i = end;
      } else if (c == '[') {
        i = skipBalanced(expr, i, '[', ']');
      } else if (c == '$') {
        i = skipVariable(expr, i);
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && isDigit(expr, i + 1))) {
        i = skipNumber(expr, i);
      } else if (isIdentifierStart(c)) {
        int end = i;
        while (end < n && isIdentifierPart(expr.charAt(end))) {
          end++;
        }
        String word = expr.substring(i, end);
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        int next = skipSpaces(expr, end);
        boolean call = next < n && expr.charAt(next) == '(';
        if (LABEL_LISTS.contains(lower)) {
          i = call ? skipBalanced(expr, next, '(', ')') : end;
          continue;
        }
        if (!call && !KEYWORDS.contains(lower) && !aggregationWithModifier(expr, lower, next)) {
          names.add(word);
        }
        i = end;
      } else {
        i++;
      }
    }
    return names;
  }

  /** {@code sum by (x) (...)}: the aggregation is followed by its modifier, not by {@code (}. */
  private static boolean aggregationWithModifier(String expr, String word, int next) {
    if (!AGGREGATIONS.contains(word)) {
      return false;
    }
    return startsWithWord(expr, next, "by") || startsWithWord(expr, next, "without");
  }

  private static boolean startsWithWord(String expr, int at, String word) {
    int end = at + word.length();
    return expr.regionMatches(true, at, word, 0, word.length())
        && (end >= expr.length() || !isIdentifierPart(expr.charAt(end)));
  }

  private static int skipString(String expr, int start) {
    char quote = expr.charAt(start);
    int i = start + 1;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '\\' && quote != '`') {
        i += 2;
      } else if (c == quote) {
        return i + 1;
      } else {
        i++;
      }
    }
    throw new IllegalArgumentException("unterminated string at " + start + ": " + expr);
  }

  /** From an opening bracket to just past its closing one, skipping strings inside. */
  private static int skipBalanced(String expr, int start, char open, char close) {
    int depth = 0;
    int i = start;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
        continue;
      }
      if (c == open) {
        depth++;
      } else if (c == close && --depth == 0) {
        return i + 1;
      }
      i++;
    }
    throw new IllegalArgumentException("unbalanced '" + open + "' at " + start + ": " + expr);
  }

  /**
   * {@code $name}, {@code ${name}}, {@code ${name:format}} ({@code [[name]]} goes as a bracket).
   */
  private static int skipVariable(String expr, int start) {
    int i = start + 1;
    if (i < expr.length() && expr.charAt(i) == '{') {
      return skipBalanced(expr, i, '{', '}');
    }
    while (i < expr.length() && isIdentifierPart(expr.charAt(i))) {
      i++;
    }
    return i;
  }

  /** A number, a hex number, a duration ({@code 1h30m}) or a float with an exponent. */
  private static int skipNumber(String expr, int start) {
    int i = start;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (Character.isLetterOrDigit(c) || c == '.' || c == '_') {
        i++;
      } else if ((c == '+' || c == '-')
          && (expr.charAt(i - 1) == 'e' || expr.charAt(i - 1) == 'E')
          && !expr.startsWith("0x", start)) {
        i++;
      } else {
        break;
      }
    }
    return i;
  }

  private static int skipSpaces(String expr, int i) {
    while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isDigit(String expr, int i) {
    return Character.isDigit(expr.charAt(i));
  }

  private static boolean isIdentifierStart(char c) {
    return Character.isLetter(c) || c == '_' || c == ':';
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }
}
