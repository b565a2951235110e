package io.georep.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;

/**
 * Writes the workload into one source topic: a backlog of a given size, or a stream at full speed
 * or at a fixed rate, from a thread of its own. One producer with batching on (Pulsar's defaults:
 * up to 1 ms and 1,000 messages per batch), round-robin over partitions; it blocks when 10,000
 * messages wait for the broker. Sequence numbers start at 0 per topic.
 */
final class LoadGenerator implements AutoCloseable {
  private final Producer<byte[]> producer;
  private final int size;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private long sequence;
  private volatile boolean running;
  // Publish latencies (send to the source's acknowledgement): the source broker's write as every
  // contender's load sees it. Added by the client's callback thread.
  private final DurationSamples publishLatencies = new DurationSamples();
  private Thread thread;

  LoadGenerator(PulsarClient client, String topic, int size) {
    this.size = size;
    try {
      this.producer =
          client
              .newProducer(Schema.BYTES)
              .topic(topic)
              .enableBatching(true)
              .batchingMaxPublishDelay(1, TimeUnit.MILLISECONDS)
              .batchingMaxMessages(1000)
              .blockIfQueueFull(true)
              .maxPendingMessages(10_000)
              .maxPendingMessagesAcrossPartitions(10_000)
              .sendTimeout(0, TimeUnit.SECONDS)
              .create();
    } catch (PulsarClientException e) {
      throw new IllegalStateException("cannot create a producer on " + topic + ": " + e, e);
    }
  }

  /** Writes {@code count} messages as fast as the broker takes them; returns when all are acked. */
  void backlog(long count) {
    CompletableFuture<?> last = CompletableFuture.completedFuture(null);
    for (long i = 0; i < count; i++) {
      last = send();
    }
    producer.flushAsync().join();
    last.join();
    failIfFailed();
  }

  /** Sends from a thread of its own, as fast as the producer accepts, until {@link #stop()}. */
  void startFullSpeed() {
    start(
        () -> {
          while (running) {
            send();
          }
        });
  }

  /** Sends {@code perSecond} messages a second, in a burst every millisecond, until stopped. */
  void startPaced(double perSecond) {
    start(
        () -> {
          long start = System.nanoTime();
          while (running) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond);
            while (sequence < due && running) {
              send();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          }
        });
  }

  private void start(Runnable loop) {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    running = true;
    thread = new Thread(loop, "georep-bench-load");
    thread.setDaemon(true);
    thread.start();
  }

  private CompletableFuture<?> send() {
    long sentNanos = System.nanoTime();
    byte[] payload = Payloads.create(size, sequence++, sentNanos);
    return producer
        .newMessage()
        .value(payload)
        .sendAsync()
        .whenComplete(
            (id, err) -> {
              if (err != null) {
                failure.compareAndSet(null, err);
              } else {
                acknowledged.incrementAndGet();
                publishLatencies.add(System.nanoTime() - sentNanos);
              }
            });
  }

  /** Starts or stops recording publish latencies; starting discards what was recorded. */
  void recordPublishLatencies(boolean on) {
    publishLatencies.record(on);
  }

  /** The publish latencies recorded (send to the source's acknowledgement), in ns, sorted. */
  long[] sortedPublishLatencies() {
    return publishLatencies.sorted();
  }

  /** Stops sending and waits for the sending thread. */
  void stop() {
    running = false;
    if (thread != null) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  long sent() {
    return sequence;
  }

  long acknowledged() {
    return acknowledged.get();
  }

  private void failIfFailed() {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("the source refused a message: " + t, t);
    }
  }

  @Override
  public void close() {
    stop();
    producer.closeAsync();
  }
}
