package io.georep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowStoreTest {

  private static final String SPEC = "{\"version\":1,\"link\":\"east-to-west\"}";

  @TempDir Path dir;

  private StateStore store;
  private WorkflowStore workflows;

  @BeforeEach
  void open() {
    store = StateStore.open(dir);
    workflows = store.workflows();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void createsAndReads() {
    Workflow created = workflows.create("m1", "migration", SPEC, "preflight", "by alice");

    assertThat(created.id()).isEqualTo("m1");
    assertThat(created.kind()).isEqualTo("migration");
    assertThat(created.spec()).isEqualTo(SPEC);
    assertThat(created.step()).isEqualTo("preflight");
    assertThat(created.finished()).isFalse();
    assertThat(created.revision()).isEqualTo(1);
    assertThat(created.updatedAt()).isEqualTo(created.createdAt());
    assertThat(workflows.get("m1")).contains(created);
    assertThat(workflows.get("m2")).isEmpty();
    assertThat(workflows.audit("m1"))
        .containsExactly(
            new AuditEntry(
                "m1",
                1,
                created.createdAt(),
                AuditEntry.Action.CREATED,
                "preflight",
                "preflight",
                "by alice"));
  }

  @Test
  void createRefusesAnIdInUse() {
    workflows.create("m1", "migration", SPEC, "preflight", "");

    assertThatThrownBy(() -> workflows.create("m1", "failover", "{}", "stop", ""))
        .isInstanceOfSatisfying(
            WorkflowConflictException.class, e -> assertThat(e.workflowId()).isEqualTo("m1"))
        .hasMessageContaining("cannot create workflow 'm1'")
        .hasMessageContaining("exists in state directory " + store.directory())
        .hasMessageContaining("migration, at step 'preflight'");
    assertThat(workflows.get("m1"))
        .hasValueSatisfying(w -> assertThat(w.kind()).isEqualTo("migration"));
    assertThat(workflows.audit("m1")).hasSize(1);
  }

  @Test
  void listsAllByKindAndUnfinished() {
    Workflow b = workflows.create("b", "migration", SPEC, "preflight", "");
    Workflow a = workflows.create("a", "failover", "{}", "stop-link", "");
    workflows.create("c", "migration", SPEC, "preflight", "");
    Workflow c = workflows.finish("c", "preflight", "abandoned", "operator gave up");

    assertThat(workflows.list()).containsExactly(a, b, c);
    assertThat(workflows.list("migration")).containsExactly(b, c);
    assertThat(workflows.list("cleanup")).isEmpty();
    assertThat(workflows.unfinished()).containsExactly(a, b);
  }

  @Test
  void listsNothingInAFreshStore() {
    assertThat(workflows.list()).isEmpty();
    assertThat(workflows.unfinished()).isEmpty();
    assertThat(workflows.audit("none")).isEmpty();
  }

  @Test
  void idsThatArePrefixesOfOthersKeepTheirOwnAuditLog() {
    workflows.create("m", "migration", SPEC, "one", "");
    workflows.create("m1", "migration", SPEC, "one", "");
    workflows.advance("m1", "one", "two", "");

    assertThat(workflows.audit("m")).extracting(AuditEntry::workflowId).containsExactly("m");
    assertThat(workflows.audit("m1")).extracting(AuditEntry::sequence).containsExactly(1L, 2L);
  }

  @Test
  void advanceMovesTheStepAndWritesTheAuditEntry() {
    Workflow created = workflows.create("m1", "migration", SPEC, "preflight", "");

    Workflow advanced =
        workflows.advance("m1", "preflight", "metadata-sync", "{\"namespaces\":3,\"ok\":true}");

    assertThat(advanced.step()).isEqualTo("metadata-sync");
    assertThat(advanced.revision()).isEqualTo(2);
    assertThat(advanced.finished()).isFalse();
    assertThat(advanced.spec()).isEqualTo(SPEC);
    assertThat(advanced.createdAt()).isEqualTo(created.createdAt());
    assertThat(advanced.updatedAt()).isAfterOrEqualTo(created.updatedAt());
    assertThat(workflows.get("m1")).contains(advanced);
    List<AuditEntry> log = workflows.audit("m1");
    assertThat(log).hasSize(2);
    assertThat(log.get(1))
        .isEqualTo(
            new AuditEntry(
                "m1",
                2,
                advanced.updatedAt(),
                AuditEntry.Action.ADVANCED,
                "preflight",
                "metadata-sync",
                "{\"namespaces\":3,\"ok\":true}"));
  }

  @Test
  void advanceToTheSameStepRecordsAnObservation() {
    workflows.create("m1", "migration", SPEC, "drain", "");

    Workflow same = workflows.advance("m1", "drain", "drain", "lag 40");

    assertThat(same.step()).isEqualTo("drain");
    assertThat(same.revision()).isEqualTo(2);
    assertThat(workflows.audit("m1").get(1).observation()).isEqualTo("lag 40");
  }

  @Test
  void advanceFromAStaleStepFailsAndWritesNothing() {
    workflows.create("m1", "migration", SPEC, "preflight", "");
    Workflow current = workflows.advance("m1", "preflight", "metadata-sync", "");

    assertThatThrownBy(() -> workflows.advance("m1", "preflight", "replicate", "late"))
        .isInstanceOfSatisfying(
            WorkflowConflictException.class, e -> assertThat(e.workflowId()).isEqualTo("m1"))
        .hasMessageContaining("workflow 'm1'")
        .hasMessageContaining("expected step 'preflight'")
        .hasMessageContaining("it is at step 'metadata-sync' (revision 2)")
        .hasMessageContaining("read it again")
        .hasMessageContaining(store.directory().toString());

    assertThat(workflows.get("m1")).contains(current);
    assertThat(workflows.audit("m1")).hasSize(2);
  }

  @Test
  void aFinishedWorkflowTakesNoMoreSteps() {
    workflows.create("m1", "cleanup", "{}", "delete-cursors", "");
    Workflow done = workflows.finish("m1", "delete-cursors", "done", "3 cursors deleted");

    assertThat(done.finished()).isTrue();
    assertThat(done.step()).isEqualTo("done");
    assertThat(workflows.audit("m1").get(1).action()).isEqualTo(AuditEntry.Action.FINISHED);
    assertThatThrownBy(() -> workflows.advance("m1", "done", "delete-cursors", ""))
        .isInstanceOf(WorkflowConflictException.class)
        .hasMessageContaining("workflow 'm1'")
        .hasMessageContaining("finished at step 'done'");
    assertThatThrownBy(() -> workflows.finish("m1", "done", "done", ""))
        .isInstanceOf(WorkflowConflictException.class);
    assertThat(workflows.get("m1")).contains(done);
    assertThat(workflows.audit("m1")).hasSize(2);
  }

  @Test
  void advanceOfAnUnknownWorkflowNamesIt() {
    assertThatThrownBy(() -> workflows.advance("nope", "a", "b", ""))
        .isInstanceOf(StateStoreException.class)
        .isNotInstanceOf(WorkflowConflictException.class)
        .hasMessageContaining("workflow 'nope'")
        .hasMessageContaining("no workflow with this id in state directory " + store.directory());
    assertThat(workflows.audit("nope")).isEmpty();
  }

  @Test
  void badNamesAreRefusedBeforeAnythingIsWritten() {
    assertThatThrownBy(() -> workflows.create("", "migration", SPEC, "a", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workflow id");
    assertThatThrownBy(() -> workflows.create("a\0b", "migration", SPEC, "a", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> workflows.create("x".repeat(257), "migration", SPEC, "a", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 256 bytes");
    assertThatThrownBy(() -> workflows.create("m1", "", SPEC, "a", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kind of workflow 'm1'");
    assertThatThrownBy(() -> workflows.create("m1", "migration", SPEC, "", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step of workflow 'm1'");
    workflows.create("m1", "migration", SPEC, "a", "");
    assertThatThrownBy(() -> workflows.advance("m1", "a", "", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("next step of workflow 'm1'");

    assertThat(workflows.list()).extracting(Workflow::id).containsExactly("m1");
    assertThat(workflows.audit("m1")).hasSize(1);
  }

  @Test
  void aReopenedStoreHasTheWorkflowsAndTheirAuditLog() {
    workflows.create("m1", "migration", SPEC, "preflight", "created");
    workflows.advance("m1", "preflight", "metadata-sync", "planned 4 changes");
    workflows.create("f1", "failover", "{}", "stop-link", "");
    workflows.finish("f1", "stop-link", "done", "");
    List<Workflow> before = workflows.list();
    List<AuditEntry> logBefore = workflows.audit("m1");
    store.close();

    store = StateStore.open(dir);
    workflows = store.workflows();

    assertThat(workflows.list()).isEqualTo(before);
    assertThat(workflows.audit("m1")).isEqualTo(logBefore);
    assertThat(workflows.unfinished()).extracting(Workflow::id).containsExactly("m1");
    Workflow resumed = workflows.advance("m1", "metadata-sync", "replicate", "resumed");
    assertThat(resumed.revision()).isEqualTo(3);
    assertThat(workflows.audit("m1")).extracting(AuditEntry::sequence).containsExactly(1L, 2L, 3L);
  }

  @Test
  void ofConcurrentAdvancesFromOneStepExactlyOneWins() throws Exception {
    int threads = 8;
    int rounds = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < rounds; round++) {
        String id = "race-" + round;
        workflows.create(id, "migration", SPEC, "start", "");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          String next = "step-by-" + t;
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    try {
                      return workflows.advance(id, "start", next, next).step();
                    } catch (WorkflowConflictException e) {
                      return null;
                    }
                  }));
        }
        go.countDown();
        List<String> winners = new ArrayList<>();
        for (Future<String> result : results) {
          String step = result.get(30, TimeUnit.SECONDS);
          if (step != null) {
            winners.add(step);
          }
        }

        assertThat(winners).hasSize(1);
        assertThat(workflows.get(id))
            .hasValueSatisfying(w -> assertThat(w.step()).isEqualTo(winners.get(0)));
        assertThat(workflows.audit(id))
            .hasSize(2)
            .last()
            .satisfies(e -> assertThat(e.toStep()).isEqualTo(winners.get(0)));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void writesThroughAReadOnlyStoreFail() {
    workflows.create("m1", "migration", SPEC, "preflight", "");

    try (StateStore reader = StateStore.openReadOnly(dir)) {
      assertThat(reader.workflows().get("m1")).isPresent();
      assertThat(reader.workflows().audit("m1")).hasSize(1);
      assertThatThrownBy(() -> reader.workflows().advance("m1", "preflight", "next", ""))
          .isInstanceOf(StateStoreException.class)
          .hasMessageContaining("advance workflow 'm1'")
          .hasMessageContaining("is open read-only");
    }
    assertThat(workflows.get("m1")).hasValueSatisfying(w -> assertThat(w.revision()).isEqualTo(1));
  }

  @Test
  void aDirectoryWithCheckpointsAndNoWorkflowsOpensFine() {
    SourcePartition partition = new SourcePartition("l", "persistent://t/n/a");
    Checkpoint checkpoint =
        new Checkpoint(new Position(1, 2, -1), 3, new Position(4, 5, -1), 6, 7, 8);
    store.checkpoints().putAll(Map.of(partition, checkpoint));
    store.close();

    store = StateStore.open(dir);
    workflows = store.workflows();

    assertThat(workflows.list()).isEmpty();
    assertThat(store.checkpoints().get(partition)).contains(checkpoint);
    workflows.create("m1", "migration", SPEC, "preflight", "");
    assertThat(workflows.list()).extracting(Workflow::id).containsExactly("m1");
  }

  @Test
  void operationsAfterCloseThrow() {
    store.close();

    assertThatThrownBy(() -> workflows.get("m1"))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> workflows.create("m1", "migration", SPEC, "a", ""))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("closed");
  }
}
