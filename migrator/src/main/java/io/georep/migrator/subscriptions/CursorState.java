package io.georep.migrator.subscriptions;

import io.georep.state.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a subscription has acknowledged on one topic partition, as the broker's cursor records it:
 * everything up to the mark-delete entry, plus individually deleted ranges of entries beyond it.
 * Granularity is the entry: a batch counts as acknowledged once all its messages are.
 *
 * @param markDelete the last entry acknowledged with everything before it (batch index -1)
 * @param deleted entry ranges {@code (from, to]} acknowledged beyond it, in order
 */
public record CursorState(Position markDelete, List<Range> deleted) {

  /** Entries after {@code fromExclusive} up to and including {@code toInclusive}. */
  public record Range(Position fromExclusive, Position toInclusive) {
    boolean containsEntry(long ledgerId, long entryId) {
      return compareEntry(ledgerId, entryId, fromExclusive) > 0
          && compareEntry(ledgerId, entryId, toInclusive) <= 0;
    }
  }

  private static final Pattern RANGE =
      Pattern.compile("\\((-?\\d+):(-?\\d+)\\.\\.(-?\\d+):(-?\\d+)]");

  public CursorState {
    deleted = List.copyOf(deleted);
  }

  /**
   * Reads a cursor from the admin API's internal stats: {@code markDeletePosition} as {@code
   * ledger:entry}, {@code individuallyDeletedMessages} as {@code [(l:e..l:e], (l:e..l:e]]}.
   */
  public static CursorState parse(String markDeletePosition, String individuallyDeleted) {
    Position markDelete = entry(markDeletePosition);
    List<Range> ranges = new ArrayList<>();
    if (individuallyDeleted != null) {
      Matcher m = RANGE.matcher(individuallyDeleted);
      while (m.find()) {
        ranges.add(
            new Range(
                new Position(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), -1),
                new Position(Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), -1)));
      }
    }
    return new CursorState(markDelete, ranges);
  }

  private static Position entry(String ledgerColonEntry) {
    String[] parts = ledgerColonEntry.trim().split(":");
    if (parts.length < 2) {
      throw new IllegalArgumentException("not a ledger:entry position: " + ledgerColonEntry);
    }
    return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]), -1);
  }

  /** Whether the message at this position (any batch index) is acknowledged. */
  public boolean isAcknowledged(Position message) {
    if (compareEntry(message.ledgerId(), message.entryId(), markDelete) <= 0) {
      return true;
    }
    for (Range range : deleted) {
      if (range.containsEntry(message.ledgerId(), message.entryId())) {
        return true;
      }
    }
    return false;
  }

  /** The highest acknowledged entry: the end of the last range, or the mark-delete entry. */
  public Position highestAcknowledged() {
    return deleted.isEmpty() ? markDelete : deleted.get(deleted.size() - 1).toInclusive();
  }

  /** The last message position of the mark-delete entry, for map lookups (any batch index). */
  public Position markDeleteLastMessage() {
    return new Position(markDelete.ledgerId(), markDelete.entryId(), Integer.MAX_VALUE);
  }

  static int compareEntry(long ledgerId, long entryId, Position entry) {
    int byLedger = Long.compare(ledgerId, entry.ledgerId());
    return byLedger != 0 ? byLedger : Long.compare(entryId, entry.entryId());
  }
}
