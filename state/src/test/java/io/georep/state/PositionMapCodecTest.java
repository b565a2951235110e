package io.georep.state;

import static io.georep.state.PositionRun.Step.BATCH;
import static io.georep.state.PositionRun.Step.ENTRY;
import static io.georep.state.PositionRunTest.pos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PositionMapCodecTest {

  private static final SourcePartition PARTITION =
      new SourcePartition("east-to-west", "persistent://sales/orders/orders-partition-0");
  private static final byte[] PREFIX = PositionMapCodec.partitionPrefix(PARTITION);

  /** A typical run: 40 messages of a source batch into a target batch of partition 3. */
  private static final PositionRun TYPICAL =
      new PositionRun(pos(1_234_567, 48_000, 60), BATCH, 3, pos(987_654, 42_000, 10), BATCH, 40);

  @Test
  void valueRoundTrips() {
    assertThat(roundTrip(TYPICAL)).isEqualTo(TYPICAL);
  }

  @Test
  void valueRoundTripsExtremes() {
    List<PositionRun> runs =
        List.of(
            new PositionRun(
                pos(Long.MAX_VALUE, Long.MAX_VALUE, -1),
                ENTRY,
                -1,
                pos(Long.MAX_VALUE, Long.MAX_VALUE, -1),
                ENTRY,
                1),
            new PositionRun(
                pos(0, 0, 0), BATCH, Integer.MAX_VALUE, pos(0, 0, 0), BATCH, Integer.MAX_VALUE),
            new PositionRun(
                pos(-1, -1, -1),
                ENTRY,
                0,
                pos(Long.MIN_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE),
                BATCH,
                1),
            new PositionRun(pos(1L << 40, 1L << 35, 7), BATCH, 0, pos(-1, -1, -1), ENTRY, 100));

    for (PositionRun run : runs) {
      assertThat(roundTrip(run)).isEqualTo(run);
    }
  }

  @Test
  void typicalValueHasTenBytesStartingWithItsFormatVersion() {
    byte[] value = PositionMapCodec.encodeValue(TYPICAL);

    assertThat(value).hasSize(10);
    assertThat(value[0]).isEqualTo((byte) PositionMapCodec.VERSION_1);
  }

  @Test
  void valueSizeStaysWithinItsBounds() {
    PositionRun smallest = new PositionRun(pos(1, 1, -1), ENTRY, -1, pos(0, 0, -1), ENTRY, 1);
    PositionRun largest =
        new PositionRun(
            pos(1, 1, 0), BATCH, Integer.MAX_VALUE, pos(-1, -1, Integer.MAX_VALUE), BATCH, 1);

    assertThat(PositionMapCodec.encodeValue(smallest)).hasSize(6);
    assertThat(PositionMapCodec.encodeValue(largest)).hasSize(1 + 1 + 5 + 10 + 10 + 5);
  }

  @Test
  void keyRoundTripsAndSortsAsPositionsDo() {
    List<Position> sorted =
        List.of(
            pos(Long.MIN_VALUE, Long.MIN_VALUE, -1),
            pos(-1, -1, -1),
            pos(0, 0, -1),
            pos(0, 0, 0),
            pos(0, 0, 1),
            pos(0, 0, 255),
            pos(0, 0, 256),
            pos(0, 0, Integer.MAX_VALUE),
            pos(0, 1, -1),
            pos(0, 255, -1),
            pos(0, 256, -1),
            pos(1, 0, -1),
            pos(1L << 32, 0, -1),
            pos(Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE));

    List<byte[]> keys = new ArrayList<>();
    for (Position position : sorted) {
      byte[] key = PositionMapCodec.encodeKey(PREFIX, position);
      assertThat(key).startsWith(PREFIX).hasSize(PREFIX.length + 20);
      assertThat(PositionMapCodec.decodeKey(key, PREFIX.length)).isEqualTo(position);
      keys.add(key);
    }
    for (int i = 1; i < keys.size(); i++) {
      assertThat(Arrays.compareUnsigned(keys.get(i - 1), keys.get(i)))
          .as("key of %s before key of %s", sorted.get(i - 1), sorted.get(i))
          .isNegative();
    }
    assertThat(PositionMapCodec.lastKey(PREFIX)).isEqualTo(keys.get(keys.size() - 1));
  }

  @Test
  void ledgerStartKeySeparatesLedgers() {
    byte[] start = PositionMapCodec.ledgerStartKey(PREFIX, 5);

    assertThat(
            Arrays.compareUnsigned(
                PositionMapCodec.encodeKey(PREFIX, pos(4, Long.MAX_VALUE, Integer.MAX_VALUE)),
                start))
        .isNegative();
    assertThat(Arrays.compareUnsigned(PositionMapCodec.encodeKey(PREFIX, pos(5, 0, -1)), start))
        .isPositive();
    assertThat(
            Arrays.compareUnsigned(
                PositionMapCodec.encodeKey(PREFIX, pos(5, Long.MIN_VALUE, -1)), start))
        .isZero();
  }

  @Test
  void partitionPrefixesArePrefixFree() {
    byte[] ofT = PositionMapCodec.partitionPrefix(new SourcePartition("a", "t"));
    byte[] ofT2 = PositionMapCodec.partitionPrefix(new SourcePartition("a", "t2"));
    byte[] ofAb = PositionMapCodec.partitionPrefix(new SourcePartition("ab", "t"));

    assertThat(ofT).startsWith(CheckpointCodec.keyPrefix("a"));
    assertThat(startsWith(ofT2, ofT)).isFalse();
    assertThat(startsWith(ofAb, CheckpointCodec.keyPrefix("a"))).isFalse();
    assertThat(Arrays.compareUnsigned(PositionMapCodec.prefixEnd(ofT), ofT2)).isNegative();
    assertThat(
            Arrays.compareUnsigned(PositionMapCodec.prefixEnd(ofT), PositionMapCodec.lastKey(ofT)))
        .isPositive();
  }

  @Test
  void rejectsUnknownVersion() {
    byte[] value = PositionMapCodec.encodeValue(TYPICAL);
    value[0] = (byte) 200;

    assertThatThrownBy(() -> PositionMapCodec.decodeValue(TYPICAL.sourceStart(), value))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("format version 200")
        .hasMessageContaining("reads only version 1")
        .hasMessageContaining("newer georep");
  }

  @Test
  void rejectsEmptyTruncatedAndTrailingBytes() {
    byte[] value = PositionMapCodec.encodeValue(TYPICAL);

    assertThatThrownBy(() -> PositionMapCodec.decodeValue(TYPICAL.sourceStart(), new byte[0]))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(
            () ->
                PositionMapCodec.decodeValue(
                    TYPICAL.sourceStart(), Arrays.copyOf(value, value.length - 1)))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("truncated")
        .hasMessageContaining("corrupt");
    assertThatThrownBy(
            () ->
                PositionMapCodec.decodeValue(
                    TYPICAL.sourceStart(), Arrays.copyOf(value, value.length + 1)))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("1 trailing bytes")
        .hasMessageContaining("corrupt");
  }

  @Test
  void rejectsImpossibleRuns() {
    byte[] zeroLength = PositionMapCodec.encodeValue(TYPICAL);
    zeroLength[1] = 0; // the length, 40, fits one byte

    assertThatThrownBy(() -> PositionMapCodec.decodeValue(TYPICAL.sourceStart(), zeroLength))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("impossible run (length 0")
        .hasMessageContaining("corrupt");

    // a run of 40 from batch index Integer.MAX_VALUE - 1 would overflow
    assertThatThrownBy(
            () ->
                PositionMapCodec.decodeValue(
                    pos(1, 1, Integer.MAX_VALUE - 1), PositionMapCodec.encodeValue(TYPICAL)))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("impossible run")
        .hasMessageContaining("overflows");
  }

  @Test
  void rejectsAVarintLongerThan64Bits() {
    byte[] value = new byte[12];
    value[0] = PositionMapCodec.VERSION_1;
    Arrays.fill(value, 1, 11, (byte) 0xFF);
    value[11] = 1;

    assertThatThrownBy(() -> PositionMapCodec.decodeValue(TYPICAL.sourceStart(), value))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("longer than 64 bits");
  }

  @Test
  void rejectsKeysOfTheWrongLengthOrWithAnImpossiblePosition() {
    byte[] key = PositionMapCodec.encodeKey(PREFIX, pos(1, 2, 3));

    assertThatThrownBy(
            () -> PositionMapCodec.decodeKey(Arrays.copyOf(key, key.length - 1), PREFIX.length))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("instead of " + key.length);

    Arrays.fill(key, key.length - 4, key.length, (byte) 0xF0);
    assertThatThrownBy(() -> PositionMapCodec.decodeKey(key, PREFIX.length))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("impossible position");
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static PositionRun roundTrip(PositionRun run) {
    byte[] key = PositionMapCodec.encodeKey(PREFIX, run.sourceStart());
    return PositionMapCodec.decodeValue(
        PositionMapCodec.decodeKey(key, PREFIX.length), PositionMapCodec.encodeValue(run));
  }
}
