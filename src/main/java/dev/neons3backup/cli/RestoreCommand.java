package dev.neons3backup.cli;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.RestoreReport;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.json.RestoreJson;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "restore",
    description =
        "Restore a backup into a database, all or nothing: streamed into psql, stops at the first"
            + " error, committed only when the whole backup was read to its trailer; then compares"
            + " row counts with those recorded at backup time.")
final class RestoreCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin HelpOption help;
  @Spec CommandSpec spec;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "NAME",
      description = "the database's name in the store")
  String name;

  @Option(
      names = "--at",
      paramLabel = "TIME",
      description = "which backup (as list shows it); default: the newest")
  String at;

  @Option(names = "--latest", description = "the newest backup (the default)")
  boolean latest;

  @Option(
      names = "--target-url",
      required = true,
      paramLabel = "URL",
      description = "libpq URL of the database to restore into")
  String targetUrl;

  @Option(
      names = "--create-database",
      description =
          "create the target database: restored under a temporary name without one big"
              + " transaction, renamed when complete, dropped on failure")
  boolean createDatabase;

  @Option(names = "--force", description = "restore even into a database that already has tables")
  boolean force;

  @Override
  public Integer call() {
    DatabaseTarget.checkName(name);
    if (at != null && latest) {
      throw BackupException.config("give --at or --latest, not both.");
    }
    DatabaseTarget target = DatabaseTarget.of(name, targetUrl);
    try (CliContext ctx = CliContext.create(main, main.settings(), spec)) {
      return run(ctx, target);
    }
  }

  private Integer run(CliContext ctx, DatabaseTarget target) {
    BackupEntry backup = ctx.service.find(name, Optional.ofNullable(at).map(Times::parse));
    note(ctx, backup);
    long size = backup.manifest().map(m -> m.storedBytes()).orElse(0L);
    RestoreReport report;
    try (Progress progress = ctx.out.progress("restoring " + name, size)) {
      report = ctx.service.restore(backup, target, createDatabase, force, progress);
    }
    print(ctx.out, report);
    return report.countsMatch() || !report.countsRecorded() ? 0 : ErrorCode.VERIFICATION.exitCode();
  }

  /**
   * Says, on stderr, when the backup restored is not the newest object or is incomplete. An
   * incomplete backup given by --at is restored: its object was stored only after pg_dump finished
   * with its trailer, and the restore reads it to that trailer; only the comparison is lost.
   */
  private void note(CliContext ctx, BackupEntry backup) {
    if (!backup.complete()) {
      ctx.out.err.println(
          "note: the backup "
              + KeyTime.format(backup.time())
              + " is "
              + backup.problem()
              + "; restoring it, but its row counts cannot be compared.");
    } else if (at == null) {
      long newer =
          ctx.service.list(Optional.of(name)).stream()
              .filter(e -> e.time().isAfter(backup.time()))
              .count();
      if (newer > 0) {
        ctx.out.err.println(
            "note: restoring "
                + KeyTime.format(backup.time())
                + ", the newest complete backup; "
                + (newer == 1 ? "1 newer one is" : newer + " newer ones are")
                + " incomplete (see list).");
      }
    }
    ctx.out.err.flush();
  }

  private static void print(Output out, RestoreReport r) {
    if (out.json) {
      out.json(RestoreJson.of(r));
      return;
    }
    out.out.printf(
        "Restored %s (%s) into %s.%n",
        r.backup().database(), KeyTime.format(r.backup().time()), r.target());
    if (!r.countsRecorded()) {
      out.out.println("No row counts were recorded with this backup; nothing to compare.");
    } else if (r.countsMatch()) {
      out.out.printf(
          "Row counts match the backup: %s, %s.%n",
          Output.count(r.tablesChecked(), "table", "tables"),
          Output.count(r.rowsChecked(), "row", "rows"));
    } else {
      out.out.println("Row counts DIFFER from those recorded at backup time:");
      r.mismatches().forEach(m -> out.out.println("  " + m));
    }
    out.out.flush();
  }
}
