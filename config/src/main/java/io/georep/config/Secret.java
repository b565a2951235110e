package io.georep.config;

import java.util.Objects;

/**
 * A secret value, such as a token. Its {@link #toString()} never shows the value, so a secret can
 * sit in records that are logged or printed; only {@link #reveal()} gives it out.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** Wraps a secret value. */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The secret value itself; hand it only to the client that needs it. */
  public String reveal() {
    return value;
  }

  /** Always {@code ****}. */
  @Override
  public String toString() {
    return "****";
  }
}
