package dev.neons3backup.cli;

import dev.neons3backup.BackupException;
import dev.neons3backup.Deadline;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.json.DrillJson;
import dev.neons3backup.restore.DrillLimits;
import dev.neons3backup.restore.DrillResult;
import dev.neons3backup.restore.LocalScratch;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "drill",
    description =
        "Prove that backups restore: restore the newest complete backup of each database into a"
            + " scratch database that the drill creates, compare rows per table and schema objects"
            + " by kind with the backup, drop the scratch database, and record the result beside"
            + " the backup (.drill.json).")
final class DrillCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin HelpOption help;
  @Spec CommandSpec spec;

  @Option(names = "--name", paramLabel = "NAME", description = "only this database")
  String name;

  @Option(
      names = "--target-url",
      paramLabel = "URL",
      description =
          "libpq URL of a scratch server (its database is only used to connect, e.g. postgres);"
              + " the drill creates and drops its own database there")
  String targetUrl;

  @Option(
      names = "--local",
      description =
          "drill on a throwaway cluster of the newest installed PostgreSQL server, removed after")
  boolean local;

  @Option(
      names = "--sample",
      paramLabel = "N",
      description =
          "drill N databases, those drilled longest ago first (0, the default: every database)")
  int sample;

  // Tests use 0 to see a killed drill's leftover dropped without waiting hours.
  @Option(names = "--leftover-minutes", hidden = true)
  long leftoverMinutes = DrillLimits.LEFTOVER_AGE.toMinutes();

  @Override
  public Integer call() {
    Optional.ofNullable(name).ifPresent(DatabaseTarget::checkName);
    if (local == (targetUrl != null)) {
      throw BackupException.config("give --local or --target-url URL (one of them).");
    }
    if (sample < 0) {
      throw BackupException.config("--sample must be 0 (every database) or more.");
    }
    try (CliContext ctx = CliContext.create(main, main.settings(), spec)) {
      if (!local) {
        return run(ctx, DatabaseTarget.of("drill-target", targetUrl));
      }
      try (LocalScratch cluster = LocalScratch.start()) {
        return run(ctx, cluster.target());
      }
    }
  }

  private Integer run(CliContext ctx, DatabaseTarget scratch) {
    DrillLimits limits =
        new DrillLimits(Deadline.NONE, Duration.ZERO, Duration.ofMinutes(leftoverMinutes));
    List<DrillResult> results =
        ctx.service.drill(Optional.ofNullable(name), sample, scratch, limits).results();
    print(ctx.out, results);
    if (results.stream().anyMatch(DrillResult::backupFailed)) {
      return ErrorCode.VERIFICATION.exitCode();
    }
    return results.stream().allMatch(DrillResult::passed) ? 0 : ErrorCode.DATABASE.exitCode();
  }

  private static void print(Output out, List<DrillResult> results) {
    if (out.json) {
      out.json(results.stream().map(DrillJson::of).toList());
      return;
    }
    for (DrillResult r : results) {
      if (r.passed()) {
        var rec = r.record().orElseThrow();
        out.out.printf(
            "passed  %s %s (%s, %s, %s in %.1f s)%n",
            r.database(),
            r.key(),
            Output.count(rec.tablesCompared(), "table", "tables"),
            Output.count(rec.rowsCompared(), "row", "rows"),
            Output.count(
                rec.expectedObjects().values().stream().mapToLong(n -> n).sum(),
                "schema object",
                "schema objects"),
            rec.durationMillis() / 1000.0);
      } else {
        out.out.printf("FAILED  %s: %s%n", r.database(), r.reason());
      }
    }
    long passed = results.stream().filter(DrillResult::passed).count();
    out.out.printf(
        "Drilled %s: %d passed, %d failed.%n",
        Output.count(results.size(), "database", "databases"), passed, results.size() - passed);
    out.out.flush();
  }
}
