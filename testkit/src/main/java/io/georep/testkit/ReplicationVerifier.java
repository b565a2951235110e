package io.georep.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * Reads target topics from the earliest position and compares them with what a {@link
 * KeyedWorkload} got acknowledged on the source: missing messages, duplicates, per-key order and
 * payload content. Nothing is assumed; every figure comes from the target.
 */
public final class ReplicationVerifier {

  /** What the target holds compared with what the source acknowledged. */
  public record Report(
      long produced,
      long received,
      long missing,
      long duplicated,
      long orderViolations,
      long corrupted,
      long unexpected,
      List<String> examples) {

    /** Nothing lost, nothing out of order, nothing altered. Duplicates are counted apart. */
    public boolean intact() {
      return missing == 0 && orderViolations == 0 && corrupted == 0;
    }

    public String summary() {
      return String.format(
          "produced %,d  replicated %,d  missing %,d  duplicated %,d  order violations %,d"
              + "  corrupted %,d",
          produced, received, missing, duplicated, orderViolations, corrupted);
    }
  }

  private ReplicationVerifier() {}

  /**
   * Reads every message of the workload on the target topics.
   *
   * @param targetTopics source topic name → the target topic it is replicated to
   */
  public static Report verify(
      PulsarClient target, KeyedWorkload workload, Map<String, String> targetTopics)
      throws IOException {
    Map<String, Map<String, BitSet>> expected = workload.acknowledgedByKey();
    long produced = 0;
    long received = 0;
    long missing = 0;
    long duplicated = 0;
    long outOfOrder = 0;
    long corrupted = 0;
    long unexpected = 0;
    List<String> examples = new ArrayList<>();
    for (String sourceTopic : workload.topics()) {
      String targetTopic = targetTopics.getOrDefault(sourceTopic, sourceTopic);
      Map<String, BitSet> seen = new HashMap<>();
      Map<String, Long> highest = new HashMap<>();
      try (Reader<byte[]> reader =
          target
              .newReader(Schema.BYTES)
              .topic(targetTopic)
              .startMessageId(MessageId.earliest)
              .create()) {
        while (reader.hasMessageAvailable()) {
          Message<byte[]> m = reader.readNext(30, TimeUnit.SECONDS);
          if (m == null) {
            break;
          }
          if (!workload.name().equals(m.getProperty(KeyedWorkload.WORKLOAD))) {
            continue;
          }
          received++;
          String key = m.getKey();
          long seq = Long.parseLong(m.getProperty(KeyedWorkload.SEQ));
          if (!Arrays.equals(m.getData(), workload.payload(sourceTopic, key, seq))) {
            corrupted++;
            example(examples, "corrupted payload " + targetTopic + " " + key + "#" + seq);
          }
          BitSet keySeen = seen.computeIfAbsent(key, k -> new BitSet());
          if (keySeen.get((int) seq)) {
            duplicated++;
            continue;
          }
          long max = highest.getOrDefault(key, -1L);
          if (seq < max) {
            outOfOrder++;
            example(
                examples, "out of order " + targetTopic + " " + key + "#" + seq + " after #" + max);
          }
          highest.put(key, Math.max(max, seq));
          keySeen.set((int) seq);
          BitSet keyExpected = expected.getOrDefault(sourceTopic, Map.of()).get(key);
          if (keyExpected == null || !keyExpected.get((int) seq)) {
            unexpected++;
          }
        }
      }
      for (var entry : expected.getOrDefault(sourceTopic, Map.of()).entrySet()) {
        BitSet want = entry.getValue();
        produced += want.cardinality();
        BitSet lost = (BitSet) want.clone();
        lost.andNot(seen.getOrDefault(entry.getKey(), new BitSet()));
        if (!lost.isEmpty()) {
          missing += lost.cardinality();
          example(
              examples,
              "missing "
                  + targetTopic
                  + " "
                  + entry.getKey()
                  + " #"
                  + lost.nextSetBit(0)
                  + " ("
                  + lost.cardinality()
                  + " of that key)");
        }
      }
    }
    return new Report(
        produced, received, missing, duplicated, outOfOrder, corrupted, unexpected, examples);
  }

  private static void example(List<String> examples, String text) {
    if (examples.size() < 10) {
      examples.add(text);
    }
  }
}
