package io.georep.replicator;

import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Message;

/**
 * What {@code starting()} hands to {@code active()}: the source partition's cursor, the forwarder
 * to the target, and the forwarder for the messages of items that must go one by one (the same one
 * where the items are messages).
 */
record Pipeline<T>(
    PartitionSource<T> source,
    Forwarder<T> forwarder,
    Forwarder<Message<byte[]>> messages,
    SchemaBridge schemas) {

  /** Closes the producers and the consumer; fails with the first failure once all were asked. */
  CompletableFuture<Void> close() {
    CompletableFuture<Void> producers = forwarder.close();
    CompletableFuture<Void> consumer = source.close();
    return CompletableFuture.allOf(producers, consumer);
  }
}
