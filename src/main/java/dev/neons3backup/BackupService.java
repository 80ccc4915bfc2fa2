package dev.neons3backup;

import dev.neons3backup.backup.BackupJob;
import dev.neons3backup.backup.Cancellation;
import dev.neons3backup.backup.DumpOptions;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.Catalog;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.Settings;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.pg.ConnectionProbe;
import dev.neons3backup.pg.PgInstallations;
import dev.neons3backup.restore.Restorer;
import dev.neons3backup.retention.Pruner;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.verify.Verifier;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.logging.log4j.CloseableThreadContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The facade: backs up databases into a store and reports what happened. Entry points (the Lambda
 * handler, the CLI) build one and print or return its results.
 */
public final class BackupService {
  private static final Logger LOG = LogManager.getLogger(BackupService.class);

  private final BackupStore store;
  private final PgInstallations pg;
  private final ConnectionProbe probe;
  private final DumpOptions dumpOptions;
  private final int concurrency;
  private final Duration deadlineMargin;
  private final Clock clock;
  private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();

  public BackupService(BackupStore store, PgInstallations pg, Settings settings, Clock clock) {
    this.store = store;
    this.pg = pg;
    this.probe = new ConnectionProbe(settings.connectAttempts(), settings.connectBackoff());
    this.dumpOptions = DumpOptions.from(settings);
    this.concurrency = settings.concurrency();
    this.deadlineMargin = settings.deadlineMargin();
    this.clock = clock;
  }

  /**
   * Backs up every target, {@code concurrency} at a time, with keys stamped {@code keyTime}. One
   * database's failure never stops another; every target gets a result, in the given order.
   */
  public BackupReport backup(List<DatabaseTarget> targets, Instant keyTime, Deadline deadline) {
    return backup(targets, keyTime, deadline, n -> {});
  }

  /**
   * As above; {@code progress} receives the dump bytes read, from any worker thread. With a
   * deadline, the run returns by the time half the margin is left whatever the databases and the
   * store do: databases still running then are reported {@code timed_out} and left to abort.
   */
  public BackupReport backup(
      List<DatabaseTarget> targets, Instant keyTime, Deadline deadline, LongConsumer progress) {
    return backup(TargetList.of(targets), keyTime, deadline, progress);
  }

