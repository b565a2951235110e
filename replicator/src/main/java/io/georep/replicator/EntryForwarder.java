package io.georep.replicator;

import io.georep.state.Position;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.impl.GeorepEntryConsumer.SourceEntry;
import org.apache.pulsar.client.impl.MessageImpl;
import org.apache.pulsar.client.impl.OpSendMsgStats;
import org.apache.pulsar.client.impl.ProducerImpl;
import org.apache.pulsar.client.impl.SendCallback;
import org.apache.pulsar.common.api.proto.KeyValue;
import org.apache.pulsar.common.api.proto.MessageMetadata;
import org.apache.pulsar.shade.io.netty.buffer.ByteBuf;

/**
 * Forwards whole source entries: a producer's batch stays one entry, its payload as stored
 * (compressed, encrypted), only its metadata readdressed. Goes to the matching target partition
 * through one producer on it. Entries that must go message by message are handed to {@link
 * #messages()}, which forwards through the same producer.
 */
final class EntryForwarder implements Forwarder<SourceEntry> {
  private final ProducerImpl<byte[]> producer;
  private final String targetTopic;
  private final String sourceCluster;
  private final String sourceTopic;
  private final StageTimers stages;
  private final MessageForwarder messages;
  private final long[] targetSequenceIds;

  /**
   * @param producer on one topic or partition (entries go to the matching partition only)
   */
  EntryForwarder(
      ProducerImpl<byte[]> producer, String sourceCluster, String sourceTopic, StageTimers stages) {
    this.producer = producer;
    this.targetTopic = producer.getTopic();
    this.sourceCluster = sourceCluster;
    this.sourceTopic = sourceTopic;
    this.stages = stages;
    this.messages =
        new MessageForwarder(
            List.of(producer), TargetRouting.identity(-1), sourceCluster, sourceTopic, stages);
    this.targetSequenceIds = messages.targetSequenceIds();
  }

  /** Forwards the messages of the entries that must go one by one. */
  MessageForwarder messages() {
    return messages;
  }

  @Override
  public Position position(SourceEntry entry) {
    // An entry is identified by its last message: a checkpoint inside it (written while
    // forwarding messages) leaves the rest of it to send.
    return new Position(
        entry.ledgerId(), entry.entryId(), entry.isBatch() ? entry.messageCount() - 1 : -1);
  }

  @Override
  public MessageId sourceId(SourceEntry entry) {
    return entry.messageId();
  }

  @Override
  public long publishTime(SourceEntry entry) {
    return entry.metadata().getPublishTime();
  }

  @Override
  public int messages(SourceEntry entry) {
    return entry.messageCount();
  }

  @Override
  public int size(SourceEntry entry) {
    return entry.payload().readableBytes();
  }

  @Override
  public int batchSize(SourceEntry entry) {
    // The id of its last message: where the target holds part of the entry (sent message by
    // message before), the rest still goes (as a duplicate of that part, never a loss).
    return entry.isBatch() ? entry.messageCount() : 0;
  }

  @Override
  public boolean goesAsBatch(SourceEntry entry) {
    return entry.isBatch();
  }

  @Override
  public String origin(SourceEntry entry) {
    MessageMetadata metadata = entry.metadata();
    return Provenance.originOf(
        Provenance.entryProperty(metadata, Provenance.ORIGIN),
        Provenance.entryProperty(metadata, Provenance.SOURCE));
  }

  @Override
  public byte[] schemaVersion(SourceEntry entry) {
    MessageMetadata metadata = entry.metadata();
    return metadata.hasSchemaVersion() ? metadata.getSchemaVersion() : null;
  }

  @Override
  public int route(SourceEntry entry, Position position) {
    return 0; // one producer: entries go to the matching partition only
  }

  @Override
  public long[] targetSequenceIds() {
    return targetSequenceIds;
  }

