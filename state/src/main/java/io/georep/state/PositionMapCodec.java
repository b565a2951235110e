package io.georep.state;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.georep.state.PositionRun.Step;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bytes of position-map keys and values: one row per {@link PositionRun}.
 *
 * <p>Key: {@code link + '\0' + topic + '\0'} in UTF-8 (the partition prefix: the checkpoint key
 * closed by a second NUL, so that the keys of topic {@code t} do not start with the prefix of topic
 * {@code t2}), then the source start of the run in 20 bytes that sort as positions do: {@code long
 * ledgerId} and {@code long entryId} big-endian with the sign bit flipped, and {@code batchIndex +
 * 1} as an unsigned big-endian {@code int}. So unsigned byte order of the keys of one partition is
 * {@link Position} order of the run starts, and a link's keys share {@link
 * CheckpointCodec#keyPrefix} with no other link's.
 *
 * <p>Value, format version 1: {@code byte version = 1}, then five unsigned LEB128 varints (7 bits a
 * byte, least significant group first): {@code length}, {@code targetPartition + 1}, target {@code
 * ledgerId}, target {@code entryId}, target {@code batchIndex + 1}. The steps are not stored: a
 * run's steps follow from its starts ({@link Step#of}). A later format, such as one with other
 * steps, gets a new version byte; a value whose version is unknown is rejected, never guessed at.
 *
 * <p>Size of one run: key {@code utf8(link) + utf8(topic) + 22} bytes; value 6 to 36 bytes,
 * typically 10 (a run of under 128 messages to a partition under 127 of a target ledger id under
 * 2^21 and an entry id under 2^21, in a batch of under 127 messages: 1 + 1 + 1 + 3 + 3 + 1).
 */
final class PositionMapCodec {

  static final int VERSION_1 = 1;

  /** Bytes of the source start at the end of a key. */
  static final int POSITION_KEY_BYTES = Long.BYTES + Long.BYTES + Integer.BYTES;

  private static final int MAX_VARINT_BYTES = 10;
  private static final int MAX_VALUE_BYTES = 1 + 5 + 5 + 10 + 10 + 5;

  private PositionMapCodec() {}

  /** The prefix shared by the keys of this partition's runs, and by no other partition's. */
  static byte[] partitionPrefix(SourcePartition partition) {
    return (partition.link() + '\0' + partition.topic() + '\0').getBytes(UTF_8);
  }

  /** The key of the run of this partition (given by its prefix) starting at {@code source}. */
  static byte[] encodeKey(byte[] partitionPrefix, Position source) {
    byte[] key = Arrays.copyOf(partitionPrefix, partitionPrefix.length + POSITION_KEY_BYTES);
    ByteBuffer.wrap(key, partitionPrefix.length, POSITION_KEY_BYTES)
        .putLong(source.ledgerId() ^ Long.MIN_VALUE)
        .putLong(source.entryId() ^ Long.MIN_VALUE)
        .putInt(source.batchIndex() + 1);
    return key;
  }

  /**
   * The least key of this partition whose source ledger is {@code ledgerId}: every run of an
   * earlier ledger sorts before it, every run of this ledger or a later one at or after it.
   */
  static byte[] ledgerStartKey(byte[] partitionPrefix, long ledgerId) {
    return encodeKey(partitionPrefix, new Position(ledgerId, Long.MIN_VALUE, -1));
  }

  /** The greatest key a run of this partition can have. */
  static byte[] lastKey(byte[] partitionPrefix) {
    return encodeKey(
        partitionPrefix, new Position(Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE));
  }

  /** The least key after every key starting with {@code prefix}, which ends with a NUL. */
  static byte[] prefixEnd(byte[] prefix) {
    byte[] end = prefix.clone();
    end[end.length - 1]++;
    return end;
  }

  /**
   * The source start in a key of this partition.
   *
   * @throws StateStoreException if the key does not have the length of one
   */
  static Position decodeKey(byte[] key, int partitionPrefixLength) {
    if (key.length != partitionPrefixLength + POSITION_KEY_BYTES) {
      throw new StateStoreException(
          "position-map key has "
              + key.length
              + " bytes instead of "
              + (partitionPrefixLength + POSITION_KEY_BYTES)
              + ": the state directory is corrupt");
    }
    ByteBuffer buffer = ByteBuffer.wrap(key, partitionPrefixLength, POSITION_KEY_BYTES);
    try {
      return new Position(
          buffer.getLong() ^ Long.MIN_VALUE,
          buffer.getLong() ^ Long.MIN_VALUE,
          buffer.getInt() - 1);
    } catch (IllegalArgumentException e) {
      throw new StateStoreException(
          "position-map key holds an impossible position ("
              + e.getMessage()
              + "): the state directory is corrupt",
          e);
    }
  }

