package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class SourceListingsTest {
  private static final String NS = "t/ns";
  private static final String TOPIC = "persistent://t/ns/orders";
  private static final Duration MAX_AGE = Duration.ofSeconds(20);

  /** A source whose listings complete when the test says so, counting the requests. */
  private static final class FakeSource implements SourceListings.Source {
    final List<CompletableFuture<List<String>>> partitionedRequests = new ArrayList<>();
    final List<CompletableFuture<List<String>>> topicRequests = new ArrayList<>();

    @Override
    public CompletableFuture<List<String>> partitioned(String namespace) {
      var f = new CompletableFuture<List<String>>();
      partitionedRequests.add(f);
      return f;
    }

    @Override
    public CompletableFuture<List<String>> topics(String namespace) {
      var f = new CompletableFuture<List<String>>();
      topicRequests.add(f);
      return f;
    }

    int requests() {
      return partitionedRequests.size() + topicRequests.size();
    }

    /** Answers the last listing asked for: {@code partitioned} exists with two partitions. */
    void answer(boolean exists) {
      var partitioned = exists ? List.of(TOPIC) : List.<String>of();
      var topics =
          exists ? List.of(TOPIC + "-partition-0", TOPIC + "-partition-1") : List.<String>of();
      partitionedRequests.get(partitionedRequests.size() - 1).complete(partitioned);
      topicRequests.get(topicRequests.size() - 1).complete(topics);
    }
  }

  private final FakeSource source = new FakeSource();
  private long now = 1_000_000_000L;
  private final SourceListings listings = new SourceListings(source, MAX_AGE, () -> now);

  @Test
  void aBurstOfRestartsSharesOneListing() {
    List<CompletableFuture<Boolean>> answers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      answers.add(listings.exists(TOPIC + "-partition-" + (i % 2)));
    }
    assertThat(source.requests()).isEqualTo(2); // one listing: partitioned topics and topics
    source.answer(true);
    assertThat(answers).allSatisfy(a -> assertThat(a).isCompletedWithValue(true));
  }

  @Test
  void restartsAreAnsweredFromDiscoverysListingWhileItIsRecent() {
    CompletableFuture<SourceListings.Listing> round = listings.list(NS);
    source.answer(true);
    assertThat(round.join().partitioned()).containsExactly(TOPIC);

    now += MAX_AGE.toNanos();
    for (int i = 0; i < 100; i++) {
      assertThat(listings.exists(TOPIC + "-partition-1")).isCompletedWithValue(true);
    }
    assertThat(source.requests()).isEqualTo(2); // discovery's listing only

    now += 1;
    CompletableFuture<Boolean> late = listings.exists(TOPIC + "-partition-1");
    assertThat(source.requests()).isEqualTo(4); // too old: listed again, once
    source.answer(true);
    assertThat(late).isCompletedWithValue(true);
  }

  @Test
  void goneIsNeverTakenFromAKeptListing() {
    listings.list(NS);
    source.answer(false); // discovery saw no such topic (it was deleted, or not created yet)
    CompletableFuture<Boolean> answer = listings.exists(TOPIC + "-partition-0");
    assertThat(source.requests()).isEqualTo(4); // asked the source again
    source.answer(true);
    assertThat(answer).isCompletedWithValue(true);
  }

  @Test
  void goneFromAListingAskedBeforeTheQuestionIsAskedAgain() {
    listings.list(NS); // on its way when the partition asks
    now += 1;
    CompletableFuture<Boolean> answer = listings.exists(TOPIC + "-partition-0");
    source.answer(false);
    assertThat(answer).isNotDone();
    assertThat(source.requests()).isEqualTo(4);
    source.answer(false);
    assertThat(answer).isCompletedWithValue(false);
  }

  @Test
  void aFailedListingIsNotKept() {
    CompletableFuture<Boolean> first = listings.exists(TOPIC + "-partition-0");
    source.partitionedRequests.get(0).completeExceptionally(new IllegalStateException("503"));
    source.topicRequests.get(0).complete(List.of());
    assertThatThrownBy(first::join).isInstanceOf(CompletionException.class);

    CompletableFuture<Boolean> second = listings.exists(TOPIC + "-partition-0");
    assertThat(source.requests()).isEqualTo(4);
    source.answer(true);
    assertThat(second).isCompletedWithValue(true);
  }

  @Test
  void nonPartitionedTopicsAreLookedUpInTheTopicList() {
    CompletableFuture<Boolean> partition = listings.exists(TOPIC + "-partition-1");
    CompletableFuture<Boolean> plain = listings.exists("persistent://t/ns/plain");
    source.partitionedRequests.get(0).complete(List.of(TOPIC));
    source.topicRequests.get(0).complete(List.of("persistent://t/ns/plain"));
    assertThat(partition).isCompletedWithValue(true);
    assertThat(plain).isCompletedWithValue(true);
  }
}
