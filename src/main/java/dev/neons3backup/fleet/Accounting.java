package dev.neons3backup.fleet;

import dev.neons3backup.BackupException;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.neon.TargetResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Accounts for a fleet run: compares its plan with the store (a database is backed up when its
 * object and manifest for the run's key time exist), writes the report beside the plan, hands it to
 * the metrics, and, when anything is missing, publishes one alarm message naming every missing
 * database, so a database that was never backed up cannot go unnoticed.
 */
public final class Accounting {
  private static final Logger LOG = LogManager.getLogger(Accounting.class);

  /** Runs older than this are not accounted by default (their messages have long expired). */
  public static final Duration LOOKBACK = Duration.ofDays(3);

  /** SNS takes 256 KB; the names stop well before, and the report lists them all. */
  static final int MESSAGE_LIMIT = 200_000;

  private final Runs runs;
  private final DeadLetters deadLetters;
  private final Alarm alarm;
  private final Consumer<RunReport> metrics;
  private final Clock clock;

  public Accounting(
      Runs runs, DeadLetters deadLetters, Alarm alarm, Consumer<RunReport> metrics, Clock clock) {
    this.runs = runs;
    this.deadLetters = deadLetters;
    this.alarm = alarm;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Every run of the last {@link #LOOKBACK} with a plan and no report, up to {@code before}. */
  public List<RunReport> accountUnaccounted(Optional<Instant> before) throws IOException {
    Instant since = clock.instant().minus(LOOKBACK);
    List<RunReport> reports = new ArrayList<>();
    for (Instant run : runs.unaccounted()) {
      if (run.isBefore(since) || before.map(b -> !run.isBefore(b)).orElse(false)) {
        continue;
      }
      reports.add(account(run));
    }
    return reports;
  }

  /**
   * Accounts for every part of the run's plan. A part that left Neon projects to a next part that
   * never ran (its invocation refused, or the chain broken) counts as one missing {@value
   * TargetResolver#DISCOVERY_ENTRY} entry naming those projects.
   */
  public RunReport account(Instant run) throws IOException {
    List<RunPlan> parts = runs.plans(run);
    if (parts.isEmpty() || parts.get(0).part() != 1) {
      throw BackupException.config(
          "run "
              + run
              + " has no plan at "
              + runs.describe(Runs.planKey(run))
              + "; give the key time of a dispatched run.");
    }
    List<RunPlan.Database> databases = new ArrayList<>();
    List<RunReport.Missing> missing = new ArrayList<>();
    int size = 0;
    for (RunPlan plan : parts) {
      databases.addAll(plan.databases());
      plan.rejected().forEach(r -> missing.add(new RunReport.Missing(r.name(), r.reason())));
      size += plan.size();
      if (!plan.remaining().isEmpty()
          && parts.stream().noneMatch(p -> p.part() == plan.part() + 1)) {
        TargetList.Rejected left = TargetResolver.leftOut(plan.remaining(), neverRan(plan));
        missing.add(new RunReport.Missing(left.name(), left.reason()));
        size++;
      }
    }
    List<Boolean> complete = Parallel.map(databases, d -> runs.complete(d.name(), run));
    int dead = deadLetters.depth();
    for (int i = 0; i < complete.size(); i++) {
      if (!complete.get(i)) {
        RunPlan.Database d = databases.get(i);
        missing.add(new RunReport.Missing(d.name(), why(d, run, dead)));
      }
    }
    int backedUp = (int) complete.stream().filter(c -> c).count();
    RunReport report = RunReport.of(run, clock.instant(), size, backedUp, missing, dead);
    runs.putReport(report);
    LOG.info(
        "run {}: {} of {} databases backed up, {} missing, {} in the dead-letter queue",
        run,
        backedUp,
        size,
        missing.size(),
        dead);
    metrics.accept(report);
    if (!report.ok()) {
      alarm(report);
    }
    return report;
  }

  private static String neverRan(RunPlan plan) {
    return "Neon discovery stopped in part "
        + plan.part()
        + " of the run and its continuation (part "
        + (plan.part() + 1)
        + ") never ran";
  }

  private static String why(RunPlan.Database d, Instant run, int dead) {
    String none = "no complete backup at " + KeyTime.format(run);
    if (RunPlan.FARGATE.equals(d.route())) {
      return none + " (sent to a Fargate task; see its log)";
    }
    if (dead > 0) {
      return none + " (the dead-letter queue holds " + dead + " message(s); see the worker's log)";
    }
    return none + " (see the worker's log)";
  }

  private void alarm(RunReport report) throws IOException {
    String subject =
        "neon-s3-backup: "
            + report.missing().size()
            + " of "
            + report.planned()
            + " databases not backed up";
    LOG.error(subject);
    alarm.publish(
        subject, message(report, runs.describe(Runs.reportKey(Instant.parse(report.run())))));
  }

  /** The alarm's text: every missing database and why, within what SNS takes. */
  static String message(RunReport report, String reportLocation) {
    StringBuilder b = new StringBuilder();
    b.append("Run ")
        .append(report.run())
        .append(": ")
        .append(report.missing().size())
        .append(" of ")
        .append(report.planned())
        .append(" databases have no complete backup.\n\n");
    int shown = 0;
    int bytes = b.length();
    for (RunReport.Missing m : report.missing()) {
      String line = "- " + m.name() + ": " + m.why() + "\n";
      bytes += line.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MESSAGE_LIMIT) {
        b.append("- … and ").append(report.missing().size() - shown).append(" more\n");
        break;
      }
      b.append(line);
      shown++;
    }
    b.append("\nDead-letter queue: ").append(report.deadLettered()).append(" message(s).\n");
    b.append("Report: ").append(reportLocation).append('\n');
    return b.toString();
  }
}
