package io.georep.state;

/**
 * A message position in a Pulsar topic partition, ordered by ledger, then entry, then batch index.
 *
 * @param batchIndex the index of the message in its batch, or {@code -1} when the message was not
 *     batched
 */
public record Position(long ledgerId, long entryId, int batchIndex)
    implements Comparable<Position> {

  public Position {
    if (batchIndex < -1) {
      throw new IllegalArgumentException(
          "batchIndex must be -1 (not batched) or >= 0, was " + batchIndex);
    }
  }

  @Override
  public int compareTo(Position other) {
    int byLedger = Long.compare(ledgerId, other.ledgerId);
    if (byLedger != 0) {
      return byLedger;
    }
    int byEntry = Long.compare(entryId, other.entryId);
    return byEntry != 0 ? byEntry : Integer.compare(batchIndex, other.batchIndex);
  }
}
