package dev.neons3backup;

import dev.neons3backup.compress.Compression;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.Settings;
import dev.neons3backup.dump.ConnectionProbe;
import dev.neons3backup.dump.PgInstallations;
import dev.neons3backup.store.BackupStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
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
  private final Compression compression;
  private final int level;
  private final int threads;
  private final int concurrency;
  private final Duration deadlineMargin;
  private final Clock clock;

  public BackupService(BackupStore store, PgInstallations pg, Settings settings, Clock clock) {
    this.store = store;
    this.pg = pg;
    this.probe = new ConnectionProbe(settings.connectAttempts(), settings.connectBackoff());
    this.compression = settings.compression();
    this.level = settings.effectiveCompressionLevel();
    this.threads = settings.compressionThreads();
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

  /** As above; {@code progress} receives the dump bytes read, from any worker thread. */
  public BackupReport backup(
      List<DatabaseTarget> targets, Instant keyTime, Deadline deadline, LongConsumer progress) {
    BackupJob job = new BackupJob(store, pg, probe, compression, level, threads, clock);
    Cancellation cancel = new Cancellation();
    ScheduledExecutorService watchdog =
        Executors.newSingleThreadScheduledExecutor(daemon("deadline"));
    watchdog.scheduleAtFixedRate(
        () -> checkDeadline(deadline, cancel), 0, 250, TimeUnit.MILLISECONDS);
    ExecutorService workers =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(concurrency, targets.size())), daemon("backup"));
    try {
      List<Future<BackupResult>> futures = new ArrayList<>();
      for (DatabaseTarget target : targets) {
        futures.add(
            workers.submit(() -> logged(target, () -> job.run(target, keyTime, cancel, progress))));
      }
      List<BackupResult> results = new ArrayList<>();
      for (Future<BackupResult> f : futures) {
        results.add(await(f));
      }
      BackupReport report = new BackupReport(keyTime, results);
      LOG.info(report.summary());
      return report;
    } finally {
      workers.shutdownNow();
      watchdog.shutdownNow();
    }
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

  private BackupException storage(IOException e) {
    return new BackupException(
        ErrorCode.STORAGE, "the store " + store.describe("") + " failed: " + e.getMessage(), e);
  }

  private void checkDeadline(Deadline deadline, Cancellation cancel) {
    long left = deadline.remainingMillis();
    if (left < deadlineMargin.toMillis() && !cancel.isCancelled()) {
      LOG.warn("{} ms left before the invocation's deadline: stopping the run", left);
      cancel.cancel("the invocation was running out of time (" + left / 1000 + " s left)");
    }
  }

  private static BackupResult logged(
      DatabaseTarget target, java.util.function.Supplier<BackupResult> work) {
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

  static <T> T await(Future<T> f) {
    try {
      return f.get();
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

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
