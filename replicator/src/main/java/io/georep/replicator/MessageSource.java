package io.georep.replicator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * A source partition read message by message, its receive queue sized by {@link ReceiveQueueSizer}.
 */
final class MessageSource implements PartitionSource<Message<byte[]>> {
  private final Consumer<byte[]> consumer;
  private final ReceiveQueueSizer receiveQueue;

  MessageSource(Consumer<byte[]> consumer, ReceiveQueueBudget budget) {
    this.consumer = consumer;
    this.receiveQueue = ReceiveQueueSizer.of(consumer, budget);
  }

  @Override
  public CompletableFuture<Message<byte[]>> receive() {
    return consumer.receiveAsync();
  }

  @Override
  public Message<byte[]> poll() throws PulsarClientException {
    return consumer.receive(0, TimeUnit.MILLISECONDS);
  }

  @Override
  public void taken(Message<byte[]> message) {
    if (message.getMessageId() instanceof MessageIdAdv adv) {
      receiveQueue.observe(adv, message.size());
    }
  }

  @Override
  public CompletableFuture<Void> acknowledgeCumulative(MessageId id) {
    return consumer.acknowledgeCumulativeAsync(id);
  }

  @Override
  public CompletableFuture<Void> close() {
    receiveQueue.close(); // its share of the budget goes back to the other consumers
    return consumer.closeAsync();
  }
}
