package io.georep.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.daemon.ExitCodes;
import io.georep.daemon.Json;
import io.georep.daemon.OperationFailedException;
import io.georep.daemon.Plural;
import io.georep.migrator.ApplyResult;
import io.georep.migrator.MetadataPlan;
import io.georep.migrator.MetadataSync;
import io.georep.migrator.MetadataSyncException;
import io.georep.migrator.PlanItem;
import io.georep.migrator.PlanOptions;
import io.georep.migrator.SyncAction;
import io.georep.migrator.SyncProgress;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code georep sync metadata}: plans (and with {@code --apply} carries out) making a link's target
 * hold the tenants, namespaces, policies, grants, topics, subscriptions and schemas of its source.
 */
@Command(
    name = "metadata",
    mixinStandardHelpOptions = true,
    description = {
      "Compares the tenants, namespaces and their policies, grants, topics, partitions,",
      "topic policies, subscriptions and schemas in a link's scope with its target, and prints",
      "the plan: CREATE, UPDATE, CONFLICT, ONLY_ON_TARGET. --apply carries out the creates and",
      "updates; conflicts only when --overwrite names them, deletions only with --mirror-deletes.",
      "What is synced and what is not: docs/metadata-sync.md."
    })
final class SyncMetadataCommand implements Callable<Integer> {
  private static final int TABLE_VALUE_WIDTH = 64;

  enum Output {
    TABLE,
    JSON
  }

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Mixin LinkOption linkOption;

  @Option(names = "--apply", description = "Carry out the plan (by default it is only printed).")
  boolean apply;

  @Option(
      names = "--overwrite",
      paramLabel = "OBJECT",
      split = ",",
      description = {
        "Overwrite these conflicts: 'all'; an object's target name (sales/orders,",
        "persistent://sales/orders/events, tenant:sales); an aspect everywhere",
        "(policy:retention, grant:alice, subscription-grant:billing); or both",
        "(sales/orders#policy:retention). Repeatable."
      })
  List<String> overwrite = new ArrayList<>();

  @Option(
      names = "--mirror-deletes",
      description = {
        "Delete topics, subscriptions and grants that only the target has.",
        "Never tenants or namespaces; never a topic a georep link writes to."
      })
  boolean mirrorDeletes;

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
    PlanOptions options;
    try {
      options = PlanOptions.of(overwrite, mirrorDeletes);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    SyncProgress progress = ConsoleProgress.forStandardError(spec.commandLine().getErr());
    try (MetadataSync sync = MetadataSync.open(loaded, link)) {
      MetadataPlan plan = sync.plan(options, progress);
      List<ApplyResult> results = apply ? sync.apply(plan, progress) : null;
      switch (output) {
        case JSON -> out.println(json(plan, results).toPrettyString());
        case TABLE -> printTables(out, plan, results);
      }
      out.flush();
      boolean failed =
          results != null
              && results.stream().anyMatch(r -> r.outcome() == ApplyResult.Outcome.FAILED);
      return failed ? ExitCodes.FAILURE : ExitCodes.OK;
    } catch (MetadataSyncException e) {
      throw new OperationFailedException(e.getMessage(), e);
    }
  }

  private void printTables(PrintWriter out, MetadataPlan plan, List<ApplyResult> results) {
    Map<SyncAction, Integer> counts = plan.counts();
    out.println(
        "Metadata plan for link "
            + plan.link()
            + " ("
            + plan.source()
            + " -> "
            + plan.target()
            + "): "
            + counts.get(SyncAction.CREATE)
            + " create, "
            + counts.get(SyncAction.UPDATE)
            + " update, "
            + Plural.of(counts.get(SyncAction.CONFLICT), "conflict")
            + ", "
            + counts.get(SyncAction.ONLY_ON_TARGET)
            + " only on target");
    if (plan.inSync()) {
      out.println("The target agrees with the source on everything in scope.");
      return;
    }
    Table table = new Table("ACTION", "WHAT", "OBJECT", "SOURCE", "TARGET", "APPLY", "NOTE");
    for (PlanItem item : plan.items()) {
      table.row(
          item.action(),
          item.what(),
          item.object(),
          abbreviate(item.source()),
          abbreviate(item.target()),
          item.willApply() ? "yes" : "no",
          item.note().isEmpty() ? null : item.note());
    }
    table.print(out);
    if (results == null) {
      out.println(
          Plural.of(plan.toApply().size(), "item")
              + " would be applied; run again with --apply to carry them out.");
      return;
    }
    long applied = count(results, ApplyResult.Outcome.APPLIED);
    long skipped = count(results, ApplyResult.Outcome.SKIPPED);
    long failed = count(results, ApplyResult.Outcome.FAILED);
    out.println();
    out.println("Applied " + applied + ", skipped " + skipped + ", failed " + failed + ".");
    for (ApplyResult result : results) {
      if (result.outcome() != ApplyResult.Outcome.APPLIED) {
        out.println(
            "  "
                + result.outcome()
                + " "
                + result.item().what()
                + " "
                + result.item().object()
                + ": "
                + result.message());
      }
    }
  }

  private static long count(List<ApplyResult> results, ApplyResult.Outcome outcome) {
    return results.stream().filter(r -> r.outcome() == outcome).count();
  }

  private static ObjectNode json(MetadataPlan plan, List<ApplyResult> results) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("link", plan.link());
    root.put("source", plan.source());
    root.put("target", plan.target());
    ObjectNode counts = root.putObject("counts");
    plan.counts().forEach((action, count) -> counts.put(action.name(), count));
    ArrayNode items = root.putArray("items");
    for (PlanItem item : plan.items()) {
      ObjectNode node = items.addObject();
      node.put("action", item.action().name());
      node.put("kind", item.kind().name());
      node.put("object", item.object());
      node.put("aspect", item.aspect());
      node.put("source", item.source());
      node.put("target", item.target());
      node.put("apply", item.willApply());
      node.put("note", item.note());
    }
    if (results != null) {
      ArrayNode applied = root.putArray("results");
      for (ApplyResult result : results) {
        ObjectNode node = applied.addObject();
        node.put("action", result.item().action().name());
        node.put("kind", result.item().kind().name());
        node.put("object", result.item().object());
        node.put("aspect", result.item().aspect());
        node.put("outcome", result.outcome().name());
        node.put("message", result.message());
      }
    }
    return root;
  }

  private static String abbreviate(String value) {
    return value.length() <= TABLE_VALUE_WIDTH
        ? value
        : value.substring(0, TABLE_VALUE_WIDTH - 3) + "...";
  }
}
