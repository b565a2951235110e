package io.georep.replicator;

/**
 * The flow control of {@link org.apache.pulsar.client.impl.GeorepEntryConsumer}, in entries. A
 * broker without {@code preciseDispatcherFlowControl} (the default) reads as many entries at once
 * as the consumer has permits (at most 100 and 5 MB), although each entry it sends takes all its
 * messages off them. So the permits are held at the number of entries wanted, not at their
 * messages: the consumer's share of the daemon's {@link ReceiveQueueBudget} in entries of the
 * average size seen (at least one, at most {@link #MAX_ENTRIES}) minus those waiting to be taken.
 * Entries queued and asked for so stay within the share, or one entry where the share holds less.
 *
 * <p>What the broker holds is known as granted minus the messages that arrived, per connection: a
 * new connection starts from nothing (the broker starts it at zero). Permits are topped up once the
 * broker holds half of what is wanted or less, as the client's own receive queue refills at half:
 * an arrival that takes it there is answered at once, so a broker at the end of the topic always
 * holds permits for the next entry written, and entries of a few messages cost one FLOW command per
 * several of them, not one each. After entries are taken, permits are topped up in chunks of half
 * the target, so reads are not one entry each. Not thread-safe: the consumer guards it. It is
 * georep's logic, kept out of the client's package: only the consumer that must reach
 * package-private members lives there.
 */
public final class EntryPermits {
  static final int MAX_ENTRIES = 100; // the most a broker reads at once by default

  private final ReceiveQueueBudget budget;
  private Object connection;
  private long granted;
  private long received;
  private double averageEntryBytes = -1;

  public EntryPermits(ReceiveQueueBudget budget) {
    this.budget = budget;
  }

  /**
   * The broker registered the consumer afresh on {@code connection} (a reconnect, or after a seek,
   * on the same connection as before): it holds no permits for it.
   */
  public void subscribed(Object connection) {
    this.connection = connection;
    granted = 0;
    received = 0;
  }

  /** An entry of {@code messages} and {@code bytes} arrived on {@code from}. */
  public void arrived(Object from, int messages, int bytes) {
    if (from == connection) {
      received += messages;
    }
    averageEntryBytes =
        averageEntryBytes < 0 ? bytes : averageEntryBytes + (bytes - averageEntryBytes) / 16;
  }

  /**
   * The permits to grant on {@code to} now, with {@code queued} entries waiting to be taken; they
   * are counted as granted. 0 when none are due.
   */
  public long grant(Object to, int queued) {
    if (to == null) {
      return 0;
    }
    if (to != connection) {
      subscribed(to);
    }
    // The broker holds at most what was granted minus what arrived, and reads at most that many
    // entries: granting up to `desired` keeps what is queued and coming within the target.
    int target = targetEntries();
    long desired = target - queued;
    if (desired < Math.max(1, target / 2)) {
      return 0; // enough is queued; asking for fewer entries would make one-entry reads
    }
    long held = granted - received;
    if (held * 2 > desired) {
      // The broker still holds more than half of what is wanted: it keeps reading. Topping up on
      // every arrival would cost one FLOW command per entry, in georep and in the broker.
      return 0;
    }
    long grant = desired - held;
    granted += grant;
    return grant;
  }

  /**
   * The entries wanted: the share read now (it shrinks as consumers join, grows as they leave) in
   * entries of the average size, at least one (without it the partition cannot move); one until the
   * first entry shows how large they are.
   */
  int targetEntries() {
    if (averageEntryBytes < 0) {
      return 1;
    }
    return (int)
        Math.max(1, Math.min(MAX_ENTRIES, budget.share() / Math.max(1, averageEntryBytes)));
  }

  /** What the broker holds as far as known: granted minus arrived, on the current connection. */
  long held() {
    return granted - received;
  }
}
