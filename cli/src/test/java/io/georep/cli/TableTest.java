package io.georep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void padsColumnsAndAlignsNumbersRight() {
    Table table =
        new Table("TOPIC", "COUNT", "NOTE")
            .rightAlign(1)
            .row("orders", "12,345", null)
            .row("a", "7", "late");

    assertThat(table.lines())
        .containsExactly(
            "TOPIC    COUNT  NOTE", //
            "orders  12,345  -",
            "a            7  late");
  }

  @Test
  void formatsLag() {
    assertThat(StatusTable.lag(0)).isEqualTo("0s");
    assertThat(StatusTable.lag(850)).isEqualTo("850ms");
    assertThat(StatusTable.lag(12_345)).isEqualTo("12.3s");
    assertThat(StatusTable.lag(245_000)).isEqualTo("4m05s");
    assertThat(StatusTable.lag(7_620_000)).isEqualTo("2h07m");
  }
}
