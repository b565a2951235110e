package io.georep.migrator.subscriptions;

import io.georep.state.MappedPosition;
import io.georep.state.Position;
import io.georep.state.PositionMap;
import io.georep.state.PositionRun;
import io.georep.state.SourcePartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a subscription starts on one target partition, from the cursors of the source partitions
 * that feed it and the position map. Pure: the map is its only input besides the cursors.
 *
 * <p>The target cursor is moved to the entry of the last message that every feeding source
 * subscription has acknowledged in order (the lowest of their translated mark-delete positions):
 * every message of a feeder before it on the target is acknowledged on the source. The messages
 * from there on up to {@link Translation#replayUntil} are then read and acknowledged one by one
 * according to their provenance (which source message they are), which applies the individual
 * acknowledgements and the partly acknowledged target entry exactly. The map makes the first step
 * cheap; the provenance makes the second exact.
 */
public final class SubscriptionTranslator {
  private SubscriptionTranslator() {}

  /** A source partition feeding the target partition, and the subscription's cursor on it. */
  public record Feeder(SourcePartition source, CursorState cursor) {}

  /**
   * @param resetTo the target position whose entry the cursor moves to; empty: the earliest
   * @param replayUntil the last target position whose entry may hold a message to acknowledge;
   *     empty when nothing beyond {@code resetTo}'s entry needs acknowledging
   * @param notes why the translation is not exact, each naming the fallback used; empty if exact
   */
  public record Translation(
      Optional<Position> resetTo, Optional<Position> replayUntil, List<String> notes) {
    public boolean exact() {
      return notes.isEmpty();
    }
  }

  public static Translation translate(PositionMap map, int targetPartition, List<Feeder> feeders) {
    Position resetTo = null;
    boolean fromEarliest = false;
    Position replayUntil = null;
    List<String> notes = new ArrayList<>();
    for (Feeder feeder : feeders) {
      CursorState cursor = feeder.cursor();
      Optional<MappedPosition> acked =
          floorIn(map, feeder.source(), cursor.markDeleteLastMessage(), targetPartition);
      if (acked.isEmpty()) {
        // Nothing of this feeder is acknowledged on this target partition: start at the start.
        fromEarliest = true;
        Optional<Position> earliest = map.earliest(feeder.source());
        if (earliest.isPresent()
            && CursorState.compareEntry(
                    earliest.get().ledgerId(), earliest.get().entryId(), cursor.markDelete())
                < 0) {
          notes.add(
              feeder.source().topic()
                  + ": the position map holds nothing up to the source mark-delete "
                  + format(cursor.markDelete())
                  + " for this target partition; fallback: read the target from its earliest"
                  + " message and acknowledge by provenance");
        }
      } else {
        Position target = acked.get().target();
        if (resetTo == null || target.compareTo(resetTo) < 0) {
          resetTo = target;
        }
        if (replayUntil == null || target.compareTo(replayUntil) > 0) {
          replayUntil = target;
        }
      }
      Position highest = cursor.highestAcknowledged();
      Optional<Position> replicated = map.latest(feeder.source());
      if (highest.entryId() >= 0
          && (replicated.isEmpty()
              || CursorState.compareEntry(
                      replicated.get().ledgerId(), replicated.get().entryId(), highest)
                  < 0)) {
        notes.add(
            feeder.source().topic()
                + ": acknowledged on the source up to "
                + format(highest)
                + " but replicated only up to "
                + replicated.map(SubscriptionTranslator::format).orElse("nothing")
                + "; those acknowledgements apply once the messages arrive (the next sync)");
      }
      if (!highest.equals(cursor.markDelete())) {
        Position last = new Position(highest.ledgerId(), highest.entryId(), Integer.MAX_VALUE);
        Optional<MappedPosition> individually =
            floorIn(map, feeder.source(), last, targetPartition);
        if (individually.isPresent()
            && (replayUntil == null || individually.get().target().compareTo(replayUntil) > 0)) {
          replayUntil = individually.get().target();
        }
      }
    }
    return new Translation(
        fromEarliest ? Optional.empty() : Optional.ofNullable(resetTo),
        Optional.ofNullable(replayUntil),
        List.copyOf(notes));
  }

  /**
   * The mapping of the last source message at or before {@code source} that went to this target
   * partition. A source partition writes to one target partition unless partition counts differ;
   * then its runs are searched for the last one into this partition.
   */
  static Optional<MappedPosition> floorIn(
      PositionMap map, SourcePartition partition, Position source, int targetPartition) {
    Optional<MappedPosition> floor = map.floor(partition, source);
    if (floor.isEmpty() || floor.get().targetPartition() == targetPartition) {
      return floor;
    }
    Optional<Position> earliest = map.earliest(partition);
    if (earliest.isEmpty()) {
      return Optional.empty();
    }
    MappedPosition[] last = {null};
    map.forEachRun(
        partition,
        earliest.get(),
        source,
        run -> {
          if (run.targetPartition() == targetPartition) {
            int index = lastIndexAtOrBefore(run, source);
            if (index >= 0) {
              last[0] =
                  new MappedPosition(run.sourceAt(index), targetPartition, run.targetAt(index));
            }
          }
        });
    return Optional.ofNullable(last[0]);
  }

  /** The index of the run's last message at or before {@code source}, -1 if none. */
  static int lastIndexAtOrBefore(PositionRun run, Position source) {
    int low = 0;
    int high = run.length() - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (run.sourceAt(mid).compareTo(source) <= 0) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  static String format(Position p) {
    return p.ledgerId() + ":" + p.entryId();
  }
}
