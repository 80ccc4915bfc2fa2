package dev.neons3backup.cli;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.VerifyReport;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.io.Sizes;
import dev.neons3backup.json.VerifyJson;
import java.util.ArrayList;
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
    name = "verify",
    description =
        "Stream backups back and check them: SHA-256, size, the compression stream, the dump's"
            + " trailer and row counts, against what was recorded at backup time.")
final class VerifyCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin HelpOption help;
  @Spec CommandSpec spec;

  @Option(names = "--name", paramLabel = "NAME", description = "only this database")
  String name;

  @Option(names = "--all", description = "every backup (default: the newest of each database)")
  boolean all;

  @Option(names = "--latest", description = "the newest backup of each database (the default)")
  boolean latest;

  @Override
  public Integer call() {
    Optional.ofNullable(name).ifPresent(DatabaseTarget::checkName);
    if (all && latest) {
      throw BackupException.config("give --all or --latest, not both.");
    }
    try (CliContext ctx = CliContext.create(main, main.settings(), spec)) {
      return run(ctx);
    }
  }

  private Integer run(CliContext ctx) {
    List<BackupEntry> chosen = choose(ctx.service.list(Optional.ofNullable(name)));
    if (chosen.isEmpty()) {
      throw BackupException.config(
          "no backups to verify in " + ctx.location + (name == null ? "" : " for " + name) + ".");
    }
    List<VerifyReport> reports = new ArrayList<>();
    for (BackupEntry e : chosen) {
      long size = e.manifest().map(m -> m.storedBytes()).orElse(0L);
      try (Progress progress = ctx.out.progress("verifying " + e.database(), size)) {
        reports.add(ctx.service.verify(e, progress));
      }
    }
    print(ctx.out, reports);
    return reports.stream().allMatch(VerifyReport::ok) ? 0 : ErrorCode.VERIFICATION.exitCode();
  }

  private List<BackupEntry> choose(List<BackupEntry> entries) {
    if (all) {
      return entries;
    }
    List<BackupEntry> newest = new ArrayList<>();
    String db = null;
    for (BackupEntry e : entries) {
      if (!e.database().equals(db)) {
        newest.add(e);
        db = e.database();
      }
    }
    return newest;
  }

  private static String label(BackupEntry e) {
    return switch (e.state()) {
      case COMPLETE -> "MISMATCH";
      case INCOMPLETE -> "INCOMPLETE";
      case CORRUPT_MANIFEST -> "CORRUPT";
    };
  }

  private static void print(Output out, List<VerifyReport> reports) {
    if (out.json) {
      out.json(reports.stream().map(VerifyJson::of).toList());
      return;
    }
    for (VerifyReport r : reports) {
      String when = KeyTime.format(r.backup().time());
      if (r.ok()) {
        out.out.printf(
            "ok        %s %s (%s, sha256 %s…)%n",
            r.backup().database(), when, Sizes.bytes(r.storedBytes()), r.sha256().substring(0, 12));
      } else {
        out.out.printf(
            "%-9s %s %s: %s%n",
            label(r.backup()), r.backup().database(), when, String.join("; ", r.problems()));
      }
    }
    long incomplete = reports.stream().filter(r -> !r.backup().complete()).count();
    long bad = reports.stream().filter(r -> !r.ok()).count() - incomplete;
    out.out.printf(
        "Verified %s: %d ok, %d mismatched%s.%n",
        Output.count(reports.size(), "backup", "backups"),
        reports.size() - bad - incomplete,
        bad,
        incomplete == 0 ? "" : ", " + incomplete + " incomplete");
    out.out.flush();
  }
}
