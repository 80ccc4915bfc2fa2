package dev.neons3backup.fleet;

import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.store.AlreadyExistsException;
import dev.neons3backup.store.BackupStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fleet's objects in the store: run plans and reports under {@value #PREFIX} (a prefix that is
 * no backup name: {@link BackupKey} never parses a key with two slashes, and {@code DatabaseTarget}
 * refuses the name), and what the store holds for one database at one run.
 *
 * <p>One run's folder: {@code plan.json} (part 1, written by the scheduled invocation), {@code
 * plan-2.json}, {@code plan-3.json} … (the parts its continuations planned, when Neon discovery
 * outlasted an invocation), and {@code report.json}.
 */
public final class Runs {
  public static final String PREFIX = DatabaseTarget.RESERVED + "/";
  private static final String PLAN = "plan.json";
  private static final String PART = "plan-";
  private static final String REPORT = "report.json";
  private static final String JSON = "application/json";

  private final BackupStore store;

  public Runs(BackupStore store) {
    this.store = store;
  }

  public static String planKey(Instant run) {
    return planKey(run, 1);
  }

  /** Part 1 is {@code plan.json} (as runs of one part always were), part n {@code plan-n.json}. */
  public static String planKey(Instant run, int part) {
    return folder(run) + (part == 1 ? PLAN : PART + part + ".json");
  }

  private static String folder(Instant run) {
    return PREFIX + KeyTime.format(run) + "/";
  }

  public static String reportKey(Instant run) {
    return PREFIX + KeyTime.format(run) + "/" + REPORT;
  }

  public String describe(String key) {
    return store.describe(key);
  }

  public Optional<RunPlan> plan(Instant run) throws IOException {
    return plan(run, 1);
  }

  public Optional<RunPlan> plan(Instant run, int part) throws IOException {
    Optional<byte[]> json = read(planKey(run, part));
    return json.isEmpty() ? Optional.empty() : Optional.of(RunPlan.fromJson(json.get()));
  }

  /** Every part of the run's plan, part 1 first; empty when the run has no plan. */
  public List<RunPlan> plans(Instant run) throws IOException {
    List<Integer> parts = new ArrayList<>();
    for (String key : store.list(folder(run) + "plan")) {
      partOf(key.substring(folder(run).length())).ifPresent(parts::add);
    }
    parts.sort(Comparator.naturalOrder());
    List<RunPlan> plans = new ArrayList<>();
    for (int part : parts) {
      plan(run, part).ifPresent(plans::add);
    }
    return plans;
  }

  private static Optional<Integer> partOf(String file) {
    if (file.equals(PLAN)) {
      return Optional.of(1);
    }
    if (file.startsWith(PART) && file.endsWith(".json")) {
      try {
        return Optional.of(Integer.parseInt(file.substring(PART.length(), file.length() - 5)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Writes {@code plan} unless the run has that part; returns the part the run keeps. */
  public RunPlan putPlan(RunPlan plan) throws IOException {
    try {
      store.putIfAbsent(planKey(plan.runTime(), plan.part()), plan.toJson(), JSON);
      return plan;
    } catch (AlreadyExistsException e) {
      // Another attempt of the same part wrote it first: its plan is the run's.
      return plan(plan.runTime(), plan.part()).orElseThrow(() -> e);
    }
  }

  /** Writes the report; a report already there (accounted by someone else) is kept. */
  public void putReport(RunReport report) throws IOException {
    try {
      store.putIfAbsent(reportKey(Instant.parse(report.run())), report.toJson(), JSON);
    } catch (AlreadyExistsException e) {
      // Accounted concurrently (the schedule and the dispatcher): the first report stands.
    }
  }

  /** Key times of the runs with a plan and no report, oldest first. */
  public List<Instant> unaccounted() throws IOException {
    Set<String> keys = new HashSet<>(store.list(PREFIX));
    List<Instant> runs = new ArrayList<>();
    for (String key : keys) {
      Optional<Instant> run = runOfPlan(key);
      if (run.isPresent() && !keys.contains(reportKey(run.get()))) {
        runs.add(run.get());
      }
    }
    runs.sort(Comparator.naturalOrder());
    return runs;
  }

  private static Optional<Instant> runOfPlan(String key) {
    if (!key.startsWith(PREFIX) || !key.endsWith("/" + PLAN)) {
      return Optional.empty();
    }
    return KeyTime.parse(key.substring(PREFIX.length(), key.length() - PLAN.length() - 1));
  }

  /**
   * What the store holds for one database: its backup keys (complete or not) and their side files.
   */
  public History history(String name) throws IOException {
    return new History(store, name, new HashSet<>(store.list(name + "/")));
  }

  /** Whether {@code name} has a complete backup (object and manifest) at {@code run}. */
  public boolean complete(String name, Instant run) throws IOException {
    return History.complete(new HashSet<>(store.list(name + "/" + KeyTime.format(run))), run);
  }

  private Optional<byte[]> read(String key) throws IOException {
    try (InputStream in = store.open(key)) {
      return Optional.of(in.readAllBytes());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /** One database's keys, from one listing. */
  public record History(BackupStore store, String name, Set<String> keys) {
    public boolean completeAt(Instant run) {
      return complete(keys, run);
    }

    static boolean complete(Set<String> keys, Instant run) {
      for (String key : keys) {
        Optional<BackupKey> k = BackupKey.parse(key);
        if (k.isPresent() && k.get().time().equals(run) && keys.contains(k.get().manifestKey())) {
          return true;
        }
      }
      return false;
    }

    /** The manifest of the newest complete backup before {@code run}, if any can be read. */
    public Optional<Manifest> previous(Instant run) {
      Optional<BackupKey> newest =
          keys.stream()
              .map(BackupKey::parse)
              .flatMap(Optional::stream)
              .filter(k -> k.time().isBefore(run) && keys.contains(k.manifestKey()))
              .max(Comparator.comparing(BackupKey::time));
      if (newest.isEmpty()) {
        return Optional.empty();
      }
      try (InputStream in = store.open(newest.get().manifestKey())) {
        return Optional.of(Manifest.fromJson(in.readAllBytes()));
      } catch (IOException e) {
        // No history is no reason to hold the night up: the database goes by the default route.
        return Optional.empty();
      }
    }
  }
}
