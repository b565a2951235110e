package io.georep.state;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes of a partition's sequence anchors: {@code byte version = 1}, {@code int count}, then per
 * anchor {@code long ledgerId, long entryId, long base, long width}, big-endian. The key is the
 * partition's checkpoint key.
 */
final class SequenceAnchorCodec {

  static final int VERSION_1 = 1;
  private static final int ANCHOR_BYTES = 4 * Long.BYTES;
  private static final int HEADER_BYTES = 1 + Integer.BYTES;

  private SequenceAnchorCodec() {}

  static byte[] encode(List<SequenceAnchor> anchors) {
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + anchors.size() * ANCHOR_BYTES);
    buffer.put((byte) VERSION_1);
    buffer.putInt(anchors.size());
    SequenceAnchor previous = null;
    for (SequenceAnchor anchor : anchors) {
      if (previous != null
          && (anchor.ledgerId() < previous.ledgerId()
              || anchor.ledgerId() == previous.ledgerId() && anchor.entryId() <= previous.entryId()
              || anchor.base() <= previous.base())) {
        throw new IllegalArgumentException(
            "sequence anchors out of order: " + anchor + " follows " + previous);
      }
      buffer.putLong(anchor.ledgerId());
      buffer.putLong(anchor.entryId());
      buffer.putLong(anchor.base());
      buffer.putLong(anchor.width());
      previous = anchor;
    }
    return buffer.array();
  }

  static List<SequenceAnchor> decode(SourcePartition partition, byte[] value) {
    if (value.length < HEADER_BYTES || value[0] != VERSION_1) {
      throw corrupt(partition, "it has " + value.length + " bytes or an unknown format version");
    }
    ByteBuffer buffer = ByteBuffer.wrap(value, 1, value.length - 1);
    int count = buffer.getInt();
    if (count < 0 || value.length != HEADER_BYTES + (long) count * ANCHOR_BYTES) {
      throw corrupt(partition, value.length + " bytes cannot hold " + count + " anchors");
    }
    List<SequenceAnchor> anchors = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        anchors.add(
            new SequenceAnchor(
                buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong()));
      }
    } catch (IllegalArgumentException e) {
      throw corrupt(partition, e.getMessage());
    }
    return List.copyOf(anchors);
  }

  private static StateStoreException corrupt(SourcePartition partition, String why) {
    return new StateStoreException(
        "the sequence anchors of "
            + partition
            + " cannot be read ("
            + why
            + "): the state directory is corrupt");
  }
}
