package io.georep.replicator;

import io.georep.state.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;

/**
 * Forwards source messages one by one: each is produced anew on the target, with its key, ordering
 * key, event time, properties and payload, and gains georep's provenance. The target's producers
 * batch them.
 */
final class MessageForwarder implements Forwarder<Message<byte[]>> {
  private final List<Producer<byte[]>> producers;
  private final long[] targetSequenceIds;
  private final TargetRouting routing;
  private final String sourceCluster;
  private final String sourceTopic;
  private final StageTimers stages;

  MessageForwarder(
      List<Producer<byte[]>> producers,
      TargetRouting routing,
      String sourceCluster,
      String sourceTopic,
      StageTimers stages) {
    this.producers = List.copyOf(producers);
    this.routing = routing;
    this.sourceCluster = sourceCluster;
    this.sourceTopic = sourceTopic;
    this.stages = stages;
    this.targetSequenceIds = new long[producers.size()];
    for (int i = 0; i < producers.size(); i++) {
      targetSequenceIds[i] = producers.get(i).getLastSequenceId();
    }
  }

  @Override
  public Position position(Message<byte[]> message) {
    return Positions.of(message.getMessageId());
  }

  @Override
  public MessageId sourceId(Message<byte[]> message) {
    return message.getMessageId();
  }

  @Override
  public long publishTime(Message<byte[]> message) {
    return message.getPublishTime();
  }

  @Override
  public int messages(Message<byte[]> message) {
    return 1;
  }

  @Override
  public int size(Message<byte[]> message) {
    return message.size();
  }

  @Override
  public int batchSize(Message<byte[]> message) {
    return message.getMessageId() instanceof MessageIdAdv adv && adv.getBatchIndex() >= 0
        ? adv.getBatchSize()
        : 0;
  }

  @Override
  public String origin(Message<byte[]> message) {
    // The message's own provenance, else its entry's (a batch forwarded whole by another link).
    return Provenance.originOf(message);
  }

  @Override
  public byte[] schemaVersion(Message<byte[]> message) {
    return message.getSchemaVersion();
  }

  @Override
  public int route(Message<byte[]> message, Position position) {
    return routing.route(message, position);
  }

  @Override
  public long[] targetSequenceIds() {
    return targetSequenceIds;
  }

  @Override
  public void send(Message<byte[]> message, InFlight slot, Schema<byte[]> schema, String origin) {
    long sentNanos = System.nanoTime();
    stages.arrived(message.getPublishTime(), System.currentTimeMillis());
    toTarget(producers.get(slot.route), schema, message, origin, slot.source)
        .sequenceId(slot.sequenceId)
        .sendAsync()
        .whenComplete(
            (id, err) -> {
              if (err == null) {
                stages.acknowledged(sentNanos, System.nanoTime());
              }
              slot.complete(id, err);
            });
  }

  private TypedMessageBuilder<byte[]> toTarget(
      Producer<byte[]> producer,
      Schema<byte[]> schema,
      Message<byte[]> message,
      String origin,
      Position position) {
    // Schema.BYTES stands for "none": the producer's own schema, as for any message it sends.
    TypedMessageBuilder<byte[]> out =
        (schema == Schema.BYTES ? producer.newMessage() : producer.newMessage(schema))
            .value(message.getData());
    if (message.hasBase64EncodedKey()) {
      out.keyBytes(message.getKeyBytes());
    } else if (message.hasKey()) {
      out.key(message.getKey());
    }
    if (message.hasOrderingKey()) {
      out.orderingKey(message.getOrderingKey());
    }
    if (message.getEventTime() > 0) {
      out.eventTime(message.getEventTime());
    }
    Map<String, String> properties = message.getProperties();
    if (origin == null) {
      if (!properties.isEmpty()) {
        out.properties(properties);
      }
    } else {
      // Forwarded before (a second hop): the earlier hop's source is replaced by this one, the
      // origin stays.
      properties.forEach(
          (k, v) -> {
            if (!k.equals(Provenance.SOURCE) && !k.equals(Provenance.ORIGIN)) {
              out.property(k, v);
            }
          });
      out.property(Provenance.ORIGIN, origin);
    }
    out.property(
        Provenance.SOURCE,
        Provenance.encode(
            sourceCluster,
            position.ledgerId(),
            position.entryId(),
            position.batchIndex(),
            message.getPublishTime(),
            sourceTopic));
    return out;
  }

  @Override
  public CompletableFuture<Void> close() {
    return closeAll(producers);
  }

  /** Closes every producer; fails, after all were asked, with the first failure, if any. */
  static CompletableFuture<Void> closeAll(List<Producer<byte[]>> producers) {
    List<CompletableFuture<Void>> closing = new ArrayList<>(producers.size());
    producers.forEach(p -> closing.add(p.closeAsync()));
    return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
        .orTimeout(10, TimeUnit.SECONDS);
  }
}
