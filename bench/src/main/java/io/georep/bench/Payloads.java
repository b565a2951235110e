package io.georep.bench;

import java.nio.ByteBuffer;

/**
 * The benchmark's message payload: a sequence number and the instant the load generator handed the
 * message to the producer ({@link System#nanoTime()}, the clock the target reader reads too, in the
 * same JVM), then zeros up to the message size.
 */
final class Payloads {
  /** Bytes taken by the sequence number and the send instant. */
  static final int HEADER_BYTES = 16;

  private Payloads() {}

  /**
   * @throws IllegalArgumentException when {@code size} cannot hold the header
   */
  static byte[] create(int size, long sequence, long sentNanos) {
    if (size < HEADER_BYTES) {
      throw new IllegalArgumentException(
          "a payload needs at least " + HEADER_BYTES + " bytes, asked for " + size);
    }
    byte[] payload = new byte[size];
    ByteBuffer.wrap(payload).putLong(sequence).putLong(sentNanos);
    return payload;
  }

  static long sequence(byte[] payload) {
    return ByteBuffer.wrap(payload).getLong(0);
  }

  static long sentNanos(byte[] payload) {
    return ByteBuffer.wrap(payload).getLong(Long.BYTES);
  }
}
