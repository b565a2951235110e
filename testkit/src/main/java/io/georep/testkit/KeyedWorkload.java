package io.georep.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;

/**
 * Produces keyed messages with properties to a set of topics and remembers exactly which ones the
 * broker acknowledged, so that a {@link ReplicationVerifier} can check the target against it.
 *
 * <p>Each message carries key {@code k-<n>}, properties {@code seq} (per topic and key, from 0) and
 * {@code workload}, and a payload naming topic, key and seq, padded to the requested size.
 */
public final class KeyedWorkload implements AutoCloseable {
  public static final String SEQ = "seq";
  public static final String WORKLOAD = "workload";

  private final PulsarClient client;
  private final String name;
  private final int keys;
  private final int payloadSize;
  private final List<Producer<byte[]>> producers = new ArrayList<>();
  private final List<String> topics;
  // topic -> key -> sequence numbers the broker acknowledged
  private final Map<String, Map<String, BitSet>> acked = new ConcurrentHashMap<>();
  private final Map<String, long[]> nextSeq = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong ackedCount = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Semaphore window = new Semaphore(2000);
  private long counter;

  public KeyedWorkload(
      PulsarClient client, String name, List<String> topics, int keys, int payloadSize)
      throws PulsarClientException {
    this.client = client;
    this.name = name;
    this.topics = List.copyOf(topics);
    this.keys = keys;
    this.payloadSize = payloadSize;
    for (String topic : topics) {
      producers.add(
          client
              .newProducer(Schema.BYTES)
              .topic(topic)
              .enableBatching(true)
              .batchingMaxPublishDelay(1, TimeUnit.MILLISECONDS)
              .blockIfQueueFull(true)
              .create());
      acked.put(topic, new ConcurrentHashMap<>());
      nextSeq.put(topic, new long[keys]);
    }
  }

  /** Sends the next message round-robin over the topics; blocks when 2,000 are unacknowledged. */
  public void sendNext() throws InterruptedException {
    int topicIndex = (int) (counter % topics.size());
    int keyIndex = (int) ((counter / topics.size()) % keys);
    counter++;
    String topic = topics.get(topicIndex);
    String key = "k-" + keyIndex;
    long seq = nextSeq.get(topic)[keyIndex]++;
    window.acquire();
    sent.incrementAndGet();
    producers
        .get(topicIndex)
        .newMessage()
        .key(key)
        .property(SEQ, Long.toString(seq))
        .property(WORKLOAD, name)
        .value(payload(topic, key, seq))
        .sendAsync()
        .whenComplete(
            (id, err) -> {
              // Recorded before the window slot is released: flush() then sees every ack.
              if (err != null) {
                failed.incrementAndGet();
              } else {
                BitSet seqs = acked.get(topic).computeIfAbsent(key, k -> new BitSet());
                synchronized (seqs) {
                  seqs.set((int) seq);
                }
                ackedCount.incrementAndGet();
              }
              window.release();
            });
  }

  /** Sends {@code count} messages and waits until the broker acknowledged all of them. */
  public void send(long count) throws InterruptedException, PulsarClientException {
    for (long i = 0; i < count; i++) {
      sendNext();
    }
    flush();
  }

  public void flush() throws PulsarClientException, InterruptedException {
    for (Producer<byte[]> p : producers) {
      p.flush();
    }
    window.acquire(2000);
    window.release(2000);
  }

  byte[] payload(String topic, String key, long seq) {
    return pad(topic + "|" + key + "|" + seq + "|", payloadSize);
  }

  static byte[] pad(String text, int size) {
    byte[] head = text.getBytes(StandardCharsets.UTF_8);
    if (head.length >= size) {
      return head;
    }
    byte[] out = new byte[size];
    System.arraycopy(head, 0, out, 0, head.length);
    for (int i = head.length; i < size; i++) {
      out[i] = (byte) ('a' + (i % 26));
    }
    return out;
  }

  public List<String> topics() {
    return topics;
  }

  public String name() {
    return name;
  }

  public long sent() {
    return sent.get();
  }

  public long acknowledged() {
    return ackedCount.get();
  }

  public long failed() {
    return failed.get();
  }

  /** A copy of what the broker acknowledged: topic -> key -> sequence numbers. */
  public Map<String, Map<String, BitSet>> acknowledgedByKey() {
    Map<String, Map<String, BitSet>> copy = new java.util.HashMap<>();
    acked.forEach(
        (topic, byKey) -> {
          Map<String, BitSet> keysCopy = new java.util.HashMap<>();
          byKey.forEach(
              (key, seqs) -> {
                synchronized (seqs) {
                  keysCopy.put(key, (BitSet) seqs.clone());
                }
              });
          copy.put(topic, keysCopy);
        });
    return copy;
  }

  PulsarClient client() {
    return client;
  }

  @Override
  public void close() {
    for (Producer<byte[]> p : producers) {
      p.closeAsync();
    }
  }
}
