package io.georep.replicator;

import io.georep.state.Position;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;

/** Converts Pulsar message ids to the state module's {@link Position}. */
final class Positions {
  private Positions() {}

  static Position of(MessageId id) {
    if (!(id instanceof MessageIdAdv adv)) {
      throw new IllegalArgumentException("unsupported message id type " + id.getClass().getName());
    }
    return new Position(adv.getLedgerId(), adv.getEntryId(), adv.getBatchIndex());
  }
}
