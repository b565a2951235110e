package org.apache.pulsar.client.impl;

import com.scurrilous.circe.checksum.Crc32cIntChecksum;
import io.georep.replicator.EntryPermits;
import io.georep.replicator.ReceiveQueueBudget;
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
 * receive queue and the flow control. Entries are checked (checksum) and parsed (metadata) as they
 * arrive and wait here until taken. After a reconnect the broker redelivers from the cursor, and
 * the queue's older entries are replays the taker skips.
 *
 * <p>Flow control counts entries, not messages ({@link EntryPermits}): a broker reads as many
 * entries at once as it has permits, and message-sized permits let it send 5 MB bursts per
 * partition.
 *
 * <p>Thread-safety: entries arrive on the client's I/O thread; {@link #receiveEntryAsync} and
 * {@link #pollEntry} are meant for one taker at a time (the partition's actor).
 */
public final class GeorepEntryConsumer extends ConsumerImpl<byte[]> {

  /** A source entry handed out: its position, metadata and payload. */
  public static final class SourceEntry {
    private final long ledgerId;
    private final long entryId;
    private final int partitionIndex;
    private final MessageMetadata metadata;
    private final ByteBuf payload;
    private final long arrivalMillis;
    private final long arrivalNanos;

    SourceEntry(
        long ledgerId,
        long entryId,
        int partitionIndex,
        MessageMetadata metadata,
        ByteBuf payload,
        long arrivalMillis,
        long arrivalNanos) {
      this.ledgerId = ledgerId;
      this.entryId = entryId;
      this.partitionIndex = partitionIndex;
      this.metadata = metadata;
      this.payload = payload;
      this.arrivalMillis = arrivalMillis;
      this.arrivalNanos = arrivalNanos;
    }

    /** When the entry arrived from the broker, by the wall clock. */
    public long arrivalMillis() {
      return arrivalMillis;
    }

    /** When the entry arrived from the broker, by {@link System#nanoTime()}. */
    public long arrivalNanos() {
      return arrivalNanos;
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

  /** An entry as it arrived, checked and parsed: a source entry, or why it is unreadable. */
  private record Arrival(SourceEntry entry, PulsarClientException failure) {}

  private final Object lock = new Object();
  private final ArrayDeque<Arrival> arrivals = new ArrayDeque<>();
  private CompletableFuture<SourceEntry> pending;
  private final ReceiveQueueBudget budget;
  private final EntryPermits permits; // guarded by lock
  private boolean leftBudget; // guarded by lock

  /** Subscribes; the future completes when the broker accepted the subscription. */
  public static CompletableFuture<GeorepEntryConsumer> subscribe(
      PulsarClient client,
      String topic,
      String subscription,
      SubscriptionType type,
      SubscriptionInitialPosition initialPosition,
      long acknowledgementGroupMillis,
      ReceiveQueueBudget budget) {
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
        new GeorepEntryConsumer((PulsarClientImpl) client, topic, conf, subscribed, budget);
    return subscribed.thenApply(ignored -> consumer);
  }

  private GeorepEntryConsumer(
      PulsarClientImpl client,
      String topic,
      ConsumerConfigurationData<byte[]> conf,
      CompletableFuture<Consumer<byte[]>> subscribed,
      ReceiveQueueBudget budget) {
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
    this.budget = budget;
    this.permits = new EntryPermits(budget);
    budget.join();
    // A refused subscription need not pass through closeAsync; the consumer is gone all the same.
    subscribed.whenComplete(
        (ignored, failure) -> {
          if (failure != null) {
            leaveBudget();
          }
        });
  }

  @Override
  void messageReceived(CommandMessage command, ByteBuf headersAndPayload, ClientCnx cnx) {
    State state = getState();
    if (state == State.Closing || state == State.Closed) {
      return;
    }
    MessageIdData id = command.getMessageId();
    Arrival arrival = check(id.getLedgerId(), id.getEntryId(), headersAndPayload.retainedSlice());
    // The broker took the entry's messages off the permits (one, for an entry it cannot read).
    int messages = arrival.entry() != null ? arrival.entry().messageCount() : 1;
    CompletableFuture<SourceEntry> waiting;
    long grant;
    synchronized (lock) {
      permits.arrived(cnx, messages, headersAndPayload.readableBytes());
      waiting = pending;
      pending = null;
      if (waiting == null) {
        arrivals.addLast(arrival);
      }
      grant = grantLocked(cnx);
    }
    sendFlow(cnx, grant);
    if (waiting != null) {
      complete(waiting, arrival);
    }
  }

  /** The next entry, now or when it arrives. One receive at a time. */
  public CompletableFuture<SourceEntry> receiveEntryAsync() {
    CompletableFuture<SourceEntry> future = new CompletableFuture<>();
    Arrival arrival = takeArrival(future);
    if (arrival != null) {
      complete(future, arrival);
    }
    return future;
  }

  /**
   * The next entry if one is here, else null; never waits.
   *
   * @throws PulsarClientException.InvalidMessageException if the entry is corrupt
   */
  public SourceEntry pollEntry() throws PulsarClientException {
    Arrival arrival = takeArrival(null);
    if (arrival == null) {
      return null;
    }
    if (arrival.failure() != null) {
      throw arrival.failure();
    }
    return arrival.entry();
  }

  /**
   * Takes the next arrival and gives the broker the permits that frees; null when none is here, and
   * then {@code waiter}, if given, gets the next one to arrive.
   */
  private Arrival takeArrival(CompletableFuture<SourceEntry> waiter) {
    ClientCnx cnx = cnx();
    Arrival arrival;
    long grant;
    synchronized (lock) {
      arrival = arrivals.pollFirst();
      if (arrival == null) {
        if (waiter != null) {
          pending = waiter;
        }
        return null;
      }
      grant = grantLocked(cnx);
    }
    sendFlow(cnx, grant);
    return arrival;
  }

  private static void complete(CompletableFuture<SourceEntry> future, Arrival arrival) {
    if (arrival.failure() != null) {
      future.completeExceptionally(arrival.failure());
    } else {
      future.complete(arrival.entry());
    }
  }

  /** Checks an entry's checksum and parses its metadata; releases the buffer if it is corrupt. */
  private Arrival check(long ledgerId, long entryId, ByteBuf buffer) {
    MessageMetadata metadata = new MessageMetadata();
    try {
      if (Commands.hasChecksum(buffer)) {
        int checksum = Commands.readChecksum(buffer);
        if (checksum != Crc32cIntChecksum.computeChecksum(buffer)) {
          buffer.release();
          return new Arrival(
              null,
              new PulsarClientException.InvalidMessageException(
                  corrupt(ledgerId, entryId, "checksum mismatch")));
        }
      }
      Commands.skipBrokerEntryMetadataIfExist(buffer);
      Commands.parseMessageMetadata(buffer, metadata);
    } catch (RuntimeException e) {
      buffer.release();
      return new Arrival(
          null,
          new PulsarClientException.InvalidMessageException(
              corrupt(ledgerId, entryId, "unreadable metadata: " + e.getMessage())));
    }
    return new Arrival(
        new SourceEntry(
            ledgerId,
            entryId,
            getPartitionIndex(),
            metadata,
            buffer,
            System.currentTimeMillis(),
            System.nanoTime()),
        null);
  }

  private String corrupt(long ledgerId, long entryId, String why) {
    return "entry "
        + ledgerId
        + ":"
        + entryId
        + " of "
        + topic
        + " is corrupt ("
        + why
        + "); it stays on the source, unacknowledged";
  }

  /**
   * ConsumerImpl asks for permits when the broker has registered the consumer afresh (on
   * connecting, also after a seek, which re-registers it on the same connection) and after
   * redeliveries: the broker then holds no permits for it, so georep's accounting starts again.
   * Where the broker still held some, the overshoot is one target's worth of entries.
   */
  @Override
  protected void increaseAvailablePermits(ClientCnx cnx, int delta) {
    long grant;
    synchronized (lock) {
      permits.subscribed(cnx);
      grant = grantLocked(cnx);
    }
    sendFlow(cnx, grant);
  }

  private long grantLocked(ClientCnx cnx) {
    return permits.grant(cnx, arrivals.size());
  }

  private void sendFlow(ClientCnx cnx, long grant) {
    if (grant > 0 && cnx != null) {
      cnx.ctx()
          .writeAndFlush(
              Commands.newFlow(consumerId, (int) Math.min(Integer.MAX_VALUE, grant)),
              cnx.ctx().voidPromise());
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
    leaveBudget();
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

  private void leaveBudget() {
    synchronized (lock) {
      if (leftBudget) {
        return;
      }
      leftBudget = true;
    }
    budget.leave();
  }

  private void releaseArrivals() {
    synchronized (lock) {
      Arrival arrival;
      while ((arrival = arrivals.pollFirst()) != null) {
        if (arrival.entry() != null) {
          arrival.entry().payload().release();
        }
      }
    }
  }
}
