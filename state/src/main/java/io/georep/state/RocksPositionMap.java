package io.georep.state;

import io.georep.state.RocksDatabase.Cursor;
import io.georep.state.RocksDatabase.Family;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.rocksdb.RocksDBException;

/**
 * {@link PositionMap} on the {@code position-map} column family, encoded by {@link
 * PositionMapCodec}. A position is found by seeking to the greatest run start at or before it.
 */
final class RocksPositionMap implements PositionMap {

  private final RocksDatabase db;

  RocksPositionMap(RocksDatabase db) {
    this.db = db;
  }

  @Override
  public Optional<MappedPosition> lookup(SourcePartition partition, Position source) {
    Objects.requireNonNull(source, "source");
    byte[] prefix = PositionMapCodec.partitionPrefix(partition);
    return db.read(
        "look up " + source + " in the position map of " + partition,
        Family.POSITION_MAP,
        cursor -> {
          PositionRun run = floorRun(cursor, partition, prefix, source);
          int index = run == null ? -1 : run.indexOf(source);
          return index < 0 ? Optional.empty() : Optional.of(run.mappingAt(index));
        });
  }

  @Override
  public Optional<MappedPosition> floor(SourcePartition partition, Position source) {
    Objects.requireNonNull(source, "source");
    byte[] prefix = PositionMapCodec.partitionPrefix(partition);
    return db.read(
        "find the floor of " + source + " in the position map of " + partition,
        Family.POSITION_MAP,
        cursor -> {
          PositionRun run = floorRun(cursor, partition, prefix, source);
          return run == null
              ? Optional.empty()
              : Optional.of(run.mappingAt(run.floorIndex(source)));
        });
  }

  @Override
  public Optional<MappedPosition> ceiling(SourcePartition partition, Position source) {
    Objects.requireNonNull(source, "source");
    byte[] prefix = PositionMapCodec.partitionPrefix(partition);
    return db.read(
        "find the ceiling of " + source + " in the position map of " + partition,
        Family.POSITION_MAP,
        cursor -> {
          PositionRun run = floorRun(cursor, partition, prefix, source);
          int index = run == null ? -1 : run.ceilingIndex(source);
          if (index >= 0) {
            return Optional.of(run.mappingAt(index));
          }
          // the run before source ends before it: the answer is the start of the next run
          seekAfterFloor(cursor, run, prefix, source);
          return cursor.validWithin(prefix)
              ? Optional.of(decode(partition, prefix, cursor).mappingAt(0))
              : Optional.empty();
        });
  }

  @Override
  public Optional<Position> earliest(SourcePartition partition) {
    byte[] prefix = PositionMapCodec.partitionPrefix(partition);
    return db.read(
        "find the earliest position in the position map of " + partition,
        Family.POSITION_MAP,
        cursor -> {
          cursor.seek(prefix);
          return cursor.validWithin(prefix)
              ? Optional.of(decodeKey(partition, prefix, cursor.key()))
              : Optional.empty();
        });
  }

  @Override
  public Optional<Position> latest(SourcePartition partition) {
    byte[] prefix = PositionMapCodec.partitionPrefix(partition);
    return db.read(
        "find the latest position in the position map of " + partition,
        Family.POSITION_MAP,
        cursor -> {
          cursor.seekForPrev(PositionMapCodec.lastKey(prefix));
          return cursor.validWithin(prefix)
              ? Optional.of(decode(partition, prefix, cursor).sourceEnd())
              : Optional.empty();
        });
  }

  @Override
  public void forEachRun(
      SourcePartition partition,
      Position fromInclusive,
      Position toInclusive,
      Consumer<PositionRun> action) {
    Objects.requireNonNull(action, "action");
    if (fromInclusive.compareTo(toInclusive) > 0) {
      throw new IllegalArgumentException(
          "range of " + partition + " from " + fromInclusive + " to " + toInclusive + " is empty");
    }
    byte[] prefix = PositionMapCodec.partitionPrefix(partition);
    db.read(
        "read the position map of " + partition + " from " + fromInclusive + " to " + toInclusive,
        Family.POSITION_MAP,
        cursor -> {
          PositionRun floor = floorRun(cursor, partition, prefix, fromInclusive);
          if (floor != null && floor.sourceEnd().compareTo(fromInclusive) >= 0) {
            action.accept(floor);
          }
          for (seekAfterFloor(cursor, floor, prefix, fromInclusive);
              cursor.validWithin(prefix);
              cursor.next()) {
            PositionRun run = decode(partition, prefix, cursor);
            if (run.sourceStart().compareTo(toInclusive) > 0) {
              break;
            }
            action.accept(run);
          }
          return null;
        });
  }

