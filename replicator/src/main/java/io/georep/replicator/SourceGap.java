package io.georep.replicator;

import io.georep.state.Position;
import java.util.List;
import org.apache.pulsar.common.policies.data.ManagedLedgerInternalStats;
import org.apache.pulsar.common.policies.data.PersistentTopicInternalStats;

/**
 * Source entries georep's cursor was moved past without georep forwarding them: from the entry
 * after the checkpoint up to the cursor's mark-delete position. georep acknowledges only up to its
 * checkpoint, so a mark-delete position beyond it means someone else moved the cursor (message TTL,
 * a backlog quota's eviction, an operator's skip) and those entries are gone for georep.
 *
 * @param from the checkpoint the gap starts after
 * @param upTo the cursor's mark-delete position (batch index -1)
 * @param entries how many entries lie in between, counted from the ledgers' entry counts
 * @param exact false when a ledger of the gap was already deleted, so {@code entries} is a lower
 *     bound
 */
record SourceGap(Position from, Position upTo, long entries, boolean exact) {

  /** The gap after {@code checkpoint} for cursor {@code cursor}, or null if there is none. */
  static SourceGap of(PersistentTopicInternalStats stats, String cursor, Position checkpoint) {
    ManagedLedgerInternalStats.CursorStats cursorStats =
        stats.cursors == null ? null : stats.cursors.get(cursor);
    if (cursorStats == null || cursorStats.markDeletePosition == null) {
      return null;
    }
    String[] parts = cursorStats.markDeletePosition.split(":");
    Position markDelete = new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]), -1);
    if (!after(markDelete, checkpoint)) {
      return null;
    }
    long entries = 0;
    boolean exact = true;
    List<ManagedLedgerInternalStats.LedgerInfo> ledgers =
        stats.ledgers == null ? List.of() : stats.ledgers;
    if (markDelete.ledgerId() == checkpoint.ledgerId()) {
      entries = markDelete.entryId() - checkpoint.entryId();
    } else {
      boolean checkpointLedgerKnown = false;
      for (int i = 0; i < ledgers.size(); i++) {
        ManagedLedgerInternalStats.LedgerInfo ledger = ledgers.get(i);
        boolean current = i == ledgers.size() - 1;
        long count = current ? stats.currentLedgerEntries : ledger.entries;
        if (ledger.ledgerId == checkpoint.ledgerId()) {
          checkpointLedgerKnown = true;
          entries += Math.max(0, count - checkpoint.entryId() - 1);
        } else if (ledger.ledgerId > checkpoint.ledgerId()
            && ledger.ledgerId < markDelete.ledgerId()) {
          entries += count;
        } else if (ledger.ledgerId == markDelete.ledgerId()) {
          entries += markDelete.entryId() + 1;
        }
      }
      exact = checkpointLedgerKnown;
    }
    if (entries <= 0 && exact) {
      // e.g. the mark-delete position moved to (next ledger, -1) at a ledger's end
      return null;
    }
    return new SourceGap(checkpoint, markDelete, Math.max(0, entries), exact);
  }

  private static boolean after(Position markDelete, Position checkpoint) {
    if (markDelete.ledgerId() != checkpoint.ledgerId()) {
      return markDelete.ledgerId() > checkpoint.ledgerId();
    }
    return markDelete.entryId() > checkpoint.entryId();
  }

  String describe(String topic) {
    return String.format(
        "%s%d source entries of %s after georep's checkpoint %d:%d up to %d:%d were removed from"
            + " georep's cursor (message TTL, backlog quota or a skip) before georep forwarded"
            + " them; they are lost for the target, replication continues after them",
        exact ? "" : "at least ",
        entries,
        topic,
        from.ledgerId(),
        from.entryId(),
        upTo.ledgerId(),
        upTo.entryId());
  }
}
