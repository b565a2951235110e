package io.georep.state;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Bytes of checkpoint keys and values.
 *
 * <p>Key: {@code link + '\0' + topic} in UTF-8, so all checkpoints of a link share the prefix
 * {@code link + '\0'} and sort by topic. Link names contain no {@code '\0'} (see {@link
 * SourcePartition}).
 *
 * <p>Value, format version 1 (73 bytes, big-endian): {@code byte version = 1}, source position
 * ({@code long ledgerId, long entryId, int batchIndex}), {@code long sequenceId}, target position
 * (-1, -1, -1 when there is none), {@code long sourcePublishTime, long forwardedCount, long
 * updatedAtMillis}. A later format gets a new version byte; a value whose version is unknown is
 * rejected, never guessed at.
 */
final class CheckpointCodec {

  static final int VERSION_1 = 1;

  private static final int POSITION_BYTES = Long.BYTES + Long.BYTES + Integer.BYTES;
  static final int VERSION_1_BYTES =
      1 + POSITION_BYTES + Long.BYTES + POSITION_BYTES + 3 * Long.BYTES;

  private static final byte SEPARATOR = 0;

  // How a checkpoint without a target position is stored; no broker gives this position.
  private static final Position NO_TARGET = new Position(-1, -1, -1);

  private CheckpointCodec() {}

  static byte[] encodeKey(SourcePartition partition) {
    return (partition.link() + '\0' + partition.topic()).getBytes(UTF_8);
  }

  /** The prefix shared by the keys of this link's checkpoints, and by no other link's. */
  static byte[] keyPrefix(String link) {
    return (link + '\0').getBytes(UTF_8);
  }

  static SourcePartition decodeKey(byte[] key) {
    for (int i = 0; i < key.length; i++) {
      if (key[i] == SEPARATOR) {
        return new SourcePartition(
            new String(key, 0, i, UTF_8), new String(key, i + 1, key.length - i - 1, UTF_8));
      }
    }
    throw new StateStoreException(
        "checkpoint key '" + new String(key, UTF_8) + "' has no NUL between link and topic");
  }

  static byte[] encodeValue(Checkpoint checkpoint) {
    ByteBuffer buffer = ByteBuffer.allocate(VERSION_1_BYTES);
    buffer.put((byte) VERSION_1);
    putPosition(buffer, checkpoint.source());
    buffer.putLong(checkpoint.sequenceId());
    putPosition(buffer, checkpoint.target().orElse(NO_TARGET));
    buffer.putLong(checkpoint.sourcePublishTime());
    buffer.putLong(checkpoint.forwardedCount());
    buffer.putLong(checkpoint.updatedAtMillis());
    return buffer.array();
  }

  /**
   * Reads a value written by {@link #encodeValue}.
   *
   * @throws StateStoreException if the value is empty, has an unknown format version or the wrong
   *     length for its version
   */
  static Checkpoint decodeValue(byte[] value) {
    if (value.length == 0) {
      throw new StateStoreException("checkpoint value is empty: the state directory is corrupt");
    }
    int version = Byte.toUnsignedInt(value[0]);
    if (version != VERSION_1) {
      throw new StateStoreException(
          "checkpoint value has format version "
              + version
              + " but this georep reads only version "
              + VERSION_1
              + ": was the state directory written by a newer georep?");
    }
    if (value.length != VERSION_1_BYTES) {
      throw new StateStoreException(
          "checkpoint value of format version 1 has "
              + value.length
              + " bytes instead of "
              + VERSION_1_BYTES
              + ": the state directory is corrupt");
    }
    ByteBuffer buffer = ByteBuffer.wrap(value, 1, value.length - 1);
    try {
      Position source = getPosition(buffer);
      long sequenceId = buffer.getLong();
      Position target = getPosition(buffer);
      return new Checkpoint(
          source,
          sequenceId,
          target.equals(NO_TARGET) ? Optional.empty() : Optional.of(target),
          buffer.getLong(),
          buffer.getLong(),
          buffer.getLong());
    } catch (IllegalArgumentException e) {
      throw new StateStoreException(
          "checkpoint value holds an impossible position ("
              + e.getMessage()
              + "): the state"
              + " directory is corrupt",
          e);
    }
  }

  private static void putPosition(ByteBuffer buffer, Position position) {
    buffer.putLong(position.ledgerId());
    buffer.putLong(position.entryId());
    buffer.putInt(position.batchIndex());
  }

  private static Position getPosition(ByteBuffer buffer) {
    return new Position(buffer.getLong(), buffer.getLong(), buffer.getInt());
  }
}
