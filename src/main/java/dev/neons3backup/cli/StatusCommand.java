package dev.neons3backup.cli;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.catalog.DrillRecord;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.health.DatabaseHealth;
import dev.neons3backup.health.DatabaseStatus;
import dev.neons3backup.health.Flag;
import dev.neons3backup.health.Shrink;
import dev.neons3backup.health.StatusPage;
import dev.neons3backup.health.StatusRules;
import dev.neons3backup.io.Sizes;
import dev.neons3backup.json.StatusJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    description =
        "One line per database: its newest complete backup, age, size and rows and their change,"
            + " when it was last verified and drilled, and flags (STALE, SHRUNK, NEVER VERIFIED,"
            + " DRILL FAILED, INCOMPLETE). Exits 3 when any flag is raised.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin HelpOption help;
  @Spec CommandSpec spec;

  @Option(names = "--name", paramLabel = "NAME", description = "only this database")
  String name;

  @Option(
      names = "--stale-hours",
      paramLabel = "H",
      description = "flag STALE past this age of the newest complete backup (default: 26)")
  int staleHours = StatusRules.DEFAULT_STALE_HOURS;

  @Option(
      names = "--shrink-threshold",
      paramLabel = "P",
      description =
          "flag SHRUNK when raw size or rows fell by more than P %% (default: 50; 0: off)")
  int shrinkThreshold = Shrink.DEFAULT_THRESHOLD_PERCENT;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "also write a self-contained page with a chart per database")
  Path html;

  @Override
  public Integer call() {
    Optional.ofNullable(name).ifPresent(DatabaseTarget::checkName);
    if (staleHours <= 0) {
      throw BackupException.config("--stale-hours must be at least 1, not " + staleHours + ".");
    }
    if (shrinkThreshold < 0 || shrinkThreshold > 100) {
      throw BackupException.config(
          "--shrink-threshold is a percentage from 0 (off) to 100, not " + shrinkThreshold + ".");
    }
    try (CliContext ctx = CliContext.create(main, main.settings(), spec)) {
      return run(ctx);
    }
  }

  private Integer run(CliContext ctx) {
    Instant now = Instant.now();
    StatusRules rules = new StatusRules(now, staleHours, shrinkThreshold);
    List<DatabaseHealth> facts = ctx.service.health(Optional.ofNullable(name), html != null);
    List<DatabaseStatus> statuses = facts.stream().map(rules::assess).toList();
    if (html != null) {
      write(ctx, StatusPage.render(statuses, ctx.location.toString(), now));
    }
    if (ctx.out.json) {
      ctx.out.json(statuses.stream().map(StatusJson::of).toList());
    } else if (statuses.isEmpty()) {
      ctx.out.out.println(
          "No backups in " + ctx.location + (name == null ? "" : " for " + name) + ".");
    } else {
      print(ctx.out, statuses);
    }
    ctx.out.out.flush();
    // A named database without a single backup is something to look at; an empty store is not.
    boolean missing = name != null && statuses.isEmpty();
    return missing || statuses.stream().anyMatch(DatabaseStatus::flagged)
        ? ErrorCode.DATABASE.exitCode()
        : 0;
  }

  private void write(CliContext ctx, String page) {
    Path file = main.invocation.resolve(html);
    try {
      Files.writeString(file, page, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw BackupException.config(
          "cannot write the page to "
              + file
              + ": "
              + e.getMessage()
              + "; give another --html FILE.");
    }
    ctx.out.err.println("Wrote " + file);
    ctx.out.err.flush();
  }

  private static final String[] HEADER = {
    "DATABASE", "NEWEST", "AGE", "RAW", "±", "ROWS", "±", "VERIFIED", "DRILL", "FLAGS"
  };

  private static void print(Output out, List<DatabaseStatus> statuses) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    statuses.forEach(s -> rows.add(row(s)));
    int[] widths = new int[HEADER.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        boolean number = i == 2 || i == 3 || i == 4 || i == 5 || i == 6;
        String cell = number ? pad(r[i], widths[i], true) : pad(r[i], widths[i], false);
        line.append(i == 0 ? "" : "  ").append(i == r.length - 1 ? r[i] : cell);
      }
      out.out.println(line.toString().stripTrailing());
    }
    reasons(out, statuses);
  }

  private static void reasons(Output out, List<DatabaseStatus> statuses) {
    long flagged = statuses.stream().filter(DatabaseStatus::flagged).count();
    if (flagged > 0) {
      out.out.println();
    }
    for (DatabaseStatus s : statuses) {
      for (int i = 0; i < s.flags().size(); i++) {
        out.out.println(
            Printable.of(s.database())
                + ": "
                + s.flags().get(i).label()
                + ": "
                + Printable.of(s.reasons().get(i)));
      }
    }
    out.out.printf(
        "%s, %d flagged.%n", Output.count(statuses.size(), "database", "databases"), flagged);
  }

  private static String[] row(DatabaseStatus s) {
    DatabaseHealth h = s.health();
    Optional<Manifest> newest = h.newest().flatMap(BackupEntry::manifest);
    Optional<Manifest> previous = h.previous().flatMap(BackupEntry::manifest);
    return new String[] {
      Printable.of(s.database()),
      h.newest().map(e -> KeyTime.format(e.time())).orElse("none complete"),
      s.age().map(StatusCommand::age).orElse("-"),
      newest.map(m -> Sizes.bytes(m.rawBytes())).orElse("-"),
      change(previous.map(Manifest::rawBytes), newest.map(Manifest::rawBytes)),
      newest.map(m -> Output.count(m.totalRows())).orElse("-"),
      change(previous.map(Manifest::totalRows), newest.map(Manifest::totalRows)),
      h.lastVerified().map(t -> t.toString().substring(0, 10)).orElse("never"),
      h.drill().map(StatusCommand::drill).orElse("never"),
      s.flags().isEmpty()
          ? "ok"
          : s.flags().stream().map(Flag::label).collect(Collectors.joining(", "))
    };
  }

  private static String drill(DrillRecord d) {
    String when =
        d.finishedAt() == null
            ? ""
            : " " + d.finishedAt().substring(0, Math.min(10, d.finishedAt().length()));
    if (DrillRecord.UNREADABLE.equals(d.outcome())) {
      return DrillRecord.UNREADABLE;
    }
    return (d.passed() ? "passed" : "FAILED") + when;
  }

  /** Signed whole percent against the previous backup; blank without one. */
  static String change(Optional<Long> before, Optional<Long> after) {
    if (before.isEmpty() || after.isEmpty() || before.get() <= 0) {
      return "";
    }
    long pct = Math.round((after.get() - before.get()) * 100.0 / before.get());
    return (pct > 0 ? "+" : "") + pct + "%";
  }

  static String age(Duration d) {
    if (d.isNegative()) {
      return "future";
    }
    long hours = d.toHours();
    if (hours < 1) {
      return d.toMinutes() + "m";
    }
    return hours < 48 ? hours + "h" : String.format(Locale.ROOT, "%dd %dh", hours / 24, hours % 24);
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(Math.max(0, width - s.length()));
    return right ? fill + s : s + fill;
  }
}
