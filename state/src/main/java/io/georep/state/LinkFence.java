package io.georep.state;

import java.time.Instant;
import java.util.Objects;

/**
 * A link kept stopped by an operator or a workflow: it does not start again, not even after a
 * daemon restart, until the fence is lifted.
 *
 * @param link the link's name
 * @param fencedAt when the fence was set
 * @param reason why, as the caller put it (shown in status); may be empty
 */
public record LinkFence(String link, Instant fencedAt, String reason) {
  public static final int MAX_REASON_CHARS = 1000;

  public LinkFence {
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(fencedAt, "fencedAt");
    Objects.requireNonNull(reason, "reason");
    if (link.isEmpty()) {
      throw new IllegalArgumentException("a fence needs a link name");
    }
    if (reason.length() > MAX_REASON_CHARS) {
      throw new IllegalArgumentException(
          "a fence's reason is at most " + MAX_REASON_CHARS + " characters");
    }
  }
}
