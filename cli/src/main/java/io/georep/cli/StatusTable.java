package io.georep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the status API's JSON for people: a line per link, then a table of its topics. Reads the
 * JSON as a tree, not as {@code DaemonStatus}, so that a CLI of another version still prints what
 * it recognises.
 */
final class StatusTable {
  private StatusTable() {}

  static List<String> lines(JsonNode status) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "daemon "
            + (status.path("ready").asBoolean() ? "READY" : "NOT READY")
            + ", started "
            + status.path("startedAt").asText("?"));
    JsonNode links = status.path("links");
    if (links.isEmpty()) {
      lines.add("no links");
    }
    for (JsonNode link : links) {
      lines.add("");
      lines.addAll(linkLines(link));
      lines.addAll(subscriptionLines(link.path("subscriptions")));
    }
    return lines;
  }

  /** The link's translated subscriptions, if it translates any. */
  private static List<String> subscriptionLines(JsonNode subscriptions) {
    List<String> lines = new ArrayList<>();
    if (!subscriptions.isArray() || subscriptions.isEmpty()) {
      return lines;
    }
    Table table =
        new Table(
                "SUBSCRIPTION",
                "TARGET TOPIC",
                "SOURCE POSITION",
                "TARGET POSITION",
                "ACTION",
                "EXACT",
                "TRANSLATED")
            .rightAlign(6);
    for (JsonNode sub : subscriptions) {
      long age = sub.path("ageMillis").asLong(-1);
      table.row(
          sub.path("subscription").asText(),
          sub.path("targetTopic").asText(),
          sub.path("sourcePosition").asText(),
          sub.path("targetPosition").asText(),
          sub.path("action").asText(),
          sub.path("exact").asBoolean() ? "yes" : "no",
          age < 0 ? null : lag(age) + " ago");
    }
    table.lines().forEach(line -> lines.add("  " + line));
    return lines;
  }

  private static List<String> linkLines(JsonNode link) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "link %s (%s -> %s): %s, %,d forwarded",
            link.path("name").asText(),
            link.path("source").asText(),
            link.path("target").asText(),
            link.path("state").asText(),
            link.path("messagesForwarded").asLong()));
    if (hasText(link.path("lastError"))) {
      lines.add("  error: " + oneLine(link.path("lastError").asText()));
    }
    JsonNode metadata = link.path("metadataSync");
    if (metadata.isObject()) {
      lines.add(metadataLine(metadata));
      if (hasText(metadata.path("lastError"))) {
        lines.add("  metadata sync error: " + oneLine(metadata.path("lastError").asText()));
      }
    }
    JsonNode topics = link.path("topics");
    if (topics.isEmpty()) {
      lines.add("  no topics yet");
      return lines;
    }
    Table table = topics(topics);
    table.lines().forEach(line -> lines.add("  " + line));
    for (JsonNode topic : topics) {
      if (hasText(topic.path("lastEvent"))) {
        lines.add(
            "  event "
                + topic.path("sourceTopic").asText()
                + ": "
                + oneLine(topic.path("lastEvent").asText()));
      }
    }
    return lines;
  }

  /**
   * {@code metadata sync continuous: DRIFT, last run 2026-…Z (850ms): applied 3, failed 0, pending
   * 0, conflicts 2, only on target 1; next run 2026-…Z}.
   */
  private static String metadataLine(JsonNode sync) {
    StringBuilder line =
        new StringBuilder("  metadata sync ")
            .append(sync.path("mode").asText())
            .append(": ")
            .append(sync.path("state").asText());
    if (hasText(sync.path("lastRunAt"))) {
      line.append(
          String.format(
              Locale.ROOT,
              ", last run %s (%s): applied %,d, failed %,d, pending %,d, conflicts %,d,"
                  + " only on target %,d",
              sync.path("lastRunAt").asText(),
              lag(sync.path("lastRunMillis").asLong()),
              sync.path("applied").asLong(),
              sync.path("failed").asLong(),
              sync.path("pendingCreates").asLong(),
              sync.path("conflicts").asLong(),
              sync.path("onlyOnTarget").asLong()));
    }
    if (hasText(sync.path("nextRunAt"))) {
      line.append("; next run ").append(sync.path("nextRunAt").asText());
    }
    return line.toString();
  }

  /** One row per source partition: target, state, forwarded, in-flight, backlog, lag, error. */
  static Table topics(JsonNode topics) {
    Table table =
        new Table(
                "TOPIC",
                "TARGET",
                "STATE",
                "FORWARDED",
                "IN-FLIGHT",
                "BACKLOG",
                "LAG",
                "LAST ERROR")
            .rightAlign(3, 4, 5, 6);
    for (JsonNode topic : topics) {
      long backlog = topic.path("backlogMessages").asLong(-1);
      table.row(
          topic.path("sourceTopic").asText(),
          topic.path("targetTopic").asText(),
          topic.path("state").asText(),
          count(topic.path("messagesForwarded").asLong()),
          count(topic.path("inFlight").asLong()),
          backlog < 0 ? null : count(backlog),
          lag(topic.path("lagMillis").asLong()),
          hasText(topic.path("lastError")) ? oneLine(topic.path("lastError").asText()) : null);
    }
    return table;
  }

  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /** {@code 0s}, {@code 850ms}, {@code 12.3s}, {@code 4m05s}, {@code 2h07m}. */
  static String lag(long millis) {
    if (millis <= 0) {
      return "0s";
    }
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    Duration lag = Duration.ofMillis(millis);
    if (lag.toHours() == 0) {
      return String.format(Locale.ROOT, "%dm%02ds", lag.toMinutesPart(), lag.toSecondsPart());
    }
    return String.format(Locale.ROOT, "%dh%02dm", lag.toHours(), lag.toMinutesPart());
  }

  private static boolean hasText(JsonNode node) {
    return node.isTextual() && !node.asText().isBlank();
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }
}
