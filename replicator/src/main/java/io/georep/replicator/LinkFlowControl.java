package io.georep.replicator;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What all partitions of one link share: the in-flight budget (messages and bytes sent to the
 * target and not yet acknowledged) and the optional rate limits. Thread-safe; never blocks: a
 * replicator that gets no room holds its next message and asks again later (see {@link
 * #retryDelayNanos}).
 *
 * <p>The rate limit is a token bucket per unit (messages, bytes) that holds at most one second of
 * tokens, so a link that was idle sends at most one second's worth at once, or one message or entry
 * if that alone is bigger; what goes beyond the bucket is paid back before the next send.
 */
final class LinkFlowControl {
  /** How soon a replicator refused in-flight room asks again. */
  static final long BUDGET_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final int maxMessages;
  private final long maxBytes;
  private final long messagesPerSecond;
  private final long bytesPerSecond;
  private final LongSupplier nanoClock;

  private int messagesInFlight;
  private long bytesInFlight;
  private double messageTokens;
  private double byteTokens;
  private long refilledAt;

  LinkFlowControl(int maxMessages, long maxBytes, long messagesPerSecond, long bytesPerSecond) {
    this(maxMessages, maxBytes, messagesPerSecond, bytesPerSecond, System::nanoTime);
  }

  LinkFlowControl(
      int maxMessages,
      long maxBytes,
      long messagesPerSecond,
      long bytesPerSecond,
      LongSupplier nanoClock) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.messagesPerSecond = messagesPerSecond;
    this.bytesPerSecond = bytesPerSecond;
    this.nanoClock = nanoClock;
    this.messageTokens = messagesPerSecond;
    this.byteTokens = bytesPerSecond;
    this.refilledAt = nanoClock.getAsLong();
  }

  /**
   * Takes in-flight room and rate tokens for one message of {@code bytes}: 0 when taken, else how
   * many nanoseconds to wait before asking again (nothing is taken then). A message larger than the
   * byte budget is let through when nothing else is in flight, so it cannot block the link forever.
   */
  long tryAcquire(int bytes) {
    return tryAcquire(1, bytes);
  }

  /**
   * {@link #tryAcquire(int)} for {@code messages} sent at once (a forwarded entry): the room of all
   * of them, or nothing. An entry larger than the budget passes when nothing else is in flight.
   */
  synchronized long tryAcquire(int messages, int bytes) {
    boolean roomForIt =
        messagesInFlight == 0
            || (messagesInFlight + messages <= maxMessages && bytesInFlight + bytes <= maxBytes);
    if (!roomForIt) {
      return BUDGET_RETRY_NANOS;
    }
    long wait = rateWaitNanos(messages, bytes);
    if (wait > 0) {
      return wait;
    }
    messagesInFlight += messages;
    bytesInFlight += bytes;
    return 0;
  }

  /** Gives back the room of one message once the target acknowledged it (or it was abandoned). */
  void release(int bytes) {
    release(1, bytes);
  }

  /** Gives back the room of {@code messages} sent at once. */
  synchronized void release(int messages, int bytes) {
    messagesInFlight -= messages;
    bytesInFlight -= bytes;
  }

  synchronized int messagesInFlight() {
    return messagesInFlight;
  }

  synchronized long bytesInFlight() {
    return bytesInFlight;
  }

  private long rateWaitNanos(int messages, int bytes) {
    if (messagesPerSecond == 0 && bytesPerSecond == 0) {
      return 0;
    }
    long now = nanoClock.getAsLong();
    double elapsedSeconds = (now - refilledAt) / 1e9;
    refilledAt = now;
    messageTokens = Math.min(messagesPerSecond, messageTokens + elapsedSeconds * messagesPerSecond);
    byteTokens = Math.min(bytesPerSecond, byteTokens + elapsedSeconds * bytesPerSecond);
    // Something bigger than a second of tokens (a large message, an entry of many messages)
    // starts on a full bucket rather than never, and leaves the bucket in debt by the rest, so
    // what follows waits for it and the long-run rate stays the configured one.
    double bytesNeeded = bytesPerSecond == 0 ? 0 : Math.min(bytes, (double) bytesPerSecond);
    double messagesNeeded = messagesPerSecond == 0 ? 0 : Math.min(messages, messagesPerSecond);
    double waitSeconds = 0;
    if (messagesPerSecond > 0 && messageTokens < messagesNeeded) {
      waitSeconds = Math.max(waitSeconds, (messagesNeeded - messageTokens) / messagesPerSecond);
    }
    if (bytesPerSecond > 0 && byteTokens < bytesNeeded) {
      waitSeconds = Math.max(waitSeconds, (bytesNeeded - byteTokens) / bytesPerSecond);
    }
    if (waitSeconds > 0) {
      return Math.max(1, (long) Math.ceil(waitSeconds * 1e9));
    }
    if (messagesPerSecond > 0) {
      messageTokens -= messages;
    }
    if (bytesPerSecond > 0) {
      byteTokens -= bytes;
    }
    return 0;
  }
}
