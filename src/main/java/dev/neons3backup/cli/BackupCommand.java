package dev.neons3backup.cli;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupResult;
import dev.neons3backup.Deadline;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.NeonSettings;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.config.Settings;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.config.Targets;
import dev.neons3backup.io.Compression;
import dev.neons3backup.io.Sizes;
import dev.neons3backup.json.BackupRunJson;
import dev.neons3backup.neon.NeonConfig;
import dev.neons3backup.neon.ResolvedTargets;
import dev.neons3backup.neon.TargetResolver;
import dev.neons3backup.store.S3Clients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "backup",
    description = "Back up databases: pg_dump, compressed, into the store. Never overwrites.")
final class BackupCommand implements Callable<Integer> {
  /** How long a signal waits for the run to clean up before the JVM exits anyway. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(45);

  @ParentCommand Main main;
  @Mixin HelpOption help;
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true)
  Source source = new Source();

  static final class Source {
    @Option(
        names = "--secret-id",
        paramLabel = "ID",
        description = "Secrets Manager secret listing the databases")
    String secretId;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = "JSON file: {\"databases\": [{\"name\", \"url\"}]}")
    Path config;

    @Option(
        names = "--url",
        paramLabel = "URL",
        description = "one database's libpq URL (else $DATABASE_URL)")
    String url;
  }

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "name of the --url / $DATABASE_URL database (its folder in the store)")
  String name;

  @Option(
      names = "--compression",
      paramLabel = "ALGO",
      description = "gzip (default, .sql.gz) or zstd (.sql.zst: several times faster)")
  String compression;

  @Option(
      names = "--level",
      paramLabel = "N",
      description = "compression level: gzip 1-9 (default 6), zstd 1-19 (default 3)")
  Integer level;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "cores one stream compresses on (default: all); output stays one standard stream")
  Integer threads;

  @Option(names = "--concurrency", paramLabel = "N", description = "databases at once (default 2)")
  Integer concurrency;

  @Option(
      names = "--shrink-threshold",
      paramLabel = "P",
      description =
          "warn (SHRUNK) when a backup's raw size or rows fell by more than P %% since the"
              + " database's previous complete backup (default 50, or $SHRINK_THRESHOLD_PERCENT;"
              + " 0 disables); the backup is stored either way")
  Integer shrinkThreshold;

  @Option(
      names = "--at",
      paramLabel = "TIME",
      description =
          "the backup time in keys (default: now); give an earlier run's time to retry it: what"
              + " it stored is skipped, or completed when its manifest is missing")
  String at;

  @Option(
      names = "--neon",
      description =
          "also back up what Neon discovery selects (key from NEON_API_KEY); alone, only those")
  boolean neon;

  @Mixin NeonSelectionOptions select;

  @Option(
      names = "--snapshot",
      description =
          "with --neon: dump each branch from a snapshot branch taken at the backup time, deleted"
              + " afterwards")
  boolean snapshot;

  /** Clock skew tolerated between the machine that gives --at and this one. */
  private static final Duration FUTURE_SLACK = Duration.ofMinutes(5);

  @Override
  public Integer call() {
    Instant keyTime = at == null ? Instant.now() : Times.parse(at);
    if (keyTime.isAfter(Instant.now().plus(FUTURE_SLACK))) {
      // A future key would sort as the newest backup forever: restore --latest and prune's
      // --keep-last would prefer it to every real one.
      throw BackupException.config(
          "--at '" + at + "' is in the future; give the time of an earlier run, as list shows it.");
    }
    checkNeonFlags();
    Settings settings =
        main.settings()
            .withOverrides(
                Optional.ofNullable(concurrency),
                Optional.ofNullable(compression).map(Compression::parse),
                Optional.ofNullable(level),
                Optional.ofNullable(threads));
    if (shrinkThreshold != null) {
      settings = settings.withShrinkThreshold(shrinkThreshold);
    }
    TargetList targets = neon ? withNeon(neonSource(settings)) : targets(settings);
    return backUp(
        main,
        settings,
        spec,
        keyTime,
        ctx -> {
          TargetResolver resolver =
              new TargetResolver(main.invocation.env(), Clock.systemUTC(), () -> storedNames(ctx));
          return resolver.resolve(targets, keyTime);
        });
  }

  /**
   * Backs up what {@code resolve} gives in a new context, prints it and returns the exit code; a
   * signal stops it cleanly. Also the {@code work} command's run, so both behave the same.
   */
  static int backUp(
      Main main,
      Settings settings,
      CommandSpec spec,
      Instant keyTime,
      Function<CliContext, ResolvedTargets> resolve) {
    // Counted down once the context is closed: a signalled run's hook lets the JVM halt only after
    // the store finished (or gave up on, after a bound) the aborts of its uploads.
    CountDownLatch finished = new CountDownLatch(1);
    try (CliContext ctx = CliContext.create(main, settings, spec)) {
      return run(ctx, keyTime, () -> resolve.apply(ctx), finished);
    } finally {
      finished.countDown();
    }
  }

