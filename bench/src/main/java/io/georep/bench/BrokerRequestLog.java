package io.georep.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP requests a broker served, read from its log: the broker's web server logs each request
 * it answered (Jetty's request log, at INFO) with its method and path. {@link #next()} counts the
 * requests logged since the previous call, by kind ({@link #kindOf}).
 */
final class BrokerRequestLog {
  private static final Pattern REQUEST =
      Pattern.compile("\"(GET|PUT|POST|DELETE|HEAD|PATCH) (\\S+) HTTP/[0-9.]+\"");
  private static final Pattern TOPICS =
      Pattern.compile("^/admin/v2/(persistent|non-persistent)/(.*)$");
  private static final String NAMESPACES = "/admin/v2/namespaces/";

  private final Path file;
  private long offset;

  /** Counts from the end of the log as it is now. */
  BrokerRequestLog(Path file) {
    this.file = file;
    this.offset = file.toFile().length();
  }

  /** The requests logged since the last call (or since this reader was made), by kind. */
  Map<String, Long> next() {
    Map<String, Long> counts = new TreeMap<>();
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long end = in.length();
      if (end < offset) {
        offset = 0; // the log was replaced
      }
      in.seek(offset);
      byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE, end - offset)];
      in.readFully(bytes);
      // Only whole lines: a line being written is counted next time.
      int lastNewline = lastIndexOf(bytes, (byte) '\n');
      if (lastNewline < 0) {
        return counts;
      }
      offset += lastNewline + 1;
      String text = new String(bytes, 0, lastNewline + 1, StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        String kind = kindOfLine(line);
        if (kind != null) {
          counts.merge(kind, 1L, Long::sum);
        }
      }
      return counts;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static int lastIndexOf(byte[] bytes, byte b) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** The kind of request a request-log line names; null for any other line. */
  static String kindOfLine(String line) {
    Matcher m = REQUEST.matcher(line);
    return m.find() ? kindOf(m.group(1), m.group(2)) : null;
  }

  /**
   * A request's kind: its method and its path with tenants, namespaces and topics left out, e.g.
   * {@code GET topics/internalStats}, {@code GET namespace/topics} (a namespace's topic list) or
   * {@code GET namespace/partitioned} (its partitioned topics); non-persistent ones say so.
   */
  static String kindOf(String method, String uri) {
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    Matcher topics = TOPICS.matcher(path);
    if (topics.matches()) {
      String domain = topics.group(1).equals("persistent") ? "" : "non-persistent ";
      String[] parts = topics.group(2).split("/");
      String kind;
      if (parts.length <= 2) {
        kind = "namespace/topics";
      } else if (parts.length == 3 && parts[2].equals("partitioned")) {
        kind = "namespace/partitioned";
      } else if (parts.length == 3 && parts[2].startsWith("0x")) {
        kind = "namespace/bundle-topics";
      } else {
        kind = "topic" + (parts.length > 3 ? "/" + parts[parts.length - 1] : "");
      }
      return method + " " + domain + kind;
    }
    if (path.startsWith(NAMESPACES)) {
      String[] parts = path.substring(NAMESPACES.length()).split("/");
      return method + " namespaces" + (parts.length > 2 ? "/" + parts[parts.length - 1] : "");
    }
    return method + " " + path;
  }

  static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