  /**
   * As above, for a configured list where some entries were refused (a malformed URL): each of
   * those gets a FAILED result with its reason, in its place, and the others are backed up.
   */
  public BackupReport backup(
      TargetList list, Instant keyTime, Deadline deadline, LongConsumer progress) {
    List<DatabaseTarget> targets = list.targets();
    BackupJob job = new BackupJob(store, pg, probe, dumpOptions, clock);
    Cancellation cancel = new Cancellation(deadline, deadlineMargin);
    running.add(cancel);
    // Only kills work in flight; every database asks the deadline itself before it starts.
    ScheduledExecutorService watchdog =
        Executors.newSingleThreadScheduledExecutor(daemon("deadline"));
    watchdog.scheduleAtFixedRate(cancel::outOfTime, 250, 250, TimeUnit.MILLISECONDS);
    ExecutorService workers =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(concurrency, targets.size())), daemon("backup"));
    try {
      List<Task> tasks = new ArrayList<>();
      for (DatabaseTarget target : targets) {
        Task task = new Task(target, new AtomicBoolean());
        tasks.add(task);
        task.future =
            workers.submit(
                () -> task.run(cancel, () -> job.run(target, keyTime, cancel, progress)));
      }
      List<BackupResult> results = new ArrayList<>();
      for (Task task : tasks) {
        results.add(awaitWithin(task, keyTime, deadline, cancel));
      }
      BackupReport report = new BackupReport(keyTime, inPlace(list.rejected(), results));
      LOG.info(report.summary());
      return report;
    } finally {
      running.remove(cancel);
      workers.shutdownNow();
      watchdog.shutdownNow();
    }
  }

  /**
   * Stops every run in progress (a JVM shutdown hook calls this on SIGINT or SIGTERM): no database
   * starts, pg_dumps are killed, uploads are aborted, and each stopped database is reported failed
   * with {@code why}.
   */
  public void stopRuns(String why) {
    running.forEach(c -> c.cancel(BackupResult.Status.FAILED, why));
  }

  /** One database's work in a run: started once a worker picked it up. */
  private static final class Task {
    final DatabaseTarget target;
    final AtomicBoolean started;
    volatile Future<BackupResult> future;

    Task(DatabaseTarget target, AtomicBoolean started) {
      this.target = target;
      this.started = started;
    }

    BackupResult run(Cancellation cancel, Supplier<BackupResult> work) {
      started.set(true);
      cancel.enter();
      try {
        return logged(target, work);
      } finally {
        cancel.leave();
      }
    }
  }

  /** The task's result, or a timed-out one once only half the margin is left. */
  private BackupResult awaitWithin(
      Task task, Instant keyTime, Deadline deadline, Cancellation cancel) {
    long giveUpAt = deadlineMargin.toMillis() / 2;
    while (true) {
      try {
        return await(task.future, 250);
      } catch (TimeoutException e) {
        if (cancel.outOfTime() && deadline.remainingMillis() < giveUpAt) {
          return abandoned(task, keyTime, cancel);
        }
      }
    }
  }

  private BackupResult abandoned(Task task, Instant keyTime, Cancellation cancel) {
    String name = task.target.name();
    String why =
        task.started.get()
            ? "database '" + name + "': stopped, " + cancel.reason() + "; it was not completed"
            : "database '" + name + "': not started, " + cancel.reason();
    LOG.error("backup of '{}' {}: {}", name, cancel.status().label(), why);
    return BackupResult.stopped(
        name,
        cancel.status(),
        new BackupKey(name, keyTime, dumpOptions.compression()).format(),
        why,
        Duration.ZERO);
  }

  /** Stored backups, by database name, newest first; of one database when given. */
  public List<BackupEntry> list(Optional<String> database) {
    try {
      return new Catalog(store).list(database);
    } catch (IOException e) {
      throw storage(e);
    }
  }

  /** The backup of a database at a time, or its newest one. */
  public BackupEntry find(String database, Optional<Instant> time) {
    try {
      return new Catalog(store).find(database, time);
    } catch (IOException e) {
      throw storage(e);
    }
  }

  public VerifyReport verify(BackupEntry backup, LongConsumer progress) {
    try {
      return new Verifier(store, clock).verify(backup, progress);
    } catch (IOException e) {
      throw storage(e);
    }
  }

  public RestoreReport restore(
      BackupEntry backup,
      DatabaseTarget target,
      boolean createDatabase,
      boolean force,
      LongConsumer progress) {
    return new Restorer(store, pg, probe).restore(backup, target, createDatabase, force, progress);
  }

  /** Plans (and with {@code confirm} carries out) a retention policy over the store. */
  public PruneReport prune(
      Optional<String> database,
      dev.neons3backup.retention.RetentionPolicy policy,
      boolean confirm) {
    try {
      return new Pruner(store).prune(database, policy, clock.instant(), confirm);
    } catch (IOException e) {
      throw storage(e);
    }
  }

  /** The results of the backed-up entries with a FAILED result put in for each refused one. */
  private static List<BackupResult> inPlace(
      List<TargetList.Rejected> rejected, List<BackupResult> ran) {
    List<BackupResult> all = new ArrayList<>(ran);
    for (TargetList.Rejected r : rejected) {
      try (var ctx = CloseableThreadContext.put("database", r.name())) {
        LOG.error("backup failed: {}", r.reason());
      }
      all.add(
          Math.min(r.position(), all.size()),
          BackupResult.failed(r.name(), "", r.reason(), Duration.ZERO, ErrorCode.CONFIG));
    }
    return all;
  }

  private BackupException storage(IOException e) {
    return new BackupException(
        ErrorCode.STORAGE, "the store " + store.describe("") + " failed: " + e.getMessage(), e);
  }

  private static BackupResult logged(DatabaseTarget target, Supplier<BackupResult> work) {
    try (var ctx = CloseableThreadContext.put("database", target.name())) {
      LOG.info("backup started");
      BackupResult r = work.get();
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("outcome", r.status().label());
      fields.put("durationMs", Long.toString(r.duration().toMillis()));
      fields.put("key", r.key());
      r.manifest()
          .ifPresent(
              m -> {
                fields.put("rawBytes", Long.toString(m.rawBytes()));
                fields.put("storedBytes", Long.toString(m.storedBytes()));
                fields.put("sha256", m.sha256());
                fields.put("pgDumpVersion", m.pgDumpVersion());
                fields.put("serverVersion", m.serverVersion());
              });
      try (var more = CloseableThreadContext.putAll(fields)) {
        if (r.ok()) {
          LOG.info("backup {}", r.status().label());
        } else {
          LOG.error("backup {}: {}", r.status().label(), r.reason());
        }
      }
      return r;
    }
  }

  public static <T> T await(Future<T> f) {
    try {
      return await(f, Long.MAX_VALUE);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(Future<T> f, long millis) throws TimeoutException {
    try {
      return f.get(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException(ErrorCode.INTERNAL, "interrupted while waiting for backups");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BackupException be) {
        throw be;
      }
      if (e.getCause() instanceof java.io.UncheckedIOException io) {
        throw new BackupException(ErrorCode.STORAGE, io.getCause().getMessage(), io);
      }
      throw new BackupException(ErrorCode.INTERNAL, "unexpected error: " + e.getCause(), e);
    }
  }

  public static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
