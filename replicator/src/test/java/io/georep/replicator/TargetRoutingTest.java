package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.state.Position;
import java.lang.reflect.Proxy;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;

class TargetRoutingTest {

  /** A source message with only a key (or none); routing looks at nothing else. */
  private static Message<?> message(String key) {
    return (Message<?>)
        Proxy.newProxyInstance(
            Message.class.getClassLoader(),
            new Class<?>[] {Message.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "hasKey" -> key != null;
                  case "getKey" -> key;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @Test
  void identityWritesEverythingToItsOnePartition() {
    TargetRouting routing = TargetRouting.identity(3);
    assertThat(routing.isRouted()).isFalse();
    assertThat(routing.partitions()).containsExactly(3);
    assertThat(routing.route(message("k"), new Position(1, 2, 3))).isZero();
  }

  @Test
  void keyedMessagesGoWhereTheDefaultJavaStringHashRouterPutsTheKey() {
    TargetRouting routing = TargetRouting.routed(5);
    assertThat(routing.partitions()).containsExactly(0, 1, 2, 3, 4);
    for (String key : new String[] {"a", "order-17", "customer-9931", "\u00e9t\u00e9", ""}) {
      int expected = (key.hashCode() & Integer.MAX_VALUE) % 5;
      // wherever it was on the source: the key alone decides
      assertThat(routing.route(message(key), new Position(1, 2, 0))).as(key).isEqualTo(expected);
      assertThat(routing.route(message(key), new Position(9, 77, -1))).as(key).isEqualTo(expected);
    }
  }

  @Test
  void unkeyedMessagesRoundRobinByEntryKeepingABatchTogetherAndReplaysInPlace() {
    TargetRouting routing = TargetRouting.routed(3);
    assertThat(routing.route(message(null), new Position(4, 10, 0))).isEqualTo(1);
    assertThat(routing.route(message(null), new Position(4, 10, 7))).isEqualTo(1);
    assertThat(routing.route(message(null), new Position(4, 11, 0))).isEqualTo(2);
    assertThat(routing.route(message(null), new Position(4, 12, -1))).isZero();
    // The same position routes the same way every time (a replay meets its deduplication state).
    assertThat(routing.route(message(null), new Position(4, 11, 0))).isEqualTo(2);
  }
}