  private static int run(
      CliContext ctx, Instant keyTime, Supplier<ResolvedTargets> resolve, CountDownLatch finished) {
    BackupReport report;
    Thread hook = new Thread(() -> stopOnSignal(ctx, finished), "stop-backup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      // Closing deletes this run's snapshot branches, whatever happened to the dumps.
      try (ResolvedTargets resolved = resolve.get()) {
        try (Progress progress = ctx.out.progress("backing up", 0)) {
          report = ctx.service.backup(resolved.targets(), keyTime, Deadline.NONE, progress);
        }
        // Printed before the signal hook is released: the JVM halts once the hook returns, and a
        // stopped run must still say which databases stopped and that nothing was stored.
        print(ctx.out, report, resolved);
      }
    } finally {
      removeHook(hook);
    }
    return exitCode(report);
  }

  /**
   * SIGINT or SIGTERM: stop the run (pg_dump killed, uploads aborted, temporary files removed) and
   * let the JVM exit once it has, or after a bound whatever happens.
   */
  private static void stopOnSignal(CliContext ctx, CountDownLatch finished) {
    ctx.service.stopRuns("interrupted by a signal (SIGINT or SIGTERM)");
    try {
      if (!finished.await(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        System.err.println(
            "the interrupted backup did not stop within "
                + STOP_WAIT.toSeconds()
                + " s; exiting anyway (an open upload is removed by the bucket's lifecycle rule)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook is running.
    }
  }

  /**
   * The listed databases of --secret-id, --config or --url, if one is given (else none: discovery
   * alone), with the flags' Neon selection in place of any the secret or file holds.
   */
  private TargetList neonSource(Settings settings) {
    return source.secretId != null || source.config != null || source.url != null
        ? targets(settings)
        : TargetList.of(List.of());
  }

  private TargetList withNeon(TargetList listed) {
    // Checks NEON_API_KEY (one line, exit 2, when missing) and NEON_API_URL up front.
    NeonConfig config = NeonConfig.from(main.invocation.env());
    NeonSettings flags =
        new NeonSettings(
            config.apiKey(),
            Optional.empty(),
            select.projects,
            select.branches,
            select.allBranches,
            select.databases,
            snapshot);
    return new TargetList(listed.targets(), listed.rejected(), Optional.of(flags));
  }

  private static Set<String> storedNames(CliContext ctx) {
    return ctx.service.list(Optional.empty()).stream()
        .map(BackupEntry::database)
        .collect(Collectors.toSet());
  }

  private void checkNeonFlags() {
    if (!neon && (select.any() || snapshot)) {
      throw BackupException.config(
          "--project, --branch, --all-branches, --database and --snapshot select Neon databases;"
              + " add --neon.");
    }
  }

  private TargetList targets(Settings settings) {
    if (source.secretId != null) {
      return SecretTargets.load(S3Clients.secrets(settings), source.secretId);
    }
    if (source.config != null) {
      try {
        return Targets.fromJson(
            "config file '" + source.config + "'",
            Files.readString(main.invocation.resolve(source.config)));
      } catch (IOException e) {
        throw BackupException.config(
            "cannot read config file '" + source.config + "': " + e.getMessage());
      }
    }
    String url = source.url != null ? source.url : settings.databaseUrl().orElse(null);
    if (url == null) {
      throw BackupException.config(
          "no database given; use --url URL --name NAME, --config FILE, --secret-id ID, or set"
              + " DATABASE_URL.");
    }
    if (name == null) {
      throw BackupException.config(
          "--name is required with --url or DATABASE_URL: it names the database's folder in the store.");
    }
    return TargetList.of(List.of(DatabaseTarget.of(name, url)));
  }

  private static void print(Output out, BackupReport report, ResolvedTargets resolved) {
    if (out.json) {
      out.json(BackupRunJson.of(report, resolved.newlyDiscovered(), resolved.noLongerDiscovered()));
      return;
    }
    for (BackupResult r : report.results()) {
      switch (r.status()) {
        case SUCCEEDED -> {
          var m = r.manifest().orElseThrow();
          out.out.printf(
              "ok       %s → %s (%s, %s, %.1f s)%n",
              r.name(),
              r.location(),
              Sizes.bytes(m.storedBytes()),
              Output.count(m.totalRows(), "row", "rows"),
              r.duration().toMillis() / 1000.0);
        }
        case COMPLETED -> {
          var m = r.manifest().orElseThrow();
          out.out.printf(
              "completed %s → %s: it was stored without its manifest; completed from the stored"
                  + " object (%s, %s)%n",
              r.name(),
              r.location(),
              Sizes.bytes(m.storedBytes()),
              Output.count(m.totalRows(), "row", "rows"));
        }
        case SKIPPED ->
            out.out.printf("skipped  %s: already backed up at %s%n", r.name(), r.location());
        default -> out.out.printf("FAILED   %s%n", r.reason());
      }
      r.shrink().ifPresent(s -> out.out.printf("SHRUNK   %s%n", s.describe()));
    }
    out.out.println(report.summary());
    resolved.changeLines().forEach(out.out::println);
    out.out.flush();
  }

  /** 0 when all succeeded; 4 when every failure was the store's; else 3. */
  static int exitCode(BackupReport report) {
    if (report.ok()) {
      return 0;
    }
    boolean allStorage =
        report.results().stream()
            .filter(r -> !r.ok())
            .allMatch(r -> r.code().equals(Optional.of(ErrorCode.STORAGE)));
    return allStorage ? ErrorCode.STORAGE.exitCode() : ErrorCode.DATABASE.exitCode();
  }
}
