package io.georep.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.daemon.ExitCodes;
import io.georep.daemon.Json;
import io.georep.daemon.OperationFailedException;
import io.georep.migrator.subscriptions.SubscriptionReport;
import io.georep.migrator.subscriptions.SubscriptionSync;
import io.georep.replicator.ClusterConnections;
import io.georep.state.StateStore;
import io.georep.state.StateStoreException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.pulsar.client.admin.PulsarAdminException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code georep sync subscriptions}: translates the subscriptions of a link's source topics to its
 * target, from the position map the daemon records.
 */
@Command(
    name = "subscriptions",
    mixinStandardHelpOptions = true,
    description = {
      "Moves each subscription on the link's target topics to where it stands on the source:",
      "the mark-delete position through the position map, then each individually acknowledged",
      "message by its provenance. A subscription with consumers connected on the target is left",
      "alone; one already further is not moved back unless --force. Reads the daemon's state",
      "directory (read-only, the daemon may run). How it works: docs/subscription-translation.md."
    })
final class SyncSubscriptionsCommand implements Callable<Integer> {

  enum Output {
    TABLE,
    JSON
  }

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Mixin LinkOption linkOption;

  @Option(names = "--dry-run", description = "Print the translation without changing the target.")
  boolean dryRun;

  @Option(names = "--force", description = "Move target subscriptions back too.")
  boolean force;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "table|json",
      defaultValue = "table",
      description = "A table for people (the default) or JSON.")
  Output output;

  @Override
  public Integer call() {
    GeorepConfig loaded = config.load();
    LinkConfig link = linkOption.in(loaded, config, spec.commandLine());
    List<SubscriptionReport> reports;
    try (StateStore store = openState(loaded);
        ClusterConnections clusters = new ClusterConnections(loaded)) {
      reports =
          new SubscriptionSync(loaded, link, store.positionMap(), clusters::admin, clusters::client)
              .run(!dryRun, force);
    } catch (PulsarAdminException e) {
      throw new OperationFailedException(
          "subscription sync of link " + linkOption.name + " failed: " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (output) {
      case JSON -> out.println(json(reports).toPrettyString());
      case TABLE -> printTable(out, reports);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static StateStore openState(GeorepConfig config) {
    try {
      return StateStore.openReadOnly(config.state().dir());
    } catch (StateStoreException e) {
      throw new OperationFailedException(
          "cannot read georep's state at "
              + config.state().dir()
              + " (has the daemon replicated this link?): "
              + e.getMessage(),
          e);
    }
  }

  private void printTable(PrintWriter out, List<SubscriptionReport> reports) {
    if (reports.isEmpty()) {
      out.println("No subscriptions to translate on link " + linkOption.name + ".");
      return;
    }
    Table table =
        new Table(
                "SUBSCRIPTION",
                "TARGET TOPIC",
                "SOURCE POSITION",
                "TARGET POSITION",
                "BEHIND",
                "ACKED",
                "ACTION",
                "EXACT")
            .rightAlign(4, 5);
    for (SubscriptionReport r : reports) {
      table.row(
          r.subscription(),
          r.targetTopic(),
          r.sourcePosition(),
          r.targetPosition(),
          String.format(Locale.ROOT, "%,d", r.sourceBacklog()),
          String.format(Locale.ROOT, "%,d", r.acknowledged()),
          r.action(),
          r.exact() ? "yes" : "no");
    }
    table.print(out);
    for (SubscriptionReport r : reports) {
      for (String note : r.notes()) {
        out.println("  " + r.subscription() + " " + r.targetTopic() + ": " + note);
      }
    }
    if (dryRun) {
      out.println("Dry run: nothing changed on the target.");
    }
  }

  private static ObjectNode json(List<SubscriptionReport> reports) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode items = root.putArray("subscriptions");
    for (SubscriptionReport r : reports) {
      ObjectNode item = items.addObject();
      item.put("subscription", r.subscription());
      ArrayNode sources = item.putArray("sourceTopics");
      r.sourceTopics().forEach(sources::add);
      item.put("sourcePosition", r.sourcePosition());
      item.put("sourceBacklog", r.sourceBacklog());
      item.put("targetTopic", r.targetTopic());
      item.put("targetPosition", r.targetPosition());
      item.put("acknowledged", r.acknowledged());
      item.put("targetBacklog", r.targetBacklog());
      item.put("action", r.action());
      item.put("exact", r.exact());
      ArrayNode notes = item.putArray("notes");
      r.notes().forEach(notes::add);
    }
    return root;
  }
}
