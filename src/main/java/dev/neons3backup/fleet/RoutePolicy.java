package dev.neons3backup.fleet;

import dev.neons3backup.catalog.Manifest;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a database of the fleet is backed up: by a queue worker (a Lambda run, 15 minutes at most)
 * or by an ECS Fargate task (no time limit). Judged from its previous complete backup: one that
 * took longer than the threshold, or read more than {@link #SIZE_CEILING_BYTES}, goes to Fargate
 * when the stack has it; without Fargate it still goes to the queue, with a warning in the plan and
 * the log, since a worker that runs out of time is retried and then dead-lettered.
 *
 * <p>The size ceiling: 8 GiB of dump text. A Lambda worker reads a remote database at roughly 10 to
 * 30 MB/s through pg_dump; at 10 MB/s 8 GiB take about 14 minutes, the edge of a 15-minute run. A
 * database's first backup has no history and goes to the queue.
 */
public final class RoutePolicy {
  public static final long SIZE_CEILING_BYTES = 8L << 30;

  private final Duration threshold;
  private final boolean fargateConfigured;

  /** The decision for one database: {@link RunPlan#QUEUE} or {@link RunPlan#FARGATE}. */
  public record Route(String route, Optional<String> warning) {
    static Route queue() {
      return new Route(RunPlan.QUEUE, Optional.empty());
    }
  }

  public RoutePolicy(Duration threshold, boolean fargateConfigured) {
    this.threshold = threshold;
    this.fargateConfigured = fargateConfigured;
  }

  public Route route(String name, Optional<Manifest> previous) {
    Optional<String> why = previous.flatMap(this::tooBig);
    if (why.isEmpty()) {
      return Route.queue();
    }
    if (fargateConfigured) {
      return new Route(RunPlan.FARGATE, Optional.empty());
    }
    return new Route(
        RunPlan.QUEUE,
        Optional.of(
            "database "
                + name
                + ": its last backup "
                + why.get()
                + "; it may not fit in Lambda's 15 minutes; give the stack FargateSubnets (see"
                + " README)"));
  }

  /** Why the previous backup says this one may not fit, if it does. */
  private Optional<String> tooBig(Manifest m) {
    if (m.durationMillis() != null && m.durationMillis() > threshold.toMillis()) {
      return Optional.of("took " + Math.round(m.durationMillis() / 60_000.0) + " min");
    }
    if (m.rawBytes() > SIZE_CEILING_BYTES) {
      return Optional.of(
          "read " + (m.rawBytes() >> 30) + " GiB (more than " + (SIZE_CEILING_BYTES >> 30) + ")");
    }
    return Optional.empty();
  }
}
