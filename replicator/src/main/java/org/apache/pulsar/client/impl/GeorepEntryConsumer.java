package org.apache.pulsar.client.impl;

import com.scurrilous.circe.checksum.Crc32cIntChecksum;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.impl.conf.ConsumerConfigurationData;
import org.apache.pulsar.common.api.proto.CommandMessage;
import org.apache.pulsar.common.api.proto.MessageIdData;
import org.apache.pulsar.common.api.proto.MessageMetadata;
import org.apache.pulsar.common.naming.TopicName;
import org.apache.pulsar.common.protocol.Commands;
import org.apache.pulsar.shade.io.netty.buffer.ByteBuf;

/**
 * A durable consumer that hands out the source's stored entries as they are: a producer's batch
 * stays one entry, its payload still compressed (and encrypted, if it was), ready to be forwarded
 * whole. It is what the broker's own RawReader does for compaction, and it lives in the client's
 * package for the same reason: {@link ConsumerImpl#messageReceived} is package-private.
 *
 * <p>What it keeps from {@link ConsumerImpl}: connection handling, subscription, acknowledgements
 * (cumulative acknowledgement of an entry's id acknowledges the whole entry). What it replaces: the
 * receive queue. Entries wait here until taken; each taken entry gives its messages' permits back
 * to the broker, if it arrived on the current connection (after a reconnect the broker redelivers
 * from the cursor and the queue's older entries are replays the taker skips).
 *
 * <p>The queue is sized in bytes, not messages: about {@link #QUEUE_TARGET_BYTES} or {@link
 * #QUEUE_MIN_ENTRIES} entries, whichever is more, from the average entry seen so far. It starts at
 * one permit, so a partition with a backlog of large batches does not receive hundreds of them
 * before the first shows their size.
 *
 * <p>Thread-safety: entries arrive on the client's I/O thread; {@link #receiveEntryAsync} and
 * {@link #pollEntry} are meant for one taker at a time (the partition's actor).
 */
public final class GeorepEntryConsumer extends ConsumerImpl<byte[]> {

  static final int QUEUE_TARGET_BYTES = 512 * 1024;
  static final int QUEUE_MIN_ENTRIES = 4;
  static final int QUEUE_MAX_PERMITS = 100_000;

  /** A source entry handed out: its position, metadata and payload. */
  public static final class SourceEntry {
    private final long ledgerId;
    private final long entryId;
    private final int partitionIndex;
    private final MessageMetadata metadata;
    private final ByteBuf payload;

    SourceEntry(
        long ledgerId,
        long entryId,
        int partitionIndex,
        MessageMetadata metadata,
        ByteBuf payload) {
      this.ledgerId = ledgerId;
      this.entryId = entryId;
      this.partitionIndex = partitionIndex;
      this.metadata = metadata;
      this.payload = payload;
    }

    public long ledgerId() {
      return ledgerId;
    }

    public long entryId() {
      return entryId;
    }

    /** The id to acknowledge the whole entry with. */
    public MessageId messageId() {
      return new MessageIdImpl(ledgerId, entryId, partitionIndex);
    }

    /**
     * The entry's metadata, parsed from (and backed by) the payload's buffer: read it, or change it
     * for sending, only while the payload is not released.
     */
    public MessageMetadata metadata() {
      return metadata;
    }

    /** Whether the entry is a batch (even of one message): its messages have batch indexes. */
    public boolean isBatch() {
      return metadata.hasNumMessagesInBatch();
    }

    public int messageCount() {
      return metadata.getNumMessagesInBatch();
    }

    /**
     * The payload as stored (compressed and encrypted as produced); reference-counted: the taker
     * releases it once, when the entry is done with.
     */
    public ByteBuf payload() {
      return payload;
    }
  }

  /** An entry as it arrived, before it is checked and parsed by the taker. */
  private record Arrival(long ledgerId, long entryId, ByteBuf headersAndPayload, ClientCnx cnx) {}

  private final Object lock = new Object();
  private final ArrayDeque<Arrival> arrivals = new ArrayDeque<>();
  private CompletableFuture<SourceEntry> pending;
  private double averageEntryBytes = -1;
  private double averageEntryMessages = -1;

  /** Subscribes; the future completes when the broker accepted the subscription. */
  public static CompletableFuture<GeorepEntryConsumer> subscribe(
      PulsarClient client,
      String topic,
      String subscription,
      SubscriptionType type,
      SubscriptionInitialPosition initialPosition,
      long acknowledgementGroupMillis) {
    ConsumerConfigurationData<byte[]> conf = new ConsumerConfigurationData<>();
    conf.getTopicNames().add(topic);
    conf.setSubscriptionName(subscription);
    conf.setSubscriptionType(type);
    conf.setSubscriptionInitialPosition(initialPosition);
    conf.setReceiverQueueSize(1);
    conf.setAcknowledgementsGroupTimeMicros(
        TimeUnit.MILLISECONDS.toMicros(acknowledgementGroupMillis));
    CompletableFuture<Consumer<byte[]>> subscribed = new CompletableFuture<>();
    GeorepEntryConsumer consumer =
        new GeorepEntryConsumer((PulsarClientImpl) client, topic, conf, subscribed);
    return subscribed.thenApply(ignored -> consumer);
  }

  private GeorepEntryConsumer(
      PulsarClientImpl client,
      String topic,
      ConsumerConfigurationData<byte[]> conf,
      CompletableFuture<Consumer<byte[]>> subscribed) {
    super(
        client,
        topic,
        conf,
        client.externalExecutorProvider(),
        TopicName.getPartitionIndex(topic),
        false,
        false,
        subscribed,
        null,
        0,
        Schema.BYTES,
        null,
        true);
  }

