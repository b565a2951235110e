package io.georep.replicator;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.impl.GeorepEntryConsumer;
import org.apache.pulsar.client.impl.GeorepEntryConsumer.SourceEntry;
import org.apache.pulsar.client.impl.MessageIdImpl;

/** A source partition read entry by entry, through {@link GeorepEntryConsumer}. */
final class EntrySource implements PartitionSource<SourceEntry> {
  private final GeorepEntryConsumer consumer;

  EntrySource(GeorepEntryConsumer consumer) {
    this.consumer = consumer;
  }

  @Override
  public CompletableFuture<SourceEntry> receive() {
    return consumer.receiveEntryAsync();
  }

  @Override
  public SourceEntry poll() throws PulsarClientException {
    return consumer.pollEntry();
  }

  /**
   * The consumer acknowledges whole entries: a checkpoint inside an entry (its messages taken one
   * by one) may only let the cursor pass the entry before it.
   */
  @Override
  public Optional<MessageId> cursorIdOf(MessageId checkpointed) {
    if (checkpointed instanceof MessageIdAdv adv
        && adv.getBatchIndex() >= 0
        && adv.getBatchIndex() < adv.getBatchSize() - 1) {
      return adv.getEntryId() > 0
          ? Optional.of(
              new MessageIdImpl(adv.getLedgerId(), adv.getEntryId() - 1, adv.getPartitionIndex()))
          : Optional.empty();
    }
    return Optional.of(checkpointed);
  }

  @Override
  public CompletableFuture<Void> acknowledgeCumulative(MessageId id) {
    return consumer.acknowledgeCumulativeAsync(id);
  }

  @Override
  public CompletableFuture<Void> close() {
    return consumer.closeAsync();
  }
}
