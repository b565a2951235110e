package io.georep.replicator;

import io.georep.state.CheckpointStore;
import io.georep.state.PositionMap;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.impl.GuardedProducer;

/** What one {@link PartitionReplicator} talks to; shared, thread-safe. */
public record PartitionResources(
    PulsarClient source,
    PulsarAdmin sourceAdmin,
    SourceListings sourceListings,
    PulsarClient target,
    CheckpointStore checkpoints,
    PositionMap positionMap,
    PartitionReplicatorMetrics metrics,
    LinkFlowControl flow,
    ReceiveQueueBudget receiveQueues,
    GuardedProducer.Watcher targetWatcher,
    java.util.function.BooleanSupplier linkPaused) {}
