package io.georep.migrator.subscriptions;

import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.replicator.Provenance;
import io.georep.replicator.TopicLister;
import io.georep.state.Position;
import io.georep.state.PositionMap;
import io.georep.state.SourcePartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.apache.pulsar.common.policies.data.ManagedLedgerInternalStats;
import org.apache.pulsar.common.policies.data.PersistentTopicInternalStats;
import org.apache.pulsar.common.policies.data.SubscriptionStats;
import org.apache.pulsar.common.policies.data.TopicStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates the subscriptions of a link's source topics to its target: for every subscription (but
 * georep's own cursors) and every target partition, the target cursor is created or moved to where
 * the source's stands, then the individually acknowledged messages beyond it are acknowledged on
 * the target too (see {@link SubscriptionTranslator}).
 *
 * <p>Merged topics: every link of the config writing the same-named source topic into the same
 * target topic feeds it, each from its own cluster, so a subscription on the archive topic gets
 * each origin's progress. A subscription is only moved while no consumer is connected to it on the
 * target, and never backwards unless forced.
 *
 * <p>Blocking: run it from a command or a background thread, never from an actor.
 */
public final class SubscriptionSync {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionSync.class);
  private static final long RECEIVE_TIMEOUT_MS = 2_000;

  private final GeorepConfig config;
  private final LinkConfig link;
  private final PositionMap map;
  private final Function<String, PulsarAdmin> admins;
  private final Function<String, PulsarClient> clients;

  /**
   * @param admins the admin client of a cluster, by its config name
   * @param clients the binary client of a cluster, by its config name
   */
  public SubscriptionSync(
      GeorepConfig config,
      LinkConfig link,
      PositionMap map,
      Function<String, PulsarAdmin> admins,
      Function<String, PulsarClient> clients) {
    this.config = config;
    this.link = link;
    this.map = map;
    this.admins = admins;
    this.clients = clients;
  }

  /** One pass over every topic of the link's scope; {@code apply} false plans only. */
  public List<SubscriptionReport> run(boolean apply, boolean force) throws PulsarAdminException {
    PulsarAdmin targetAdmin = admins.apply(link.target());
    List<SubscriptionReport> reports = new ArrayList<>();
    Map<String, List<TopicLister.SourceTopic>> listed = new HashMap<>();
    List<TopicLister.SourceTopic> topics =
        listed.computeIfAbsent(
            link.name(),
            name ->
                new TopicLister(admins.apply(link.source()), link.name(), link.scope())
                    .list()
                    .join());
    for (TopicLister.SourceTopic topic : topics) {
      String targetTopic = link.mapping().mapTopic(topic.name());
      if (!targetExists(
          targetTopic,
          targetAdmin.topics()::getPartitionedTopicList,
          targetAdmin.topics()::getList)) {
        continue; // not replicated yet: nothing to translate into
      }
      int targetPartitions =
          targetAdmin.topics().getPartitionedTopicMetadata(targetTopic).partitions;
      List<FeedingTopic> feeding = feeders(targetTopic, listed);
      TreeSet<String> subscriptions = new TreeSet<>();
      for (FeedingTopic f : feeding) {
        for (SourceSide side : f.sides().values()) {
          subscriptions.addAll(side.cursors.keySet());
        }
      }
      for (String subscription : subscriptions) {
        for (int p : targetPartitionIndexes(targetPartitions)) {
          String targetPartition =
              targetPartitions == 0 ? targetTopic : targetTopic + "-partition-" + p;
          reports.add(
              syncOne(subscription, feeding, targetPartitions, p, targetPartition, apply, force));
        }
      }
    }
    return reports;
  }

  // ---- the source side ---------------------------------------------------------------------

  /** One link's source topic feeding the target topic, with its partitions' cursors. */
  private record FeedingTopic(
      LinkConfig link, int partitionCount, Map<Integer, SourceSide> sides) {}

  /** One source partition: its cursors (by subscription) and backlogs. */
  private record SourceSide(
      String topic, Map<String, CursorState> cursors, Map<String, Long> backlogs) {}

  /**
   * Every source topic writing into {@code targetTopic}: of this link, and of the config's other
   * links to the same target cluster whose mapping leads there too (merged topics).
   */
  private List<FeedingTopic> feeders(
      String targetTopic, Map<String, List<TopicLister.SourceTopic>> listed)
      throws PulsarAdminException {
    List<FeedingTopic> feeding = new ArrayList<>();
    for (LinkConfig sibling : config.links()) {
      if (!sibling.target().equals(link.target())) {
        continue;
      }
      PulsarAdmin admin = admins.apply(sibling.source());
      List<TopicLister.SourceTopic> topics =
          listed.computeIfAbsent(
              sibling.name(),
              name -> new TopicLister(admin, sibling.name(), sibling.scope()).list().join());
      for (TopicLister.SourceTopic topic : topics) {
        if (!sibling.mapping().mapTopic(topic.name()).equals(targetTopic)) {
          continue;
        }
        Map<Integer, SourceSide> sides = new LinkedHashMap<>();
        for (int p : targetPartitionIndexes(topic.partitions())) {
          String name = topic.partitions() == 0 ? topic.name() : topic.name() + "-partition-" + p;
          sides.put(p, readSide(admin, name));
        }
        feeding.add(new FeedingTopic(sibling, topic.partitions(), sides));
      }
    }
    return feeding;
  }

  private static SourceSide readSide(PulsarAdmin admin, String partition)
      throws PulsarAdminException {
    PersistentTopicInternalStats internal = admin.topics().getInternalStats(partition);
    TopicStats stats = admin.topics().getStats(partition);
    Map<String, CursorState> cursors = new HashMap<>();
    Map<String, Long> backlogs = new HashMap<>();
    if (internal.cursors != null) {
      for (Map.Entry<String, ManagedLedgerInternalStats.CursorStats> c :
          internal.cursors.entrySet()) {
        if (c.getKey().startsWith("georep-")) {
          continue; // georep's own cursors (of any link) are not the applications'
        }
        cursors.put(
            c.getKey(),
            CursorState.parse(
                c.getValue().markDeletePosition, c.getValue().individuallyDeletedMessages));
        SubscriptionStats sub = stats.getSubscriptions().get(c.getKey());
        backlogs.put(c.getKey(), sub == null ? 0 : sub.getMsgBacklog());
      }
    }
    return new SourceSide(partition, cursors, backlogs);
  }

  private static int[] targetPartitionIndexes(int partitions) {
    if (partitions == 0) {
      return new int[] {-1};
    }
    int[] indexes = new int[partitions];
    for (int i = 0; i < partitions; i++) {
      indexes[i] = i;
    }
    return indexes;
  }

  // ---- one subscription on one target partition --------------------------------------------

  private SubscriptionReport syncOne(
      String subscription,
      List<FeedingTopic> feeding,
      int targetPartitions,
      int targetIndex,
      String targetPartition,
      boolean apply,
      boolean force)
      throws PulsarAdminException {
    // Which source partitions write into this target partition, and their cursors.
    List<SubscriptionTranslator.Feeder> feeders = new ArrayList<>();
    Map<String, CursorState> byClusterAndTopic = new HashMap<>();
    List<String> sourceTopics = new ArrayList<>();
    List<String> positions = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    long sourceBacklog = 0;
    for (FeedingTopic f : feeding) {
      List<SourceSide> sides =
          f.partitionCount() == targetPartitions
              ? List.of(f.sides().get(targetIndex))
              : List.copyOf(f.sides().values());
      for (SourceSide side : sides) {
        CursorState cursor = side.cursors().get(subscription);
        if (cursor == null) {
          // Not subscribed there: everything of that origin is still to be received.
          cursor = CursorState.parse("-1:-1", null);
          notes.add(
              f.link().source()
                  + " "
                  + side.topic()
                  + " has no subscription '"
                  + subscription
                  + "': all its messages count as unacknowledged");
        } else {
          sourceBacklog += side.backlogs().getOrDefault(subscription, 0L);
        }
        feeders.add(
            new SubscriptionTranslator.Feeder(
                new SourcePartition(f.link().name(), side.topic()), cursor));
        byClusterAndTopic.put(f.link().source() + " " + side.topic(), cursor);
        sourceTopics.add(f.link().source() + ":" + side.topic());
        positions.add(SubscriptionTranslator.format(cursor.markDelete()));
      }
    }
    SubscriptionTranslator.Translation translation =
        SubscriptionTranslator.translate(map, targetIndex, feeders);
    notes.addAll(translation.notes());
    String targetPosition =
        translation.resetTo().map(SubscriptionTranslator::format).orElse("earliest");
    long backlogOnSource = sourceBacklog;
    java.util.function.BiFunction<String, long[], SubscriptionReport> report =
        (what, counts) ->
            new SubscriptionReport(
                subscription,
                List.copyOf(sourceTopics),
                String.join(",", positions),
                backlogOnSource,
                targetPartition,
                targetPosition,
                counts[0],
                counts[1],
                what,
                List.copyOf(notes));
    long[] nothingApplied = {0, -1};

    PulsarAdmin targetAdmin = admins.apply(link.target());
    TopicStats targetStats = targetAdmin.topics().getStats(targetPartition);
    SubscriptionStats existing = targetStats.getSubscriptions().get(subscription);
    String action;
    if (existing != null && !existing.getConsumers().isEmpty()) {
      notes.add(
          "skipped: "
              + existing.getConsumers().size()
              + " consumer(s) connected on the target; the subscription moves only while none is");
      return report.apply("skipped", nothingApplied);
    }
    // A target cursor at or beyond the translated position is not moved back (unless forced):
    // its consumers may have gone further, or an earlier sync acknowledged that far. The
    // acknowledgements by provenance still apply: they only ever move forward.
    boolean keep =
        existing != null
            && !force
            && isAtOrBeyond(targetAdmin, targetPartition, subscription, translation);
    if (!apply) {
      String planned = existing == null ? "would-create" : keep ? "would-keep" : "would-move";
      return report.apply(planned, nothingApplied);
    }
    MessageId start =
        translation
            .resetTo()
            .<MessageId>map(p -> new MessageIdImpl(p.ledgerId(), p.entryId(), -1))
            .orElse(MessageId.earliest);
    if (existing == null) {
      try {
        targetAdmin.topics().createSubscription(targetPartition, subscription, start);
      } catch (PulsarAdminException.ConflictException e) {
        // Created since the stats were read (metadata sync creates subscriptions too, and a
        // consumer connecting does): not a failure; the next sync finds it and places it.
        notes.add(
            "created on the target meanwhile (by metadata sync or a consumer); placed at the next"
                + " sync");
        return report.apply("skipped", nothingApplied);
      }
      action = "created";
    } else if (!keep) {
      targetAdmin.topics().resetCursor(targetPartition, subscription, start);
      action = "moved";
    } else {
      action = "kept";
    }
    long acknowledged =
        acknowledgeByProvenance(targetPartition, subscription, translation, byClusterAndTopic);
    long targetBacklog =
        Optional.ofNullable(
                targetAdmin.topics().getStats(targetPartition).getSubscriptions().get(subscription))
            .map(SubscriptionStats::getMsgBacklog)
            .orElse(-1L);
    return report.apply(action, new long[] {acknowledged, targetBacklog});
  }

  /** Whether the target cursor already stands where the translation would put it, or beyond. */
  private static boolean isAtOrBeyond(
      PulsarAdmin admin,
      String targetPartition,
      String subscription,
      SubscriptionTranslator.Translation translation)
      throws PulsarAdminException {
    ManagedLedgerInternalStats.CursorStats cursor =
        admin.topics().getInternalStats(targetPartition).cursors.get(subscription);
    if (cursor == null) {
      return false;
    }
    CursorState current =
        CursorState.parse(cursor.markDeletePosition, cursor.individuallyDeletedMessages);
    if (translation.resetTo().isEmpty()) {
      return current.markDelete().entryId() >= 0 || !current.deleted().isEmpty();
    }
    Position to = translation.resetTo().get();
    // A reset leaves the mark-delete just before the entry of resetTo.
    Position after = current.markDelete();
    return CursorState.compareEntry(to.ledgerId(), to.entryId(), after) <= 0
        || (to.ledgerId() == after.ledgerId() && to.entryId() == after.entryId() + 1);
  }

  /**
   * Reads the target partition from the cursor's new position up to the translation's bound and
   * acknowledges each message its source subscription acknowledged, found by its provenance.
   * Messages without provenance, or from sources outside this config, stay unacknowledged.
   */
  private long acknowledgeByProvenance(
      String targetPartition,
      String subscription,
      SubscriptionTranslator.Translation translation,
      Map<String, CursorState> cursors)
      throws PulsarAdminException {
    if (translation.replayUntil().isEmpty()) {
      return 0;
    }
    Position bound = translation.replayUntil().get();
    long acknowledged = 0;
    try (Consumer<byte[]> consumer =
        clients
            .apply(link.target())
            .newConsumer(Schema.BYTES)
            .topic(targetPartition)
            .subscriptionName(subscription)
            .subscriptionType(SubscriptionType.Exclusive)
            .enableBatchIndexAcknowledgment(true)
            .receiverQueueSize(1000)
            .subscribe()) {
      while (true) {
        Message<byte[]> m = consumer.receive((int) RECEIVE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (m == null) {
          break;
        }
        MessageIdAdv id = (MessageIdAdv) m.getMessageId();
        if (CursorState.compareEntry(id.getLedgerId(), id.getEntryId(), bound) > 0) {
          break;
        }
        Provenance source = Provenance.of(m).orElse(null);
        CursorState cursor =
            source == null
                ? null
                : cursors.get(source.sourceCluster() + " " + source.sourceTopic());
        if (cursor != null && cursor.isAcknowledged(source.sourcePosition())) {
          consumer.acknowledge(m);
          acknowledged++;
        }
      }
    } catch (PulsarClientException e) {
      throw new IllegalStateException(
          "cannot acknowledge on "
              + targetPartition
              + " for subscription '"
              + subscription
              + "': "
              + e.getMessage(),
          e);
    }
    log.debug("{} {}: acknowledged {} by provenance", targetPartition, subscription, acknowledged);
    return acknowledged;
  }

  /** The topics of a namespace, as one of the admin client's listings answers them. */
  @FunctionalInterface
  interface NamespaceListing {
    List<String> topics(String namespace) throws PulsarAdminException;
  }

  /**
   * Whether {@code topic} exists, partitioned or not. A namespace the target does not have (404)
   * has no topic; any other failure (refused, unreachable) is no answer and fails the sync, naming
   * the topic, rather than passing for a topic not replicated yet.
   */
  static boolean targetExists(
      String topic, NamespaceListing partitionedTopics, NamespaceListing allTopics)
      throws PulsarAdminException {
    String namespace = org.apache.pulsar.common.naming.TopicName.get(topic).getNamespace();
    try {
      return partitionedTopics.topics(namespace).contains(topic)
          || allTopics.topics(namespace).contains(topic);
    } catch (PulsarAdminException.NotFoundException e) {
      return false;
    } catch (PulsarAdminException e) {
      throw new PulsarAdminException(
          "cannot tell whether "
              + topic
              + " exists on the target: listing the"
              + " topics of namespace "
              + namespace
              + " failed ("
              + e.getMessage()
              + "); check that the target answers and that georep's role may list them",
          e);
    }
  }
}
