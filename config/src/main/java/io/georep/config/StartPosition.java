package io.georep.config;

import java.time.Instant;
import java.util.Objects;

/**
 * Where georep's subscription starts when it is created on a source topic; once it exists, it
 * resumes where it stopped.
 */
public sealed interface StartPosition {

  /** The oldest message the source still holds: the whole backlog is replicated. */
  record Earliest() implements StartPosition {}

  /** Only messages published after the subscription is created. */
  record Latest() implements StartPosition {}

  /** The first message published at or after this instant. */
  record AtTimestamp(Instant at) implements StartPosition {
    public AtTimestamp {
      Objects.requireNonNull(at, "at");
    }
  }
}
