package io.georep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {

  private static final Checkpoint CHECKPOINT =
      new Checkpoint(
          new Position(17, 42, -1),
          123_456,
          new Position(9, 3, 7),
          1_700_000_000_123L,
          99,
          1_700_000_000_456L);

  @Test
  void valueRoundTrips() {
    assertThat(CheckpointCodec.decodeValue(CheckpointCodec.encodeValue(CHECKPOINT)))
        .isEqualTo(CHECKPOINT);
  }

  @Test
  void valueRoundTripsExtremes() {
    Checkpoint extreme =
        new Checkpoint(
            new Position(Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE),
            Long.MIN_VALUE,
            new Position(0, 0, -1),
            Long.MAX_VALUE,
            0,
            Long.MIN_VALUE);

    assertThat(CheckpointCodec.decodeValue(CheckpointCodec.encodeValue(extreme)))
        .isEqualTo(extreme);
  }

  @Test
  void aCheckpointWithoutTargetPositionRoundTripsAsEmpty() {
    // Only filtered messages were taken: nothing of the partition is on the target yet.
    Checkpoint filteredOnly =
        new Checkpoint(new Position(3, 4, -1), -1, java.util.Optional.empty(), 5, 0, 6);

    Checkpoint decoded = CheckpointCodec.decodeValue(CheckpointCodec.encodeValue(filteredOnly));

    assertThat(decoded).isEqualTo(filteredOnly);
    assertThat(decoded.target()).isEmpty();
  }

  @Test
  void valueStartsWithItsFormatVersion() {
    byte[] value = CheckpointCodec.encodeValue(CHECKPOINT);

    assertThat(value).hasSize(CheckpointCodec.VERSION_1_BYTES);
    assertThat(value[0]).isEqualTo((byte) CheckpointCodec.VERSION_1);
  }

  @Test
  void keyRoundTrips() {
    SourcePartition partition =
        new SourcePartition("east-to-west", "persistent://sales/orders/orders-partition-0");

    assertThat(CheckpointCodec.decodeKey(CheckpointCodec.encodeKey(partition)))
        .isEqualTo(partition);
  }

  @Test
  void keyStartsWithTheLinkPrefix() {
    SourcePartition partition = new SourcePartition("a", "persistent://t/ns/x");

    assertThat(CheckpointCodec.encodeKey(partition)).startsWith(CheckpointCodec.keyPrefix("a"));
    byte[] ofAb = CheckpointCodec.encodeKey(new SourcePartition("ab", "persistent://t/ns/x"));
    assertThat(Arrays.copyOf(ofAb, 2)).isNotEqualTo(CheckpointCodec.keyPrefix("a"));
  }

  @Test
  void rejectsUnknownVersion() {
    byte[] value = CheckpointCodec.encodeValue(CHECKPOINT);
    value[0] = (byte) 200;

    assertThatThrownBy(() -> CheckpointCodec.decodeValue(value))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("format version 200")
        .hasMessageContaining("reads only version 1")
        .hasMessageContaining("newer georep");
  }

  @Test
  void rejectsTruncatedValue() {
    byte[] value = Arrays.copyOf(CheckpointCodec.encodeValue(CHECKPOINT), 40);

    assertThatThrownBy(() -> CheckpointCodec.decodeValue(value))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("has 40 bytes instead of 73")
        .hasMessageContaining("corrupt");
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] value = Arrays.copyOf(CheckpointCodec.encodeValue(CHECKPOINT), 80);

    assertThatThrownBy(() -> CheckpointCodec.decodeValue(value))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("has 80 bytes instead of 73");
  }

  @Test
  void rejectsEmptyValue() {
    assertThatThrownBy(() -> CheckpointCodec.decodeValue(new byte[0]))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void rejectsImpossiblePosition() {
    byte[] value = CheckpointCodec.encodeValue(CHECKPOINT);
    // the source batch index: after the version byte, the ledger id and the entry id
    Arrays.fill(value, 1 + 8 + 8, 1 + 8 + 8 + 4, (byte) 0xF0);

    assertThatThrownBy(() -> CheckpointCodec.decodeValue(value))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("impossible position")
        .hasMessageContaining("corrupt");
  }
}
