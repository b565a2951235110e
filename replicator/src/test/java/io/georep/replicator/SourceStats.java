package io.georep.replicator;

import java.util.ArrayList;
import java.util.HashMap;
import org.apache.pulsar.common.policies.data.ManagedLedgerInternalStats;
import org.apache.pulsar.common.policies.data.PersistentTopicInternalStats;

/** A source topic's internal stats as tests need them: its ledgers and one cursor. */
final class SourceStats {
  private SourceStats() {}

  /**
   * @param cursor the cursor's name ({@code georep-<link>})
   * @param markDelete its mark-delete position, {@code ledger:entry}
   * @param ledgers each {@code {ledgerId, entries}}, oldest first; the last is the current one
   */
  static PersistentTopicInternalStats of(String cursor, String markDelete, long[]... ledgers) {
    PersistentTopicInternalStats stats = new PersistentTopicInternalStats();
    stats.ledgers = new ArrayList<>();
    for (long[] l : ledgers) {
      var info = new ManagedLedgerInternalStats.LedgerInfo();
      info.ledgerId = l[0];
      info.entries = l[1];
      stats.ledgers.add(info);
    }
    stats.currentLedgerEntries = ledgers[ledgers.length - 1][1];
    stats.cursors = new HashMap<>();
    var state = new ManagedLedgerInternalStats.CursorStats();
    state.markDeletePosition = markDelete;
    stats.cursors.put(cursor, state);
    return stats;
  }
}
