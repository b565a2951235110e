package io.georep.replicator;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.naming.TopicDomain;
import org.apache.pulsar.common.naming.TopicName;

/**
 * The source's topic listings per namespace, shared by one link's discovery and its partitions.
 * Discovery lists every round ({@link #list}) and the listing is kept; a partition that (re)starts
 * asks whether its topic still exists ({@link #exists}) and is answered from that listing while it
 * is younger than {@code maxAge}. A target down for hours makes every partition fail and restart
 * with backoff; each restart used to list the whole source namespace, so the source's admin API saw
 * a listing per restart and partition. Now restarts cost it nothing beyond discovery's own rounds,
 * and at most one listing per namespace and {@code maxAge} when discovery's listing is too old.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>"Exists" may come from a listing up to {@code maxAge} old (discovery notices a deletion
 *       within its interval anyway and stops the partition). "Gone" never comes from a kept
 *       listing: it is confirmed by a listing started after the question, since a partition that
 *       hears it stops for good.
 *   <li>At most one listing per namespace is in flight; questions asked meanwhile share it.
 *   <li>A failed listing is not kept; the question fails (the partition retries with backoff).
 * </ul>
 *
 * Thread-safe: partitions and discovery call it from their own threads.
 */
public final class SourceListings {

  /** One namespace's topics: partitioned topics (their base names) and persistent topics. */
  public record Listing(List<String> partitioned, List<String> topics) {
    /** Whether {@code topic} (a partition, or a non-partitioned topic) is listed. */
    boolean contains(TopicName topic) {
      return topic.isPartitioned()
          ? partitioned.contains(topic.getPartitionedTopicName())
          : topics.contains(topic.toString());
    }
  }

  /** Where listings come from: the source's admin API, or a fake in tests. */
  interface Source {
    CompletableFuture<List<String>> partitioned(String namespace);

    /** The namespace's persistent topics, partitions included. */
    CompletableFuture<List<String>> topics(String namespace);
  }

  /** A listing and when it was asked for ({@link System#nanoTime()}). */
  private record Taken(Listing listing, long askedAt) {}

  /** A listing on its way, and when it was asked for. */
  private record Pending(CompletableFuture<Taken> listing, long askedAt) {}

  private final Source source;
  private final long maxAgeNanos;
  private final LongSupplier clock;
  private final Map<String, Taken> kept = new HashMap<>();
  private final Map<String, Pending> pending = new HashMap<>();

  SourceListings(Source source, Duration maxAge, LongSupplier clock) {
    this.source = source;
    this.maxAgeNanos = maxAge.toNanos();
    this.clock = clock;
  }

  /**
   * Listings through {@code admin}: partitioned topics, and the persistent topics only (a listing
   * of every topic also lists the non-persistent ones, bundle by bundle: several requests, all
   * unused).
   */
  public static SourceListings of(PulsarAdmin admin, Duration maxAge) {
    return new SourceListings(
        new Source() {
          @Override
          public CompletableFuture<List<String>> partitioned(String namespace) {
            return admin.topics().getPartitionedTopicListAsync(namespace);
          }

          @Override
          public CompletableFuture<List<String>> topics(String namespace) {
            return admin.topics().getListAsync(namespace, TopicDomain.persistent);
          }
        },
        maxAge,
        System::nanoTime);
  }

  /** The namespace's listing now: one asked for now, or the one on its way. */
  public CompletableFuture<Listing> list(String namespace) {
    return take(namespace, null).thenApply(Taken::listing);
  }

  /** Whether the source topic {@code topic} (a partition or a non-partitioned topic) exists. */
  public CompletableFuture<Boolean> exists(String topic) {
    TopicName name = TopicName.get(topic);
    String namespace = name.getNamespace();
    long asked = clock.getAsLong();
    synchronized (this) {
      Taken last = kept.get(namespace);
      if (last != null && asked - last.askedAt() <= maxAgeNanos && last.listing().contains(name)) {
        return CompletableFuture.completedFuture(true);
      }
    }
    return take(namespace, null)
        .thenCompose(
            taken -> {
              if (taken.listing().contains(name)) {
                return CompletableFuture.completedFuture(true);
              }
              // Gone in a listing asked for before the question: ask again before saying so.
              return taken.askedAt() - asked >= 0
                  ? CompletableFuture.completedFuture(false)
                  : take(namespace, asked).thenApply(again -> again.listing().contains(name));
            });
  }

  /**
   * The listing on its way for {@code namespace} if there is one asked for at or after {@code
   * notBefore} (any, when null), else a new one.
   */
  private synchronized CompletableFuture<Taken> take(String namespace, Long notBefore) {
    Pending inFlight = pending.get(namespace);
    if (inFlight != null && (notBefore == null || inFlight.askedAt() - notBefore >= 0)) {
      return inFlight.listing();
    }
    long askedAt = clock.getAsLong();
    CompletableFuture<List<String>> partitioned = source.partitioned(namespace);
    CompletableFuture<List<String>> topics = source.topics(namespace);
    CompletableFuture<Taken> listing =
        partitioned.thenCombine(topics, (p, t) -> new Taken(new Listing(p, t), askedAt));
    Pending mine = new Pending(listing, askedAt);
    pending.put(namespace, mine);
    listing.whenComplete(
        (taken, err) -> {
          synchronized (this) {
            pending.remove(namespace, mine);
            Taken last = kept.get(namespace);
            if (taken != null && (last == null || last.askedAt() - askedAt <= 0)) {
              kept.put(namespace, taken);
            }
          }
        });
    return listing;
  }
}
