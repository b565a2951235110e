package io.georep.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One node of the composed YAML tree with its path in the configuration ({@code
 * links[0].scope.include[1]}). The read methods never throw: what is wrong becomes a {@link
 * ConfigProblem} with this node's path and line, and the method returns an empty {@code Optional}.
 * So a reader returns a value only if it reported nothing; {@link #readFields} builds a section's
 * record only if the whole section was read cleanly.
 *
 * <p>Every scalar goes through {@code ${ENV}} substitution. Messages show values as written in the
 * file, never as substituted, so an environment variable's value never reaches a message; readers
 * of secrets must not show values at all.
 */
final class NodeReader {
  private static final int SHOWN_LENGTH = 60;

  private final Node node;
  private final String path;
  private final Problems problems;
  private final EnvReferences environment;

  private NodeReader(Node node, String path, Problems problems, EnvReferences environment) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    this.environment = environment;
  }

  static NodeReader root(Node node, Problems problems, EnvReferences environment) {
    return new NodeReader(node, "", problems, environment);
  }

  String path() {
    return path;
  }

  int line() {
    return lineOf(node);
  }

  private static int lineOf(Node node) {
    return node.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
  }

  /** Reports a problem at this node. */
  void problem(String message) {
    problems.add(path, line(), message);
  }

  /**
   * Reports a problem about a key this mapping lacks, at the mapping's line (no line at the root:
   * the whole file lacks it).
   */
  void problemAt(String key, String message) {
    problems.add(childPath(key), path.isEmpty() ? 0 : line(), message);
  }

  /** Whether the node is empty or {@code null} / {@code ~}. */
  boolean isNull() {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  /** The value as written in the file, quoted and shortened, for messages; never for secrets. */
  String shown() {
    if (node instanceof ScalarNode scalar) {
      String value = scalar.getValue();
      return "'"
          + (value.length() > SHOWN_LENGTH ? value.substring(0, SHOWN_LENGTH) + "..." : value)
          + "'";
    }
    return kind(node);
  }

  /** A mapping whose keys are names chosen by the user (clusters, namespace mappings). */
  Optional<Map<String, NodeReader>> entries() {
    return keyedTuples()
        .map(
            tuples -> {
              Map<String, NodeReader> entries = new LinkedHashMap<>();
              tuples.forEach((key, tuple) -> entries.put(key, child(key, tuple.getValueNode())));
              return entries;
            });
  }

  /** A mapping with a fixed set of keys; each other key is reported, with a hint. */
  Optional<Fields> fields(List<String> validKeys) {
    return keyedTuples()
        .map(
            tuples -> {
              Map<String, NodeReader> known = new LinkedHashMap<>();
              tuples.forEach(
                  (key, tuple) -> {
                    if (validKeys.contains(key)) {
                      known.put(key, child(key, tuple.getValueNode()));
                    } else {
                      problems.add(
                          childPath(key),
                          lineOf(tuple.getKeyNode()),
                          Suggestions.unknownKey(key, validKeys));
                    }
                  });
              return new Fields(this, known);
            });
  }

  /**
   * Reads a section: a mapping with these keys, whose values {@code read} takes; it returns how to
   * build the result, which is built only if reading the section reported nothing (so the values it
   * uses are all present).
   */
  <T> Optional<T> readFields(List<String> validKeys, Function<Fields, Supplier<T>> read) {
    int before = problems.count();
    return fields(validKeys)
        .map(read)
        .flatMap(build -> problems.count() == before ? Optional.of(build.get()) : Optional.empty());
  }

  private Optional<Map<String, NodeTuple>> keyedTuples() {
    if (!(node instanceof MappingNode mapping)) {
      wrongType("a mapping");
      return Optional.empty();
    }
    Map<String, NodeTuple> tuples = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode key)) {
        problems.add(path, lineOf(keyNode), "a key must be a single value, found " + kind(keyNode));
        continue;
      }
      NodeTuple first = tuples.putIfAbsent(key.getValue(), tuple);
      if (first != null) {
        problems.add(
            childPath(key.getValue()),
            lineOf(keyNode),
            "duplicate key (first at line " + lineOf(first.getKeyNode()) + ")");
      }
    }
    return Optional.of(tuples);
  }

  /** A list. */
  Optional<List<NodeReader>> items() {
    if (!(node instanceof SequenceNode sequence)) {
      wrongType("a list");
      return Optional.empty();
    }
    List<NodeReader> items = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      items.add(new NodeReader(item, path + "[" + items.size() + "]", problems, environment));
    }
    return Optional.of(items);
  }

  /** A list read item by item; items that fail are left out (and were reported). */
  <T> Optional<List<T>> listOf(Function<NodeReader, Optional<T>> readItem) {
    return items().map(items -> readEach(items, readItem));
  }

  /** A list of at least one {@code what}, read item by item like {@link #listOf}. */
  <T> Optional<List<T>> nonEmptyListOf(String what, Function<NodeReader, Optional<T>> readItem) {
    Optional<List<NodeReader>> items = items();
    if (items.isPresent() && items.get().isEmpty()) {
      return invalid("must list at least one " + what);
    }
    return items.map(present -> readEach(present, readItem));
  }

  private static <T> List<T> readEach(
      List<NodeReader> items, Function<NodeReader, Optional<T>> readItem) {
    return items.stream().map(readItem).flatMap(Optional::stream).toList();
  }

  /** A single value, after {@code ${ENV}} substitution; an empty node reads as "". */
  Optional<String> text() {
    if (!(node instanceof ScalarNode scalar)) {
      wrongType("a single value");
      return Optional.empty();
    }
    return isNull() ? Optional.of("") : environment.substitute(scalar.getValue(), this::problem);
  }

  /** A single value that is not blank. */
  Optional<String> nonEmptyText() {
    Optional<String> text = text();
    if (text.isPresent() && text.get().isBlank()) {
      problem("must not be empty");
      return Optional.empty();
    }
    return text;
  }

  /** {@code true} or {@code false}, in any case. */
  Optional<Boolean> bool() {
    return text()
        .flatMap(
            text ->
                switch (text.strip().toLowerCase(Locale.ROOT)) {
                  case "true" -> Optional.of(true);
                  case "false" -> Optional.of(false);
                  default -> invalid("must be true or false, found " + shown());
                });
  }

  /** One of the given words, in any case; returns the word as listed. */
  Optional<String> choice(List<String> words) {
    return text()
        .flatMap(
            text ->
                words.stream()
                    .filter(word -> word.equalsIgnoreCase(text.strip()))
                    .findFirst()
                    .or(
                        () ->
                            invalid(
                                "must be one of "
                                    + String.join(", ", words)
                                    + ", found "
                                    + shown())));
  }

  /** A whole number. */
  Optional<Long> integer() {
    return parse(
        "number",
        text -> {
          try {
            return Long.parseLong(text.strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("use a whole number");
          }
        });
  }

  /**
   * A value read by {@code parser}, which throws {@link IllegalArgumentException} saying what would
   * be valid; the problem reads "invalid {@code what} '...': {@code reason}".
   */
  <T> Optional<T> parse(String what, Function<String, T> parser) {
    return nonEmptyText()
        .flatMap(
            text -> {
              try {
                return Optional.of(parser.apply(text));
              } catch (IllegalArgumentException e) {
                return invalid("invalid " + what + " " + shown() + ": " + e.getMessage());
              }
            });
  }

  /** {@code value} if {@code valid}, else reports "{@code message}, found '...'". */
  <T> Optional<T> check(T value, boolean valid, String message) {
    return valid ? Optional.of(value) : invalid(message + ", found " + shown());
  }

  /** A URL that starts with one of {@code schemes}, with something after it and no spaces. */
  Optional<String> url(String example, String... schemes) {
    return nonEmptyText()
        .flatMap(
            text -> {
              for (String scheme : schemes) {
                if (text.startsWith(scheme)) {
                  boolean valid =
                      text.length() > scheme.length()
                          && text.chars().noneMatch(Character::isWhitespace);
                  return check(text, valid, "must be a URL like " + example);
                }
              }
              return invalid(
                  "must start with " + String.join(" or ", schemes) + ", found " + shown());
            });
  }

  /** A local path; relative paths are relative to the working directory. */
  Optional<Path> file() {
    return nonEmptyText()
        .flatMap(
            text -> {
              try {
                return Optional.of(Path.of(text));
              } catch (InvalidPathException e) {
                return invalid("invalid path " + shown() + ": " + e.getReason());
              }
            });
  }

  /** A local path to a file that exists and can be read. */
  Optional<Path> readableFile() {
    return file().flatMap(this::readable);
  }

  /** {@code path} if it is a readable file, else reports which file and why not. */
  Optional<Path> readable(Path path) {
    Optional<String> reason = LocalFiles.unreadable(path);
    return reason.isEmpty()
        ? Optional.of(path)
        : invalid("cannot read " + path + ": " + reason.get());
  }

  private <T> Optional<T> invalid(String message) {
    problem(message);
    return Optional.empty();
  }

  private void wrongType(String expected) {
    problem("expected " + expected + ", found " + kind(node));
  }

  private static String kind(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return Tag.NULL.equals(node.getTag()) ? "nothing" : "a single value";
  }

  private NodeReader child(String key, Node value) {
    return new NodeReader(value, childPath(key), problems, environment);
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
