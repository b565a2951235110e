package io.georep.replicator;

import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.common.policies.data.PersistentTopicInternalStats;

/**
 * How a {@link PartitionReplicator} reaches its clusters: the real one is {@link
 * PulsarPipelineConnector}; tests give fakes.
 */
interface PipelineConnector {

  /** Whether the source partition still exists. */
  CompletableFuture<Boolean> sourceExists();

  /**
   * Subscribes to the source and creates the target's producers. {@code checkpointed}: the
   * partition has a checkpoint (a new subscription starting at a timestamp seeks to it only without
   * one). A failure leaves nothing open.
   */
  CompletableFuture<Pipeline<?>> connect(boolean checkpointed);

  /** The source partition's internal stats: its ledgers and its cursors. */
  CompletableFuture<PersistentTopicInternalStats> sourceStats();
}