  /**
   * An entry goes message by message where its messages may carry provenance of their own ({@link
   * EntryMessages#mayHideProvenance}), or where what was taken ends inside it (a checkpoint written
   * while forwarding messages, then the link switched to entries): the messages the target holds
   * are then not sent again with the entry.
   */
  @Override
  public Optional<List<Message<byte[]>>> messagesToSendOneByOne(
      SourceEntry entry, Position highestTaken) {
    if (!EntryMessages.mayHideProvenance(entry) && !checkpointInside(entry, highestTaken)) {
      return Optional.empty();
    }
    try {
      return Optional.of(EntryMessages.unpack(entry, sourceTopic));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean checkpointInside(SourceEntry entry, Position highestTaken) {
    return entry.isBatch()
        && highestTaken != null
        && highestTaken.ledgerId() == entry.ledgerId()
        && highestTaken.entryId() == entry.entryId()
        && highestTaken.batchIndex() >= 0
        && highestTaken.batchIndex() < entry.messageCount() - 1
        && entry.metadata().getEncryptionKeysCount() == 0;
  }

  @Override
  public void send(SourceEntry entry, InFlight slot, Schema<byte[]> schema, String origin) {
    MessageMetadata metadata = entry.metadata();
    long publishTime = metadata.getPublishTime();
    readdress(metadata, origin, entry, publishTime, slot.sequenceId);
    MessageImpl<byte[]> out =
        MessageImpl.create(metadata, entry.payload().nioBuffer(), schema, targetTopic);
    stages.arrived(publishTime, entry.arrivalMillis());
    EntrySend send = new EntrySend(slot, entry.payload(), out, System.nanoTime());
    stages.sending(entry.arrivalNanos(), send.sentNanos);
    producer.sendAsync(out, send);
  }

  @Override
  public void release(SourceEntry entry) {
    entry.payload().release();
  }

  @Override
  public CompletableFuture<Void> close() {
    return MessageForwarder.closeAll(List.<Producer<byte[]>>of(producer));
  }

  /**
   * Makes a stored entry's metadata the metadata of a new send by this link's producer: its
   * producer name and publish time go (the producer stamps its own, as for any message it sends;
   * the source's publish time stays in the provenance), as do a transaction's ids (the target has
   * no such transaction) and a built-in replicator's mark; the sequence id becomes the one derived
   * from the source position; provenance is replaced. Compression, uncompressed size, batch count,
   * keys, event time, encryption keys and chunking stay: they describe the payload, which stays.
   */
  private void readdress(
      MessageMetadata metadata,
      String origin,
      SourceEntry entry,
      long publishTime,
      long sequenceId) {
    metadata.clearProducerName();
    metadata.clearPublishTime();
    metadata.clearReplicatedFrom();
    metadata.clearTxnidMostBits();
    metadata.clearTxnidLeastBits();
    metadata.clearHighestSequenceId();
    metadata.setSequenceId(sequenceId);
    List<String[]> kept = new ArrayList<>(metadata.getPropertiesCount());
    for (KeyValue property : metadata.getPropertiesList()) {
      String key = property.getKey();
      if (!key.equals(Provenance.SOURCE) && !key.equals(Provenance.ORIGIN)) {
        kept.add(new String[] {key, property.getValue()});
      }
    }
    metadata.clearProperties();
    for (String[] property : kept) {
      metadata.addProperty().setKey(property[0]).setValue(property[1]);
    }
    if (origin != null) {
      // Forwarded before (a second hop): the origin stays.
      metadata.addProperty().setKey(Provenance.ORIGIN).setValue(origin);
    }
    metadata
        .addProperty()
        .setKey(Provenance.SOURCE)
        .setValue(
            Provenance.encode(
                sourceCluster, entry.ledgerId(), entry.entryId(), -1, publishTime, sourceTopic));
  }

  /**
   * One entry's send: the producer calls it back once the target stored it (or the send failed). It
   * holds the entry's payload until then (the outgoing message wraps it), and answers {@link
   * #getFuture} with a future that completes with the send, as the producer's {@code flush} needs.
   */
  private final class EntrySend implements SendCallback {
    private final InFlight slot;
    private final MessageImpl<byte[]> out;
    private final long sentNanos;
    private final CompletableFuture<MessageId> future = new CompletableFuture<>();
    private ByteBuf payload;

    EntrySend(InFlight slot, ByteBuf payload, MessageImpl<byte[]> out, long sentNanos) {
      this.slot = slot;
      this.payload = payload;
      this.out = out;
      this.sentNanos = sentNanos;
    }

    @Override
    public void sendComplete(Throwable e, OpSendMsgStats stats) {
      // Read before the payload goes: the producer set the id on the message it acknowledged.
      MessageId targetId = e == null ? out.getMessageId() : null;
      if (e == null) {
        stages.acknowledged(sentNanos, System.nanoTime());
      }
      ByteBuf held = payload;
      payload = null;
      if (held != null) {
        held.release();
      }
      slot.complete(targetId, e);
      if (e == null) {
        future.complete(targetId);
      } else {
        future.completeExceptionally(e);
      }
    }

    /** Never batched with another send: an entry goes alone (the producer's batching is off). */
    @Override
    public void addCallback(MessageImpl<?> msg, SendCallback scb) {
      throw new UnsupportedOperationException("an entry's send is never chained to another");
    }

    /** The end of the chain: an entry's send has no next one. */
    @Override
    public SendCallback getNextSendCallback() {
      return null;
    }

    @Override
    public MessageImpl<?> getNextMessage() {
      return null;
    }

    @Override
    public CompletableFuture<MessageId> getFuture() {
      return future;
    }
  }
}
