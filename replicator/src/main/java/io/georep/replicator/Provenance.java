package io.georep.replicator;

import io.georep.state.Position;
import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.impl.MessageImpl;
import org.apache.pulsar.client.impl.TopicMessageImpl;
import org.apache.pulsar.common.api.proto.KeyValue;
import org.apache.pulsar.common.api.proto.MessageMetadata;

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
 *
 * <p>Where a whole entry is forwarded ({@code forwarding: entries}), the properties are the
 * entry's, with batch index -1: an unbatched message shows them as its own; the messages of a batch
 * keep their own properties untouched, and {@link #of(Message)} reads the batch's, with the
 * message's batch index, which forwarding keeps.
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

  /**
   * The provenance of a message read from a target: its own {@value #SOURCE} property, else that of
   * its batch (a batch forwarded whole) with the message's batch index; empty if georep did not
   * forward it.
   */
  public static Optional<Provenance> of(Message<?> message) {
    Optional<Provenance> own = of(message.getProperties());
    if (own.isPresent()) {
      return own;
    }
    MessageMetadata entry = entryMetadata(message);
    if (entry == null || !(message.getMessageId() instanceof MessageIdAdv id)) {
      return Optional.empty();
    }
    return parse(entryProperty(entry, SOURCE))
        .map(
            p ->
                new Provenance(
                    p.sourceCluster(),
                    p.ledgerId(),
                    p.entryId(),
                    id.getBatchIndex(),
                    p.sourcePublishTime(),
                    p.sourceTopic()));
  }

  /** {@link #originOf(Map)} for a message read from a target, its batch's properties included. */
  public static String originOf(Message<?> message) {
    String own = originOf(message.getProperties());
    if (own != null) {
      return own;
    }
    MessageMetadata entry = entryMetadata(message);
    if (entry == null) {
      return null;
    }
    return originOf(entryProperty(entry, ORIGIN), entryProperty(entry, SOURCE));
  }

  /** The metadata of a batched message's entry; null if there is none to read. */
  private static MessageMetadata entryMetadata(Message<?> message) {
    Message<?> inner = message instanceof TopicMessageImpl<?> t ? t.getMessage() : message;
    if (inner instanceof MessageImpl<?> m && m.getMessageBuilder().hasNumMessagesInBatch()) {
      return m.getMessageBuilder();
    }
    return null;
  }

  /** The value of property {@code key} among an entry's properties, or null. */
  public static String entryProperty(MessageMetadata entry, String key) {
    for (KeyValue property : entry.getPropertiesList()) {
      if (property.getKey().equals(key)) {
        return property.getValue();
      }
    }
    return null;
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
    return originOf(properties.get(ORIGIN), properties.get(SOURCE));
  }

  /** The origin from the values of {@value #ORIGIN} and {@value #SOURCE}, each possibly null. */
  public static String originOf(String origin, String source) {
    if (origin != null) {
      return origin;
    }
    if (source == null) {
      return null;
    }
    int bar = source.indexOf('|');
    return bar > 0 ? source.substring(0, bar) : null;
  }
}
