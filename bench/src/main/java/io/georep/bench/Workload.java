package io.georep.bench;

import java.util.List;

/**
 * What the load generator writes: messages of one size, batched by the producer, to one
 * non-partitioned topic ({@code partitions} 0) or one partitioned topic.
 */
record Workload(String id, String label, int messageBytes, int partitions) {

  /** The four workloads of the issue: 1 KB and 100 B, one topic and one 8-partition topic. */
  static final List<Workload> ALL =
      List.of(
          new Workload("1kb-1", "1 KB, 1 topic", 1024, 0),
          new Workload("1kb-8", "1 KB, 8 partitions", 1024, 8),
          new Workload("100b-1", "100 B, 1 topic", 100, 0),
          new Workload("100b-8", "100 B, 8 partitions", 100, 8));

  Workload {
    if (messageBytes < Payloads.HEADER_BYTES || partitions < 0) {
      throw new IllegalArgumentException("bad workload " + id);
    }
  }

  boolean kilobyte() {
    return messageBytes >= 1024;
  }

  static Workload byId(String id) {
    return ALL.stream()
        .filter(w -> w.id().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown workload '"
                        + id
                        + "'; known: "
                        + ALL.stream().map(Workload::id).toList()));
  }
}
