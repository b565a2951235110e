package io.georep.replicator;

import io.georep.state.Position;
import org.apache.pulsar.client.api.HashingScheme;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageRouter;
import org.apache.pulsar.client.api.TopicMetadata;
import org.apache.pulsar.client.impl.RoundRobinPartitionMessageRouterImpl;

/**
 * Which target partition a source message goes to.
 *
 * <p>When the target has as many partitions as the source (or neither is partitioned), source
 * partition i goes to target partition i: {@link #identity}. Otherwise ({@link #routed}) each
 * message is routed on its own:
 *
 * <ul>
 *   <li>a keyed message goes where Pulsar's default router would put that key on the target
 *       (Pulsar's own {@link RoundRobinPartitionMessageRouterImpl} with the default {@link
 *       HashingScheme#JavaStringHash} decides), so target consumers see each key in one partition,
 *       in order;
 *   <li>an unkeyed message goes to partition {@code entryId mod n}: round-robin by source entry, so
 *       a source batch stays together, and deterministic, so a replayed message meets the
 *       deduplication state of the partition that already holds it.
 * </ul>
 */
abstract sealed class TargetRouting {

  /** The target partition this source partition maps to, -1 for a non-partitioned target. */
  static TargetRouting identity(int targetPartition) {
    return new Identity(targetPartition);
  }

  /** Routes every message among {@code partitions} target partitions. */
  static TargetRouting routed(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
    }
    return new Routed(partitions);
  }

  /** Whether each message is routed among several target partitions. */
  abstract boolean isRouted();

  /** The target partitions this source partition may write to, in producer order. */
  abstract int[] partitions();

  /** The index into {@link #partitions()} for this message. */
  abstract int route(Message<?> message, Position position);

  private static final class Identity extends TargetRouting {
    private final int[] partitions;

    Identity(int targetPartition) {
      this.partitions = new int[] {targetPartition};
    }

    @Override
    boolean isRouted() {
      return false;
    }

    @Override
    int[] partitions() {
      return partitions;
    }

    @Override
    int route(Message<?> message, Position position) {
      return 0;
    }

    @Override
    public String toString() {
      return "identity(" + partitions[0] + ")";
    }
  }

  private static final class Routed extends TargetRouting {
    private final int[] partitions;
    private final TopicMetadata metadata;
    private final MessageRouter keyRouter =
        new RoundRobinPartitionMessageRouterImpl(HashingScheme.JavaStringHash, 0, false, 0);

    Routed(int count) {
      this.partitions = new int[count];
      for (int i = 0; i < count; i++) {
        partitions[i] = i;
      }
      this.metadata = () -> count;
    }

    @Override
    boolean isRouted() {
      return true;
    }

    @Override
    int[] partitions() {
      return partitions;
    }

    @Override
    int route(Message<?> message, Position position) {
      if (message.hasKey()) {
        return keyRouter.choosePartition(message, metadata);
      }
      return (int) Math.floorMod(position.entryId(), (long) partitions.length);
    }

    @Override
    public String toString() {
      return "routed(" + partitions.length + ")";
    }
  }
}