  static byte[] encodeValue(PositionRun run) {
    byte[] buffer = new byte[MAX_VALUE_BYTES];
    buffer[0] = VERSION_1;
    int at = 1;
    at = putVarint(buffer, at, run.length());
    at = putVarint(buffer, at, run.targetPartition() + 1L);
    at = putVarint(buffer, at, run.targetStart().ledgerId());
    at = putVarint(buffer, at, run.targetStart().entryId());
    at = putVarint(buffer, at, run.targetStart().batchIndex() + 1L);
    return Arrays.copyOf(buffer, at);
  }

  /**
   * Reads a value written by {@link #encodeValue} for the run starting at {@code sourceStart}.
   *
   * @throws StateStoreException if the value is empty, has an unknown format version, is truncated,
   *     has trailing bytes or holds an impossible run
   */
  static PositionRun decodeValue(Position sourceStart, byte[] value) {
    if (value.length == 0) {
      throw new StateStoreException("position-map value is empty: the state directory is corrupt");
    }
    int version = Byte.toUnsignedInt(value[0]);
    if (version != VERSION_1) {
      throw new StateStoreException(
          "position-map value has format version "
              + version
              + " but this georep reads only version "
              + VERSION_1
              + ": was the state directory written by a newer georep?");
    }
    VarintReader reader = new VarintReader(value, 1);
    long length = reader.next();
    long targetPartition = reader.next() - 1;
    long ledgerId = reader.next();
    long entryId = reader.next();
    long batchIndex = reader.next() - 1;
    if (reader.at != value.length) {
      throw new StateStoreException(
          "position-map value of format version 1 has "
              + (value.length - reader.at)
              + " trailing bytes: the state directory is corrupt");
    }
    if (length < 1
        || length > Integer.MAX_VALUE
        || targetPartition < -1
        || targetPartition > Integer.MAX_VALUE
        || batchIndex < -1
        || batchIndex > Integer.MAX_VALUE) {
      throw new StateStoreException(
          "position-map value holds an impossible run (length "
              + length
              + ", target partition "
              + targetPartition
              + ", target batch index "
              + batchIndex
              + "): the state directory is corrupt");
    }
    try {
      Position targetStart = new Position(ledgerId, entryId, (int) batchIndex);
      return new PositionRun(
          sourceStart,
          Step.of(sourceStart),
          (int) targetPartition,
          targetStart,
          Step.of(targetStart),
          (int) length);
    } catch (IllegalArgumentException e) {
      throw new StateStoreException(
          "position-map value holds an impossible run ("
              + e.getMessage()
              + "): the state directory is corrupt",
          e);
    }
  }

  /** Writes {@code value} as an unsigned varint at {@code at}; returns the index after it. */
  private static int putVarint(byte[] buffer, int at, long value) {
    while ((value & ~0x7FL) != 0) {
      buffer[at++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[at++] = (byte) value;
    return at;
  }

  private static final class VarintReader {
    private final byte[] bytes;
    private int at;

    VarintReader(byte[] bytes, int at) {
      this.bytes = bytes;
      this.at = at;
    }

    long next() {
      long value = 0;
      for (int i = 0; i < MAX_VARINT_BYTES; i++) {
        if (at >= bytes.length) {
          throw new StateStoreException(
              "position-map value of format version 1 is truncated after "
                  + bytes.length
                  + " bytes: the state directory is corrupt");
        }
        byte b = bytes[at++];
        value |= (long) (b & 0x7F) << (7 * i);
        if (b >= 0) {
          if (i == MAX_VARINT_BYTES - 1 && b > 1) {
            break; // bits beyond the 64th
          }
          return value;
        }
      }
      throw new StateStoreException(
          "position-map value of format version 1 holds a varint longer than 64 bits: the state"
              + " directory is corrupt");
    }
  }
}
