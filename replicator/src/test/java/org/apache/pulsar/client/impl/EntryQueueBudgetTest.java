package org.apache.pulsar.client.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EntryQueueBudgetTest {
  private static final int MIB = 1024 * 1024;

  @Test
  void theBytesAreSharedAmongTheConsumersWithinBounds() {
    EntryQueueBudget budget = new EntryQueueBudget(8L * MIB);
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
    assertThat(budget.share()).as("never below one read's worth").isEqualTo(MIB);
    for (int i = 0; i < 999; i++) {
      budget.leave();
    }
    assertThat(budget.share()).as("the last one left").isEqualTo(8 * MIB);
  }

  @Test
  void aLargerBudgetIsCappedPerConsumer() {
    EntryQueueBudget budget = new EntryQueueBudget(64L * MIB);
    budget.join();
    assertThat(budget.share()).isEqualTo(8 * MIB);
    assertThatThrownBy(() -> new EntryQueueBudget(0)).hasMessageContaining("totalBytes");
  }
}
