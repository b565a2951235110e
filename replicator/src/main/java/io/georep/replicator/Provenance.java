package io.georep.replicator;

import io.georep.state.Position;
import java.util.Map;
import java.util.Optional;

/**
 * What georep adds to every forwarded message: where this hop read it, and where it was first
 * produced. The origin is what stops an active-active pair from looping.
 *
 * <p>One property, {@value #SOURCE}, carries the hop: {@code
 * cluster|ledger:entry:batch|publishTime|topic}, e.g. {@code
 * east|123:45:6|1732567890123|persistent://t/ns/orders-partition-0}. It is one property, not five,
 * because each property costs every message its key and value on the wire, on disk and in the
 * client's serialization: five named ones made a 100-byte message 320 bytes on the target and took
 * a third of georep's CPU (docs/benchmarks.md). Cluster names cannot hold {@code |} (config
 * validation); the topic comes last, so it may.
 *
 * <p>{@value #ORIGIN} is written only from the second hop on (east to west to archive): on the
 * first hop the origin is the source cluster. {@link #originOf} reads both.
 */
public record Provenance(
    String sourceCluster,
    long ledgerId,
    long entryId,
    int batchIndex,
    long sourcePublishTime,
    String sourceTopic) {

  /** The property naming this hop's source. */
  public static final String SOURCE = "georep.src";

  /** The cluster where the message was first produced, when that is not this hop's source. */
  public static final String ORIGIN = "georep.origin";

  /** The value of {@value #SOURCE}. */
  public static String encode(
      String sourceCluster,
      long ledgerId,
      long entryId,
      int batchIndex,
      long sourcePublishTime,
      String sourceTopic) {
    return new StringBuilder(sourceCluster.length() + sourceTopic.length() + 48)
        .append(sourceCluster)
        .append('|')
        .append(ledgerId)
        .append(':')
        .append(entryId)
        .append(':')
        .append(batchIndex)
        .append('|')
        .append(sourcePublishTime)
        .append('|')
        .append(sourceTopic)
        .toString();
  }

  /** The value of {@value #SOURCE}. */
  public String encode() {
    return encode(sourceCluster, ledgerId, entryId, batchIndex, sourcePublishTime, sourceTopic);
  }

  /** The source position this hop read the message at. */
  public Position sourcePosition() {
    return new Position(ledgerId, entryId, batchIndex);
  }

  /** The source message id in the form status and logs use, {@code ledger:entry:batch}. */
  public String sourceId() {
    return ledgerId + ":" + entryId + ":" + batchIndex;
  }

  /** The provenance of a message with these properties; empty if georep did not forward it. */
  public static Optional<Provenance> of(Map<String, String> properties) {
    return parse(properties.get(SOURCE));
  }

  /** Parses a {@value #SOURCE} value; empty for null or a value georep did not write. */
  public static Optional<Provenance> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String[] parts = value.split("\\|", 4);
    if (parts.length != 4) {
      return Optional.empty();
    }
    String[] id = parts[1].split(":");
    if (id.length != 3) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Provenance(
              parts[0],
              Long.parseLong(id[0]),
              Long.parseLong(id[1]),
              Integer.parseInt(id[2]),
              Long.parseLong(parts[2]),
              parts[3]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The cluster a message was first produced on, as far as georep knows: its {@value #ORIGIN}, else
   * the cluster georep read it from, else null (produced where it is).
   */
  public static String originOf(Map<String, String> properties) {
    String origin = properties.get(ORIGIN);
    if (origin != null) {
      return origin;
    }
    String source = properties.get(SOURCE);
    if (source == null) {
      return null;
    }
    int bar = source.indexOf('|');
    return bar > 0 ? source.substring(0, bar) : null;
  }
}
