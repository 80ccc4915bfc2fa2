package dev.neons3backup.cli;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.config.DatabaseTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    CliContext ctx = CliContext.create(main, main.settings(), spec);
    List<BackupEntry> entries = ctx.service.list(Optional.ofNullable(name));
    if (ctx.out.json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (BackupEntry e : entries) {
        rows.add(json(e));
      }
      ctx.out.json(rows);
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
          e.manifest().map(m -> Output.bytes(m.storedBytes())).orElse("?"),
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

  static Map<String, Object> json(BackupEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.database());
    m.put("time", e.time().toString());
    m.put("key", e.key());
    m.put("compression", e.compression().id());
    m.put("state", e.state().label());
    if (!e.complete()) {
      m.put("problem", e.problem());
    }
    e.manifest()
        .ifPresent(
            man -> {
              m.put("storedBytes", man.storedBytes());
              m.put("rawBytes", man.rawBytes());
              m.put("totalRows", man.totalRows());
              m.put("sha256", man.sha256());
              m.put("serverVersion", man.serverVersion());
            });
    m.put("manifest", e.manifest().isPresent());
    m.put("verified", e.verifiedAt().isPresent());
    e.verifiedAt().ifPresent(t -> m.put("verifiedAt", t.toString()));
    return m;
  }
}
