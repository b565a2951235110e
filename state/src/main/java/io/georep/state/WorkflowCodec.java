package io.georep.state;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;

/**
 * Bytes of the {@code workflows} and {@code audit} column families.
 *
 * <p>Workflow key: the id in UTF-8. Audit key: {@code id + '\0'} in UTF-8 (the workflow's audit
 * prefix; ids contain no {@code '\0'}, so no other workflow's keys start with it), then the entry's
 * sequence as a big-endian {@code long}. Sequences are positive, so unsigned byte order of one
 * workflow's keys is the order of its entries, and a prefix scan reads its log oldest first.
 *
 * <p>Strings are an {@code int} byte count and that many bytes of UTF-8; an instant is {@code long
 * epochSecond, int nano}; all big-endian.
 *
 * <p>Workflow value, format version 1: {@code byte version = 1}, kind, spec, step, {@code byte
 * finished} (0 or 1), {@code long revision}, createdAt, updatedAt.
 *
 * <p>Audit value, format version 1: {@code byte version = 1}, {@code byte action} (1 created, 2
 * advanced, 3 finished), fromStep, toStep, at, observation.
 *
 * <p>A later format gets a new version byte (and this reader learns to read the older ones); a
 * value whose version is unknown, or whose bytes do not add up, is rejected, never guessed at.
 */
final class WorkflowCodec {

  static final int VERSION_1 = 1;

  private static final byte SEPARATOR = 0;

  private WorkflowCodec() {}

  static byte[] encodeKey(String id) {
    return id.getBytes(UTF_8);
  }

  static String decodeKey(byte[] key) {
    return new String(key, UTF_8);
  }

  /** The prefix shared by the audit keys of this workflow, and by no other workflow's. */
  static byte[] auditPrefix(String id) {
    return (id + '\0').getBytes(UTF_8);
  }

  static byte[] encodeAuditKey(String id, long sequence) {
    byte[] prefix = auditPrefix(id);
    byte[] key = Arrays.copyOf(prefix, prefix.length + Long.BYTES);
    ByteBuffer.wrap(key, prefix.length, Long.BYTES).putLong(sequence);
    return key;
  }

  /** The sequence at the end of an audit key of the workflow whose prefix is given. */
  static long decodeAuditSequence(byte[] prefix, byte[] key) {
    if (key.length != prefix.length + Long.BYTES || key[prefix.length - 1] != SEPARATOR) {
      throw new StateStoreException(
          "audit key of "
              + key.length
              + " bytes does not end with a sequence after the workflow id: the state directory is"
              + " corrupt");
    }
    return ByteBuffer.wrap(key, prefix.length, Long.BYTES).getLong();
  }

  static byte[] encodeWorkflow(Workflow workflow) {
    return write(
        out -> {
          out.writeByte(VERSION_1);
          writeString(out, workflow.kind());
          writeString(out, workflow.spec());
          writeString(out, workflow.step());
          out.writeByte(workflow.finished() ? 1 : 0);
          out.writeLong(workflow.revision());
          writeInstant(out, workflow.createdAt());
          writeInstant(out, workflow.updatedAt());
        });
  }

  /**
   * Reads a value written by {@link #encodeWorkflow}.
   *
   * @throws StateStoreException if the value has an unknown format version or does not hold a
   *     workflow
   */
  static Workflow decodeWorkflow(String id, byte[] value) {
    ByteBuffer buffer = versioned("workflow", value);
    try {
      String kind = readString(buffer);
      String spec = readString(buffer);
      String step = readString(buffer);
      byte finished = buffer.get();
      if (finished != 0 && finished != 1) {
        throw new IllegalArgumentException("finished flag " + finished);
      }
      Workflow workflow =
          new Workflow(
              id,
              kind,
              spec,
              step,
              finished == 1,
              buffer.getLong(),
              readInstant(buffer),
              readInstant(buffer));
      requireEnd("workflow", buffer);
      return workflow;
    } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
      throw corrupt("workflow", e);
    }
  }

  static byte[] encodeAuditEntry(AuditEntry entry) {
    return write(
        out -> {
          out.writeByte(VERSION_1);
          out.writeByte(actionCode(entry.action()));
          writeString(out, entry.fromStep());
          writeString(out, entry.toStep());
          writeInstant(out, entry.at());
          writeString(out, entry.observation());
        });
  }

  /**
   * Reads a value written by {@link #encodeAuditEntry}.
   *
   * @throws StateStoreException if the value has an unknown format version or does not hold an
   *     audit entry
   */
  static AuditEntry decodeAuditEntry(String id, long sequence, byte[] value) {
    ByteBuffer buffer = versioned("audit", value);
    try {
      AuditEntry.Action action = action(buffer.get());
      String fromStep = readString(buffer);
      String toStep = readString(buffer);
      Instant at = readInstant(buffer);
      String observation = readString(buffer);
      requireEnd("audit", buffer);
      return new AuditEntry(id, sequence, at, action, fromStep, toStep, observation);
    } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
      throw corrupt("audit", e);
    }
  }

  private static ByteBuffer versioned(String what, byte[] value) {
    if (value.length == 0) {
      throw new StateStoreException(what + " value is empty: the state directory is corrupt");
    }
    int version = Byte.toUnsignedInt(value[0]);
    if (version != VERSION_1) {
      throw new StateStoreException(
          what
              + " value has format version "
              + version
              + " but this georep reads only version "
              + VERSION_1
              + ": was the state directory written by a newer georep?");
    }
    return ByteBuffer.wrap(value, 1, value.length - 1);
  }

  private static void requireEnd(String what, ByteBuffer buffer) {
    if (buffer.hasRemaining()) {
      throw new IllegalArgumentException(
          buffer.remaining() + " bytes after the last field of a " + what + " value");
    }
  }

  private static StateStoreException corrupt(String what, RuntimeException e) {
    String reason =
        e instanceof BufferUnderflowException ? "it ends before its last field" : e.getMessage();
    return new StateStoreException(
        what
            + " value of format version 1 cannot be read ("
            + reason
            + "): the state directory is"
            + " corrupt",
        e);
  }

  private static int actionCode(AuditEntry.Action action) {
    return switch (action) {
      case CREATED -> 1;
      case ADVANCED -> 2;
      case FINISHED -> 3;
    };
  }

  private static AuditEntry.Action action(byte code) {
    return switch (code) {
      case 1 -> AuditEntry.Action.CREATED;
      case 2 -> AuditEntry.Action.ADVANCED;
      case 3 -> AuditEntry.Action.FINISHED;
      default -> throw new IllegalArgumentException("unknown action code " + code);
    };
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] bytes = value.getBytes(UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(ByteBuffer buffer) {
    int length = buffer.getInt();
    if (length < 0 || length > buffer.remaining()) {
      throw new IllegalArgumentException(
          "a string of " + length + " bytes where " + buffer.remaining() + " remain");
    }
    String value =
        new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, UTF_8);
    buffer.position(buffer.position() + length);
    return value;
  }

  private static void writeInstant(DataOutputStream out, Instant instant) throws IOException {
    out.writeLong(instant.getEpochSecond());
    out.writeInt(instant.getNano());
  }

  private static Instant readInstant(ByteBuffer buffer) {
    return Instant.ofEpochSecond(buffer.getLong(), buffer.getInt());
  }

  @FunctionalInterface
  private interface Fields {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Fields fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      fields.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }
}
