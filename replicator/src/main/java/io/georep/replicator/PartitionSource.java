package io.georep.replicator;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * georep's durable cursor on one source partition, handing out items of type {@code T} (messages,
 * or whole stored entries). Used from the partition's actor only.
 */
interface PartitionSource<T> {

  /** The next item, now or when it arrives. One receive at a time. */
  CompletableFuture<T> receive();

  /**
   * The next item if one is here already, else null (as Pulsar's {@code receive(0, ms)}); never
   * waits.
   */
  T poll() throws PulsarClientException;

  /** {@code item} was taken (forwarded, skipped or held): the source may size its queue by it. */
  default void taken(T item) {}

  /**
   * The id to move the cursor to for a checkpoint at {@code checkpointed}; empty where the cursor
   * cannot move yet.
   */
  default Optional<MessageId> cursorIdOf(MessageId checkpointed) {
    return Optional.of(checkpointed);
  }

  /** Moves the cursor to {@code id}, inclusive. */
  CompletableFuture<Void> acknowledgeCumulative(MessageId id);

  /** Closes the consumer, and gives back its share of the daemon's receive queues. */
  CompletableFuture<Void> close();
}
