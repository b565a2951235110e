package io.georep.cli;

import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.daemon.ExitCodes;
import io.georep.daemon.OperationFailedException;
import io.georep.daemon.Plural;
import io.georep.state.Checkpoint;
import io.georep.state.SourcePartition;
import io.georep.state.StateStore;
import io.georep.state.StateStoreException;
import io.georep.state.StateStoreLockedException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code georep state reset}: forgets what the state store holds for one source topic of a link
 * (its checkpoint, sequence anchors and position map), so that the next start resumes it from
 * georep's cursor on the source. For a checkpoint that cannot be read (the partition shows a {@code
 * state} error naming it) or a state that belongs to another source.
 */
@Command(
    name = "reset",
    mixinStandardHelpOptions = true,
    description = {
      "Forgets the checkpoint, sequence anchors and position map of one source topic of a link:",
      "the next start resumes it from georep's cursor on the source (georep-<link>). What the",
      "target acknowledged after the cursor's position may arrive there again; subscription",
      "translation of that topic has no history until it has forwarded again.",
      "A partitioned topic resets all of its partitions. The daemon must be stopped."
    })
final class StateResetCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Mixin LinkOption linkOption;

  @Option(
      names = {"-t", "--topic"},
      required = true,
      paramLabel = "TOPIC",
      description = "The source topic (persistent://tenant/namespace/topic), or one partition.")
  String topic;

  @Option(names = "--dry-run", description = "Print what would be forgotten, change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    GeorepConfig loaded = config.load();
    LinkConfig link = linkOption.in(loaded, config, spec.commandLine());
    PrintWriter out = spec.commandLine().getOut();
    try (StateStore store = open(loaded)) {
      List<SourcePartition> partitions = partitionsOf(store, link.name());
      if (partitions.isEmpty()) {
        out.println(
            "Link "
                + link.name()
                + " has no state for "
                + topic
                + " (nothing to reset; name one partition if its checkpoint cannot be read).");
        return ExitCodes.OK;
      }
      for (SourcePartition partition : partitions) {
        out.println(
            (dryRun ? "Would reset " : "Reset ")
                + partition.topic()
                + ": "
                + describe(store, partition));
        if (!dryRun) {
          store.positionMap().deleteAll(partition);
          store.checkpoints().delete(partition);
        }
      }
      out.println(
          dryRun
              ? "Nothing changed (--dry-run)."
              : "The next start resumes "
                  + (partitions.size() == 1 ? "it" : "them")
                  + " from the cursor georep-"
                  + link.name()
                  + " on "
                  + link.source()
                  + ".");
      out.flush();
      return ExitCodes.OK;
    } catch (StateStoreException e) {
      throw new OperationFailedException("state reset failed: " + e.getMessage(), e);
    }
  }

  private static StateStore open(GeorepConfig config) {
    try {
      return StateStore.open(config.state().dir());
    } catch (StateStoreLockedException e) {
      throw new OperationFailedException(
          "the state directory "
              + config.state().dir()
              + " is in use, by a running daemon: stop it first, so that the reset does not race"
              + " the partition's own writes",
          e);
    }
  }

  /** The partitions of the named topic that the link has a checkpoint for, or the one named. */
  private List<SourcePartition> partitionsOf(StateStore store, String link) {
    SourcePartition named = new SourcePartition(link, topic);
    List<SourcePartition> found = new ArrayList<>();
    try {
      if (store.checkpoints().get(named).isPresent()) {
        found.add(named);
        return found;
      }
    } catch (StateStoreException unreadable) {
      found.add(named); // exactly what a reset is for
      return found;
    }
    for (SourcePartition partition : store.checkpoints().all(link).keySet()) {
      if (partition.topic().startsWith(topic + "-partition-")) {
        found.add(partition);
      }
    }
    return found;
  }

  private static String describe(StateStore store, SourcePartition partition) {
    String checkpoint;
    try {
      checkpoint =
          store
              .checkpoints()
              .get(partition)
              .map(StateResetCommand::describe)
              .orElse("no checkpoint");
    } catch (StateStoreException e) {
      checkpoint = "an unreadable checkpoint (" + e.getMessage() + ")";
    }
    int anchors;
    try {
      anchors = store.checkpoints().anchors(partition).size();
    } catch (StateStoreException e) {
      anchors = -1;
    }
    return checkpoint
        + (anchors < 0
            ? ", unreadable sequence anchors"
            : ", " + Plural.of(anchors, "sequence anchor"))
        + ", its position map";
  }

  private static String describe(Checkpoint c) {
    return "checkpoint at "
        + c.source().ledgerId()
        + ":"
        + c.source().entryId()
        + ":"
        + c.source().batchIndex()
        + " ("
        + Plural.of(c.forwardedCount(), "message")
        + " forwarded)";
  }
}
