package dev.neons3backup.cli;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.io.Sizes;
import dev.neons3backup.json.EntryJson;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "list", description = "List backups per database, newest first.")
final class ListCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin HelpOption help;
  @Spec CommandSpec spec;

  @Option(names = "--name", paramLabel = "NAME", description = "only this database")
  String name;

  @Override
  public Integer call() {
    Optional.ofNullable(name).ifPresent(DatabaseTarget::checkName);
    try (CliContext ctx = CliContext.create(main, main.settings(), spec)) {
      return run(ctx);
    }
  }

  private Integer run(CliContext ctx) {
    List<BackupEntry> entries = ctx.service.list(Optional.ofNullable(name));
    if (ctx.out.json) {
      ctx.out.json(entries.stream().map(EntryJson::of).toList());
      return 0;
    }
    if (entries.isEmpty()) {
      ctx.out.out.println(
          "No backups in " + ctx.location + (name == null ? "" : " for " + name) + ".");
      return 0;
    }
    String current = null;
    for (BackupEntry e : entries) {
      if (!e.database().equals(current)) {
        current = e.database();
        ctx.out.out.println(current);
      }
      ctx.out.out.printf(
          "  %s  %10s  %-5s  %14s  %s%n",
          KeyTime.format(e.time()),
          e.manifest().map(m -> Sizes.bytes(m.storedBytes())).orElse("?"),
          e.compression().id(),
          e.manifest().map(m -> Output.count(m.totalRows(), "row", "rows")).orElse(""),
          status(e));
    }
    ctx.out.out.flush();
    return 0;
  }

  /** Verified or not for a complete backup; what is wrong, in capitals, for any other. */
  private static String status(BackupEntry e) {
    return switch (e.state()) {
      case COMPLETE ->
          e.verifiedAt()
              .map(t -> "verified " + t.toString().substring(0, 10))
              .orElse("not verified");
      case INCOMPLETE -> "INCOMPLETE: no manifest; backup --at this time completes it";
      case CORRUPT_MANIFEST -> "CORRUPT MANIFEST: run verify for details";
    };
  }
}
