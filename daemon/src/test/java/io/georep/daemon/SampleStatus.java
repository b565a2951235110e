package io.georep.daemon;

import io.georep.replicator.DaemonStatus;
import io.georep.replicator.DaemonStatus.LinkStatus;
import io.georep.replicator.DaemonStatus.TopicStatus;
import io.georep.replicator.TopicState;
import java.time.Instant;
import java.util.List;

/** A daemon status as a running daemon could report it: one link, a healthy and a failing topic. */
public final class SampleStatus {
  public static final String ORDERS = "persistent://public/default/orders";
  public static final String ORDERS_TARGET = "persistent://public/archive/orders";
  public static final String PAYMENTS = "persistent://public/default/payments";
  public static final String PAYMENTS_ERROR = "Namespace public/archive does not exist";

  private SampleStatus() {}

  public static DaemonStatus create(boolean ready) {
    TopicStatus orders =
        new TopicStatus(
            ORDERS,
            ORDERS_TARGET,
            TopicState.RUNNING,
            12_340,
            1_234_000,
            3,
            0,
            17,
            250,
            1500,
            "12:34:-1",
            null,
            null,
            null,
            null,
            0);
    TopicStatus payments =
        new TopicStatus(
            PAYMENTS,
            "persistent://public/archive/payments",
            TopicState.ERROR,
            5,
            500,
            0,
            4,
            0,
            -1,
            0,
            null,
            PAYMENTS_ERROR,
            Instant.parse("2026-11-25T14:05:00Z"),
            "source-gap: 120 entries lost",
            Instant.parse("2026-11-25T14:00:00Z"),
            2);
    LinkStatus link =
        new LinkStatus(
            "east-to-west",
            "east",
            "west",
            io.georep.replicator.LinkState.DEGRADED,
            null,
            12_345,
            1_234_500,
            List.of(orders, payments),
            List.of(
                new DaemonStatus.SubscriptionStatus(
                    "billing",
                    ORDERS_TARGET,
                    "12:40",
                    "31:7",
                    "moved",
                    true,
                    List.of(),
                    Instant.parse("2026-11-25T14:04:55Z"),
                    5_000)),
            new DaemonStatus.MetadataSyncStatus(
                "continuous",
                "DRIFT",
                Instant.parse("2026-11-25T14:04:00Z"),
                850,
                3,
                0,
                0,
                2,
                1,
                null,
                Instant.parse("2026-11-25T14:05:00Z")));
    return new DaemonStatus(Instant.parse("2026-11-25T14:00:00Z"), ready, List.of(link));
  }
}
