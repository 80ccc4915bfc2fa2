package dev.neons3backup.cli;

import dev.neons3backup.ErrorCode;
import dev.neons3backup.PruneReport;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.json.PruneJson;
import dev.neons3backup.retention.Decision;
import dev.neons3backup.retention.RetentionPolicy;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "prune",
    description =
        "Delete backups that no rule keeps. Prints the plan and deletes nothing unless --confirm;"
            + " never deletes the newest --keep-last backups of a database.")
final class PruneCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin HelpOption help;
  @Spec CommandSpec spec;

  @Option(
      names = "--keep-last",
      required = true,
      paramLabel = "N",
      description = "keep the newest N of each database (at least 1)")
  int keepLast;

  @Option(
      names = "--keep-days",
      paramLabel = "D",
      description = "keep everything from the last D days")
  int keepDays;

  @Option(
      names = "--keep-weekly",
      paramLabel = "W",
      description = "keep the newest of each of the last W weeks with backups")
  int keepWeekly;

  @Option(
      names = "--keep-monthly",
      paramLabel = "M",
      description = "keep the newest of each of the last M months with backups")
  int keepMonthly;

  @Option(names = "--name", paramLabel = "NAME", description = "only this database")
  String name;

  @Option(
      names = "--confirm",
      description = "delete what the plan says (default: only print the plan)")
  boolean confirm;

  @Override
  public Integer call() {
    Optional.ofNullable(name).ifPresent(DatabaseTarget::checkName);
    RetentionPolicy policy = new RetentionPolicy(keepLast, keepDays, keepWeekly, keepMonthly);
    try (CliContext ctx = CliContext.create(main, main.settings(), spec)) {
      return run(ctx, policy);
    }
  }

  private Integer run(CliContext ctx, RetentionPolicy policy) {
    PruneReport report = ctx.service.prune(Optional.ofNullable(name), policy, confirm);
    if (ctx.out.json) {
      ctx.out.json(PruneJson.of(report));
    } else {
      print(ctx.out, report);
    }
    return report.failures().isEmpty() ? 0 : ErrorCode.STORAGE.exitCode();
  }

  private static void print(Output out, PruneReport report) {
    report
        .plan()
        .byDatabase()
        .forEach(
            (db, decisions) -> {
              out.out.println(db);
              for (Decision d : decisions) {
                out.out.printf(
                    "  %-6s  %s  %s%n",
                    d.keep() ? "keep" : "delete",
                    KeyTime.format(d.backup().time()),
                    String.join(", ", d.reasons()));
              }
            });
    int keep = report.plan().toKeep().size();
    int delete = report.plan().toDelete().size();
    if (report.plan().decisions().stream().anyMatch(d -> !d.backup().complete())) {
      out.out.println(
          "Incomplete backups (no readable manifest) count toward no rule; one is deleted only when"
              + " --keep-last complete backups are kept, all newer than it.");
    }
    if (!report.confirmed()) {
      out.out.printf(
          "Plan: keep %d, delete %s. Nothing was deleted; run again with --confirm to delete.%n",
          keep, Output.count(delete, "backup", "backups"));
    } else {
      out.out.printf(
          "Kept %d, deleted %s.%n",
          keep, Output.count(report.deleted().size(), "backup", "backups"));
      report.failures().forEach(f -> out.out.println("could not delete " + f));
    }
    out.out.flush();
  }
}
