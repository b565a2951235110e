package io.georep.replicator;

import io.georep.state.Position;
import io.georep.state.SequenceAnchor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Numbers the messages georep sends from one source partition, for the target's deduplication: the
 * broker drops a message whose sequence id is not above the highest its producer name has
 * persisted, so ids must grow with the source position, and a replay must give every message the id
 * its first send had (then the replay is dropped, and nothing new is).
 *
 * <p>No packing of ledger id, entry id and batch index into 63 bits covers every position Pulsar
 * produces (ledger ids reach 2^31 and more, entry ids pass 4 million where a ledger is allowed that
 * many entries, a batch may hold 100,000 messages), and a plain counter is shifted by any message
 * that left the source in between (TTL, quotas), which would make the target drop new messages as
 * duplicates: loss. So ids are numbered from <em>anchors</em> ({@link SequenceAnchor}): the entries
 * of a ledger from the first one georep sends get {@code width} ids each, message {@code b} of an
 * entry the id {@code base + (entry - anchorEntry) * width + b + 1}, an unbatched message {@code
 * ... + 0}. A new anchor is made where none covers a position: the first entry sent from a ledger,
 * or an entry whose batch holds more messages than the width.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>Ids grow strictly with the position, across anchors: a new anchor's base is above every id
 *       this partition may have used before, here or in an earlier run ({@code floor}: the
 *       checkpoint's id, the target's last id for the producer, every known anchor's base) and
 *       above every id handed out since.
 *   <li>A new anchor is only ever made for a position beyond everything an earlier run numbered: an
 *       earlier run that reached a position made the same anchor (it depends only on the entry's
 *       ledger and batch size) and saved it before sending. The caller saves {@link #unsaved()}
 *       anchors durably before it sends a message numbered from them.
 *   <li>Ids stay below 2^63: numbering a position past that is refused with {@link
 *       SequenceIdsExhaustedException} (about 8 * 10^12 entries with the default width).
 * </ul>
 */
final class SequenceNumbering {

  /** Ids per entry: batches of up to 1,048,575 messages fit without an anchor of their own. */
  static final long DEFAULT_WIDTH = 1L << 20;

  private final long width;
  // Keyed by (ledger, entry, -1).
  private final NavigableMap<Position, SequenceAnchor> anchors = new TreeMap<>();
  private final List<SequenceAnchor> unsaved = new ArrayList<>();
  private long highest;
  private String degradation;

  /**
   * @param saved the anchors of the checkpoint
   * @param floor the highest id the partition may have used: max of the checkpoint's id and the
   *     target's last sequence id for the producer, -1 for none
   */
  SequenceNumbering(List<SequenceAnchor> saved, long floor, long width) {
    if (width < 2) {
      throw new IllegalArgumentException("width must be at least 2, got " + width);
    }
    this.width = width;
    this.highest = Math.max(-1, floor);
    for (SequenceAnchor anchor : saved) {
      anchors.put(keyOf(anchor.ledgerId(), anchor.entryId()), anchor);
      highest = Math.max(highest, anchor.base());
    }
  }

  SequenceNumbering(List<SequenceAnchor> saved, long floor) {
    this(saved, floor, DEFAULT_WIDTH);
  }

  /**
   * The id of message {@code batchIndex} (-1: not batched) of entry {@code entryId} in ledger
   * {@code ledgerId}, whose batch holds {@code batchSize} messages (0 when not batched). May make
   * an anchor, which is then among {@link #unsaved()}.
   *
   * @throws SequenceIdsExhaustedException if the id would not fit in 63 bits
   */
  long idOf(long ledgerId, long entryId, int batchIndex, int batchSize) {
    long slot = batchIndex + 1L;
    Map.Entry<Position, SequenceAnchor> floorEntry = anchors.floorEntry(keyOf(ledgerId, entryId));
    SequenceAnchor anchor =
        floorEntry != null && floorEntry.getValue().ledgerId() == ledgerId
            ? floorEntry.getValue()
            : null;
    if (anchor == null || batchSize >= anchor.width()) {
      anchor = newAnchor(ledgerId, entryId, batchSize);
    }
    long offset;
    try {
      offset = Math.addExact(Math.multiplyExact(entryId - anchor.entryId(), anchor.width()), slot);
    } catch (ArithmeticException e) {
      throw exhausted(ledgerId, entryId, batchIndex);
    }
    long id = anchor.base() + offset;
    if (id < anchor.base()) {
      throw exhausted(ledgerId, entryId, batchIndex);
    }
    highest = Math.max(highest, id);
    return id;
  }

  /** {@link #idOf(long, long, int, int)} of a message at this position. */
  long idOf(Position position, int batchSize) {
    return idOf(position.ledgerId(), position.entryId(), position.batchIndex(), batchSize);
  }

  private SequenceAnchor newAnchor(long ledgerId, long entryId, int batchSize) {
    Position key = keyOf(ledgerId, entryId);
    Map.Entry<Position, SequenceAnchor> later = anchors.higherEntry(key);
    if (later != null) {
      // An earlier run numbered beyond this position without an anchor here: replays are no
      // longer exact. Number on above everything known (never a reused id, so never a loss) and
      // say so: messages already on the target may arrive again.
      degradation =
          "no sequence anchor covers "
              + ledgerId
              + ":"
              + entryId
              + " although one at "
              + later.getKey().ledgerId()
              + ":"
              + later.getKey().entryId()
              + " follows it (the state's anchors are incomplete); georep numbers on above every id"
              + " it used, and messages already on the target may be sent again";
      anchors.tailMap(key, false).clear();
    }
    if (highest == Long.MAX_VALUE) {
      throw exhausted(ledgerId, entryId, -1);
    }
    long entryWidth = width;
    while (entryWidth <= batchSize) {
      entryWidth <<= 1;
    }
    SequenceAnchor anchor = new SequenceAnchor(ledgerId, entryId, highest + 1, entryWidth);
    anchors.put(key, anchor);
    unsaved.add(anchor);
    return anchor;
  }

  /** Anchors made since {@link #saved()} was last called; to be written before the next send. */
  List<SequenceAnchor> unsaved() {
    return List.copyOf(unsaved);
  }

  boolean hasUnsaved() {
    return !unsaved.isEmpty();
  }

  /** The unsaved anchors were written durably. */
  void saved() {
    unsaved.clear();
  }

  /**
   * The anchors a checkpoint at {@code checkpoint} must keep: the one that numbers it (if any, in
   * its ledger) and every later one. Those before it number nothing a replay can reach.
   */
  List<SequenceAnchor> anchorsFrom(Position checkpoint) {
    Position key = keyOf(checkpoint.ledgerId(), checkpoint.entryId());
    Position from = anchors.floorKey(key);
    if (from == null || from.ledgerId() != checkpoint.ledgerId()) {
      from = key;
    }
    return List.copyOf(anchors.tailMap(from, true).values());
  }

  /**
   * Why numbering stopped being exact for replays since the last call, or null: the topic is
   * at-least-once until the messages sent before are behind the checkpoint.
   */
  String takeDegradation() {
    String reason = degradation;
    degradation = null;
    return reason;
  }

  /** Forgets the anchors {@link #anchorsFrom} would not keep. */
  void retainFrom(Position checkpoint) {
    List<SequenceAnchor> kept = anchorsFrom(checkpoint);
    anchors.clear();
    for (SequenceAnchor anchor : kept) {
      anchors.put(keyOf(anchor.ledgerId(), anchor.entryId()), anchor);
    }
  }

  /** Every anchor known, in source order. */
  List<SequenceAnchor> anchors() {
    return List.copyOf(anchors.values());
  }

  private static Position keyOf(long ledgerId, long entryId) {
    return new Position(ledgerId, entryId, -1);
  }

  private static SequenceIdsExhaustedException exhausted(
      long ledgerId, long entryId, int batchIndex) {
    return new SequenceIdsExhaustedException(
        "the sequence ids of this partition are used up at "
            + ledgerId
            + ":"
            + entryId
            + ":"
            + batchIndex);
  }

  /** A position that cannot be given an id that keeps the target's deduplication exact. */
  static final class SequenceIdsExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SequenceIdsExhaustedException(String message) {
      super(message);
    }
  }
}
