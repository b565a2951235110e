package io.georep.state;

/**
 * Where a run of producer sequence ids starts on a source partition: the messages of entry {@code
 * entryId} and the entries after it in ledger {@code ledgerId} are numbered from {@code base}, each
 * entry taking {@code width} ids, message {@code b} of an entry the {@code b + 1}-th of them (an
 * unbatched message, batch index -1, the 0-th).
 *
 * <p>Anchors are written before the first message they number is sent, so a replay numbers every
 * message as the first send did (see the replicator's {@code SequenceNumbering}).
 *
 * @param ledgerId the source ledger
 * @param entryId the first entry numbered from this anchor
 * @param base the id of that entry's first slot
 * @param width ids per entry, at least 2
 */
public record SequenceAnchor(long ledgerId, long entryId, long base, long width) {

  public SequenceAnchor {
    if (ledgerId < 0 || entryId < 0 || base < 0 || width < 2) {
      throw new IllegalArgumentException(
          "impossible sequence anchor: ledger "
              + ledgerId
              + ", entry "
              + entryId
              + ", base "
              + base
              + ", width "
              + width);
    }
  }
}
