package io.georep.replicator;

import io.georep.state.Position;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Schema;

/**
 * Sends what a partition takes from its source, items of type {@code T} (a message, or a whole
 * stored entry), to the target's producers, and describes each item to the {@link Gates}, which
 * decide whether it goes at all. The gates are written once for both kinds of item; what differs
 * between them is here.
 *
 * <p>Used from the partition's actor only; a send completes on a client thread through {@link
 * InFlight#complete}.
 */
interface Forwarder<T> {

  /** Where the item stands in the source: a message's position, an entry's last message's. */
  Position position(T item);

  /** The id the source cursor knows the item by. */
  MessageId sourceId(T item);

  long publishTime(T item);

  /** The messages in the item: 1 for a message. */
  int messages(T item);

  /** The payload bytes the item holds in flight. */
  int size(T item);

  /** The batch size to number the item's position with, 0 where it is not in a batch. */
  int batchSize(T item);

  /** Whether the item goes whole as one batch, its messages keeping their batch indexes. */
  default boolean goesAsBatch(T item) {
    return false;
  }

  /** The cluster the item was first produced on, where it was forwarded before; else null. */
  String origin(T item);

  /** The source schema version the item was produced with; null where it has none. */
  byte[] schemaVersion(T item);

  /** The index of the producer the item goes through. */
  int route(T item, Position position);

  /**
   * Per producer (by route), the highest sequence id the target holds from this link's producer
   * name, as the target said when the producer connected; -1 where it said none.
   */
  long[] targetSequenceIds();

  /**
   * The item's messages, where it must go message by message instead of whole (an entry whose
   * messages may carry provenance of their own, or inside which the last checkpoint lies); else
   * empty. Each message then passes the gates on its own through {@link Pipeline#messages}.
   */
  default Optional<List<Message<byte[]>>> messagesToSendOneByOne(T item, Position highestTaken) {
    return Optional.empty();
  }

  /**
   * Sends the item through producer {@code slot.route} numbered {@code slot.sequenceId}, with the
   * source schema {@code schema} ({@link Schema#BYTES} where the item has none), and completes
   * {@code slot} when the target answers. {@code origin} is {@link #origin}'s answer.
   */
  void send(T item, InFlight slot, Schema<byte[]> schema, String origin);

  /** Lets go of an item that will not be sent (a stored entry holds its payload until then). */
  default void release(T item) {}

  /** Closes the producers. */
  CompletableFuture<Void> close();
}
