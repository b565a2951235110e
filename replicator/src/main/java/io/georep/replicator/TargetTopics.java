package io.georep.replicator;

import java.util.concurrent.CompletionStage;

/**
 * What a link needs of its target cluster's metadata before its producers connect: target topics
 * that exist with enough partitions, and deduplication on. The replicator changes no metadata
 * itself; the migrator implements this on its metadata applier, so that creating a topic, growing
 * its partitions and setting a policy go through one code path whoever asks.
 *
 * <p>Every call is idempotent and never blocks its caller. A failure carries the admin client's
 * exception as it came (a {@code PulsarAdminException}, e.g. {@code NotAuthorizedException} when
 * georep's role may not do it), or an {@link IllegalStateException} whose message names the topic
 * and what an operator can do.
 */
public interface TargetTopics {

  /**
   * Makes {@code topic} exist on the target: partitioned with at least {@code partitions} when
   * {@code partitions > 0} (a partitioned topic with fewer grows, one with more stays as it is),
   * non-partitioned when 0 (a partitioned topic of that name is left as it is). It fails when a
   * partitioned topic cannot be created: a non-partitioned topic holds its name, or topics named
   * like its partitions exist on their own.
   *
   * @return the target topic's partition count once done, 0 if it is not partitioned
   */
  CompletionStage<Integer> create(String topic, int partitions);

  /** The target topic's partition count, 0 if it is not partitioned or does not exist. */
  CompletionStage<Integer> partitions(String topic);

  /** Switches deduplication on for a target namespace (its namespace policy). */
  CompletionStage<Void> enableDeduplication(String namespace);
}