  @Override
  void messageReceived(CommandMessage command, ByteBuf headersAndPayload, ClientCnx cnx) {
    State state = getState();
    if (state == State.Closing || state == State.Closed) {
      return;
    }
    MessageIdData id = command.getMessageId();
    Arrival arrival =
        new Arrival(id.getLedgerId(), id.getEntryId(), headersAndPayload.retainedSlice(), cnx);
    CompletableFuture<SourceEntry> waiting;
    synchronized (lock) {
      waiting = pending;
      pending = null;
      if (waiting == null) {
        arrivals.addLast(arrival);
        return;
      }
    }
    complete(waiting, arrival);
  }

  /** The next entry, now or when it arrives. One receive at a time. */
  public CompletableFuture<SourceEntry> receiveEntryAsync() {
    CompletableFuture<SourceEntry> future = new CompletableFuture<>();
    Arrival arrival;
    synchronized (lock) {
      arrival = arrivals.pollFirst();
      if (arrival == null) {
        pending = future;
        return future;
      }
    }
    complete(future, arrival);
    return future;
  }

  /**
   * The next entry if one is here, else null; never waits.
   *
   * @throws PulsarClientException.InvalidMessageException if the entry is corrupt
   */
  public SourceEntry pollEntry() throws PulsarClientException {
    Arrival arrival;
    synchronized (lock) {
      arrival = arrivals.pollFirst();
    }
    return arrival == null ? null : take(arrival);
  }

  private void complete(CompletableFuture<SourceEntry> future, Arrival arrival) {
    try {
      future.complete(take(arrival));
    } catch (PulsarClientException e) {
      future.completeExceptionally(e);
    }
  }

  /** Checks and parses an arrival, and gives its permits back. */
  private SourceEntry take(Arrival arrival) throws PulsarClientException {
    ByteBuf buffer = arrival.headersAndPayload();
    MessageMetadata metadata = new MessageMetadata();
    try {
      if (Commands.hasChecksum(buffer)) {
        int checksum = Commands.readChecksum(buffer);
        if (checksum != Crc32cIntChecksum.computeChecksum(buffer)) {
          throw new PulsarClientException.InvalidMessageException(
              corrupt(arrival, "checksum mismatch"));
        }
      }
      Commands.skipBrokerEntryMetadataIfExist(buffer);
      Commands.parseMessageMetadata(buffer, metadata);
    } catch (PulsarClientException e) {
      buffer.release();
      throw e;
    } catch (RuntimeException e) {
      buffer.release();
      throw new PulsarClientException.InvalidMessageException(
          corrupt(arrival, "unreadable metadata: " + e.getMessage()));
    }
    int messages = metadata.getNumMessagesInBatch();
    resize(messages, buffer.readableBytes());
    ClientCnx current = cnx();
    if (current == arrival.cnx()) {
      increaseAvailablePermits(current, messages);
    }
    return new SourceEntry(
        arrival.ledgerId(), arrival.entryId(), getPartitionIndex(), metadata, buffer);
  }

  private String corrupt(Arrival arrival, String why) {
    return "entry "
        + arrival.ledgerId()
        + ":"
        + arrival.entryId()
        + " of "
        + topic
        + " is corrupt ("
        + why
        + "); it stays on the source, unacknowledged";
  }

  /**
   * Holds the queue near {@link #QUEUE_TARGET_BYTES} (at least {@link #QUEUE_MIN_ENTRIES} entries),
   * from moving averages of the entries seen; resizes only when the size is off by 2x.
   */
  private void resize(int messages, int bytes) {
    if (averageEntryBytes < 0) {
      averageEntryBytes = bytes;
      averageEntryMessages = messages;
    } else {
      averageEntryBytes += (bytes - averageEntryBytes) / 16;
      averageEntryMessages += (messages - averageEntryMessages) / 16;
    }
    double entries =
        Math.max(QUEUE_MIN_ENTRIES, QUEUE_TARGET_BYTES / Math.max(1, averageEntryBytes));
    int wanted =
        (int) Math.min(QUEUE_MAX_PERMITS, Math.max(1, Math.ceil(entries * averageEntryMessages)));
    int now = getCurrentReceiverQueueSize();
    if (wanted >= now * 2 || wanted * 2 <= now) {
      setCurrentReceiverQueueSize(wanted);
    }
  }

  @Override
  protected void clearIncomingMessages() {
    super.clearIncomingMessages();
    releaseArrivals();
  }

  @Override
  public CompletableFuture<Void> seekAsync(long timestamp) {
    releaseArrivals();
    return super.seekAsync(timestamp);
  }

  @Override
  public CompletableFuture<Void> seekAsync(MessageId messageId) {
    releaseArrivals();
    return super.seekAsync(messageId);
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    CompletableFuture<Void> closed = super.closeAsync();
    releaseArrivals();
    CompletableFuture<SourceEntry> waiting;
    synchronized (lock) {
      waiting = pending;
      pending = null;
    }
    if (waiting != null) {
      waiting.completeExceptionally(
          new PulsarClientException.AlreadyClosedException("the consumer was closed"));
    }
    return closed;
  }

  private void releaseArrivals() {
    synchronized (lock) {
      Arrival arrival;
      while ((arrival = arrivals.pollFirst()) != null) {
        arrival.headersAndPayload().release();
      }
    }
  }
}
