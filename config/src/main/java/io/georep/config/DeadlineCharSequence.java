package io.georep.config;

/**
 * A text that refuses to be read after a deadline: {@link #charAt} throws {@link Expired} once the
 * deadline has passed. A regular expression matcher reads its input only through {@code charAt}, so
 * matching against this text ends soon after the deadline however the pattern backtracks. The clock
 * is read every {@value #CHECK_EVERY} characters, a few nanoseconds per character.
 */
final class DeadlineCharSequence implements CharSequence {
  private static final int CHECK_EVERY = 64;

  /** The deadline passed while the text was read. */
  static final class Expired extends RuntimeException {
    Expired() {
      super("deadline passed", null, false, false);
    }
  }

  private final String text;
  private final long deadlineNanos;
  private int reads;

  /**
   * @param deadlineNanos a {@link System#nanoTime()} value
   */
  DeadlineCharSequence(String text, long deadlineNanos) {
    this.text = text;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public char charAt(int index) {
    if (++reads % CHECK_EVERY == 0 && System.nanoTime() - deadlineNanos > 0) {
      throw new Expired();
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new DeadlineCharSequence(text.substring(start, end), deadlineNanos);
  }

  @Override
  public String toString() {
    return text;
  }
}
