package io.georep.replicator;

import io.georep.state.Position;

/**
 * Derives the sequence id georep sends with a message from the message's position on its source
 * partition, never from a counter: a counter restarted after a retention gap could give a new
 * message the id of an old one, and a deduplicating target would drop it (loss).
 *
 * <p>The id packs the position into 63 bits: ledger id (31 bits), entry id (22 bits) and batch
 * index + 1 (10 bits). Positions grow on a partition (a new ledger has a higher id than the
 * previous ones), so ids grow with them, and the same message always gets the same id. A position
 * that does not fit is refused with an exception that says which part is too large: silently
 * wrapping would break the order the target's deduplication relies on.
 */
final class SequenceIds {
  static final int LEDGER_BITS = 31;
  static final int ENTRY_BITS = 22;
  static final int BATCH_BITS = 10;

  static final long MAX_LEDGER = (1L << LEDGER_BITS) - 1;
  static final long MAX_ENTRY = (1L << ENTRY_BITS) - 1;
  static final int MAX_BATCH_INDEX = (1 << BATCH_BITS) - 2; // -1 (not batched) is stored as 0

  private SequenceIds() {}

  static long of(Position position) {
    if (position.ledgerId() < 0 || position.ledgerId() > MAX_LEDGER) {
      throw new SequenceIdOverflowException(
          "ledger id " + position.ledgerId() + " does not fit in " + LEDGER_BITS + " bits");
    }
    if (position.entryId() < 0 || position.entryId() > MAX_ENTRY) {
      throw new SequenceIdOverflowException(
          "entry id "
              + position.entryId()
              + " does not fit in "
              + ENTRY_BITS
              + " bits (lower managedLedgerMaxEntriesPerLedger on the source)");
    }
    if (position.batchIndex() > MAX_BATCH_INDEX) {
      throw new SequenceIdOverflowException(
          "batch index "
              + position.batchIndex()
              + " exceeds "
              + MAX_BATCH_INDEX
              + " (the source producer's batches are larger than georep can number)");
    }
    return (position.ledgerId() << (ENTRY_BITS + BATCH_BITS))
        | (position.entryId() << BATCH_BITS)
        | (position.batchIndex() + 1L);
  }

  /** The position a sequence id was made from. */
  static Position position(long sequenceId) {
    return new Position(
        sequenceId >>> (ENTRY_BITS + BATCH_BITS),
        (sequenceId >>> BATCH_BITS) & MAX_ENTRY,
        (int) (sequenceId & ((1L << BATCH_BITS) - 1)) - 1);
  }

  /** A source position that cannot be turned into a sequence id. */
  static final class SequenceIdOverflowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SequenceIdOverflowException(String message) {
      super("cannot derive a sequence id from the source position: " + message);
    }
  }
}
