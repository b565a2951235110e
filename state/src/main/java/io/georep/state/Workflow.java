package io.georep.state;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Instant;
import java.util.Objects;

/**
 * One workflow as stored: a migration, a failover, a write-back, a failback or a cleanup, run step
 * by step by the migrator and resumed from {@link #step()} after a crash.
 *
 * @param id the operator's name for this run, unique in the state directory; not empty, at most
 *     {@link #MAX_ID_BYTES} bytes of UTF-8, without {@code '\0'} (which ends it in audit keys)
 * @param kind what sort of workflow it is, e.g. {@code migration}; the migrator's to choose; not
 *     empty and without {@code '\0'}
 * @param spec what the workflow was created to do, frozen at creation (a reload of the
 *     configuration does not change a running workflow); opaque to the store: the migrator owns its
 *     format, and carries a version in it so that a later georep can read an older spec
 * @param step the current step's name (the migrator's step enum, by name); not empty
 * @param finished whether the workflow has ended (done, rolled back or abandoned: {@link #step()}
 *     says which); a finished workflow takes no more steps
 * @param revision the sequence of its latest {@link AuditEntry}: 1 after creation, one more with
 *     each step
 * @param createdAt when it was created
 * @param updatedAt when its latest audit entry was written
 */
public record Workflow(
    String id,
    String kind,
    String spec,
    String step,
    boolean finished,
    long revision,
    Instant createdAt,
    Instant updatedAt) {

  /** The longest id, in bytes of UTF-8. */
  public static final int MAX_ID_BYTES = 256;

  public Workflow {
    requireId(id);
    requireName("kind of workflow '" + id + "'", kind);
    Objects.requireNonNull(spec, () -> "spec of workflow '" + id + "'");
    requireName("step of workflow '" + id + "'", step);
    if (revision < 1) {
      throw new IllegalArgumentException(
          "revision of workflow '" + id + "' must be at least 1: " + revision);
    }
    Objects.requireNonNull(createdAt, () -> "createdAt of workflow '" + id + "'");
    Objects.requireNonNull(updatedAt, () -> "updatedAt of workflow '" + id + "'");
  }

  /**
   * Checks a workflow id.
   *
   * @throws IllegalArgumentException if it is empty, too long or contains {@code '\0'}
   */
  static void requireId(String id) {
    Objects.requireNonNull(id, "workflow id");
    if (id.isEmpty() || id.indexOf('\0') >= 0 || id.getBytes(UTF_8).length > MAX_ID_BYTES) {
      throw new IllegalArgumentException(
          "workflow id must be non-empty, at most "
              + MAX_ID_BYTES
              + " bytes of UTF-8 and contain no NUL character: '"
              + id
              + "'");
    }
  }

  /**
   * Checks the name of a kind or a step.
   *
   * @throws IllegalArgumentException if it is empty or contains {@code '\0'}
   */
  static void requireName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (name.isEmpty() || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          what + " must be non-empty and contain no NUL character: '" + name + "'");
    }
  }
}
