package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReceiveQueueBudgetTest {
  private static final int MIB = 1024 * 1024;

  @Test
  void theBytesAreSharedAmongTheConsumersWithoutAFloor() {
    ReceiveQueueBudget budget = new ReceiveQueueBudget(8L * MIB);
    assertThat(budget.share()).as("before any consumer").isEqualTo(8 * MIB);
    budget.join();
    assertThat(budget.share()).isEqualTo(8 * MIB);
    budget.join();
    assertThat(budget.share()).isEqualTo(4 * MIB);
    for (int i = 2; i < 8; i++) {
      budget.join();
    }
    assertThat(budget.share()).as("eight consumers").isEqualTo(MIB);
    for (int i = 8; i < 1_000; i++) {
      budget.join();
    }
    // Was 1 MiB each, 1,000 MiB in all: the floor is now one entry, at the consumer.
    assertThat(budget.share()).as("a thousand consumers").isEqualTo(8 * MIB / 1_000);
    assertThat(1_000L * budget.share()).isLessThanOrEqualTo(budget.totalBytes());
    for (int i = 0; i < 999; i++) {
      budget.leave();
    }
    assertThat(budget.share()).as("the last one left").isEqualTo(8 * MIB);
  }

  @Test
  void aLargerBudgetIsCappedPerConsumer() {
    ReceiveQueueBudget budget = new ReceiveQueueBudget(64L * MIB);
    budget.join();
    assertThat(budget.share()).isEqualTo(8 * MIB);
    assertThatThrownBy(() -> new ReceiveQueueBudget(0)).hasMessageContaining("totalBytes");
  }

  @Test
  void theShareIsNeverZero() {
    ReceiveQueueBudget budget = new ReceiveQueueBudget(10);
    for (int i = 0; i < 100; i++) {
      budget.join();
    }
    assertThat(budget.share()).isEqualTo(1);
  }
}