  @Override
  public long prune(SourcePartition partition, long firstRetainedLedger) {
    byte[] prefix = PositionMapCodec.partitionPrefix(partition);
    return deleteRuns(
        "prune the position map of " + partition + " before ledger " + firstRetainedLedger,
        prefix,
        PositionMapCodec.ledgerStartKey(prefix, firstRetainedLedger));
  }

  @Override
  public void deleteAll(SourcePartition partition) {
    byte[] prefix = PositionMapCodec.partitionPrefix(partition);
    deleteRuns(
        "delete the position map of " + partition, prefix, PositionMapCodec.prefixEnd(prefix));
  }

  /**
   * Counts the runs of a partition (given by its prefix) whose keys are before {@code end}, then
   * deletes them with one range delete if there are any; returns the count.
   */
  private long deleteRuns(String what, byte[] prefix, byte[] end) {
    long count =
        db.read(
            what,
            Family.POSITION_MAP,
            cursor -> {
              long n = 0;
              for (cursor.seek(prefix);
                  cursor.validWithin(prefix) && Arrays.compareUnsigned(cursor.key(), end) < 0;
                  cursor.next()) {
                n++;
              }
              return n;
            });
    if (count > 0) {
      db.deleteRange(what, Family.POSITION_MAP, prefix, end);
    }
    return count;
  }

  @Override
  public Stats stats(String link) {
    byte[] linkPrefix = CheckpointCodec.keyPrefix(link);
    String which = "a position-map run of link '" + link + "'";
    long[] runsMessagesBytes = new long[3];
    db.scan(
        "measure the position map of link '" + link + "'",
        Family.POSITION_MAP,
        linkPrefix,
        (key, value) -> {
          // link, NUL, a topic of at least one byte, NUL, source start
          int prefixLength = key.length - PositionMapCodec.POSITION_KEY_BYTES;
          if (prefixLength < linkPrefix.length + 2) {
            throw corrupt(
                which,
                new StateStoreException(
                    "position-map key has only "
                        + key.length
                        + " bytes: the state directory is corrupt"));
          }
          PositionRun run = decode(which, key, prefixLength, value);
          runsMessagesBytes[0]++;
          runsMessagesBytes[1] += run.length();
          runsMessagesBytes[2] += key.length + value.length;
        });
    return new Stats(runsMessagesBytes[0], runsMessagesBytes[1], runsMessagesBytes[2]);
  }

  /**
   * The run of this partition with the greatest start at or before {@code source}, or null if there
   * is none. Leaves the cursor at that run, or off this partition.
   */
  private PositionRun floorRun(
      Cursor cursor, SourcePartition partition, byte[] prefix, Position source)
      throws RocksDBException {
    cursor.seekForPrev(PositionMapCodec.encodeKey(prefix, source));
    return cursor.validWithin(prefix) ? decode(partition, prefix, cursor) : null;
  }

  /**
   * Moves the cursor, left by {@link #floorRun} at {@code floor}, to the first run starting after
   * {@code source}.
   */
  private static void seekAfterFloor(
      Cursor cursor, PositionRun floor, byte[] prefix, Position source) {
    if (floor != null) {
      cursor.next();
    } else {
      cursor.seek(PositionMapCodec.encodeKey(prefix, source));
    }
  }

  private PositionRun decode(SourcePartition partition, byte[] prefix, Cursor cursor) {
    return decode(
        "the position-map run of " + partition, cursor.key(), prefix.length, cursor.value());
  }

  private Position decodeKey(SourcePartition partition, byte[] prefix, byte[] key) {
    try {
      return PositionMapCodec.decodeKey(key, prefix.length);
    } catch (StateStoreException e) {
      throw corrupt("the position-map run of " + partition, e);
    }
  }

  private PositionRun decode(String which, byte[] key, int prefixLength, byte[] value) {
    try {
      Position sourceStart = PositionMapCodec.decodeKey(key, prefixLength);
      return PositionMapCodec.decodeValue(sourceStart, value);
    } catch (StateStoreException e) {
      throw corrupt(which, e);
    }
  }

  private StateStoreException corrupt(String which, StateStoreException e) {
    return new StateStoreException(
        "cannot read " + which + " in state directory " + db.directory() + ": " + e.getMessage(),
        e);
  }
}
