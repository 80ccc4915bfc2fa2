package dev.neons3backup;

import dev.neons3backup.backup.BackupJob;
import dev.neons3backup.backup.BackupRun;
import dev.neons3backup.backup.Cancellation;
import dev.neons3backup.backup.DumpOptions;
import dev.neons3backup.catalog.Catalog;
import dev.neons3backup.concurrent.Threads;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.Settings;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.health.DatabaseHealth;
import dev.neons3backup.health.HealthReader;
import dev.neons3backup.io.WritePipeline;
import dev.neons3backup.pg.PgClient;
import dev.neons3backup.restore.DrillLimits;
import dev.neons3backup.restore.DrillResult;
import dev.neons3backup.restore.DrillRun;
import dev.neons3backup.restore.Drills;
import dev.neons3backup.restore.Restorer;
import dev.neons3backup.retention.Pruner;
import dev.neons3backup.retention.RetentionPolicy;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.verify.Verifier;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;

/**
 * The facade: backs up databases into a store and reports what happened. Entry points (the Lambda
 * handler, the CLI) build one and print or return its results, and close it when they are done with
 * it: it owns the store it is given, and the store's threads end on {@link #close}.
 */
public final class BackupService implements AutoCloseable {
  private final BackupStore store;

  /** The threads that read the PostgreSQL client programs' output; shut down by close(). */
  private final ExecutorService pgReaders =
      Executors.newCachedThreadPool(Threads.daemons("pg-output"));

  private final PgClient pg;
  private final DumpOptions dumpOptions;
  // Parallel gzip's threads; idle ones end after a minute, and close() ends them all.
  private final ExecutorService compressors =
      Executors.newCachedThreadPool(Threads.daemons("compress"));
  private final WritePipeline writePipeline;
  private final int concurrency;
  private final Duration deadlineMargin;
  private final Duration staleUploadAge;
  private final int shrinkThresholdPercent;
  private final Clock clock;
  private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();

  /** Finds the installed PostgreSQL client programs ({@code PG_BIN_DIRS} first) right away. */
  public BackupService(BackupStore store, Settings settings, Clock clock) {
    this.store = store;
    this.pg =
        new PgClient(
            settings.pgBinDirs(),
            pgReaders,
            new PgClient.Retry(settings.connectAttempts(), settings.connectBackoff()));
    this.dumpOptions = DumpOptions.from(settings);
    this.writePipeline =
        new WritePipeline(
            dumpOptions.compression(), dumpOptions.level(), dumpOptions.threads(), compressors);
    this.concurrency = settings.concurrency();
    this.deadlineMargin = settings.deadlineMargin();
    this.staleUploadAge = settings.staleUploadAge();
    this.shrinkThresholdPercent = settings.shrinkThresholdPercent();
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
    return run(job(), list, keyTime, deadline, progress);
  }

  /**
   * As above, for a fleet worker (the Lambda worker, the {@code work} command): before it starts
   * the upload of a backup whose object is not stored yet, it also aborts that object's uploads
   * older than {@code STALE_UPLOAD_SECONDS} (a killed worker's). The CLI's {@code backup} and the
   * single-function run abort no upload but their own: a long run of the same key elsewhere may
   * still own an upload that old.
   */
  public BackupReport backupAsWorker(
      TargetList list, Instant keyTime, Deadline deadline, LongConsumer progress) {
    BackupJob job = job().abortingUploadsOlderThan(staleUploadAge);
    return run(job, list, keyTime, deadline, progress);
  }

  /** A job that flags a backup that shrank past {@code SHRINK_THRESHOLD_PERCENT}. */
  private BackupJob job() {
    return new BackupJob(store, pg, writePipeline, clock)
        .flaggingShrinksOver(shrinkThresholdPercent);
  }

  private BackupReport run(
      BackupJob job, TargetList list, Instant keyTime, Deadline deadline, LongConsumer progress) {
    Cancellation cancel = new Cancellation(deadline, deadlineMargin);
    running.add(cancel);
    try {
      return new BackupRun(job, concurrency, deadlineMargin, dumpOptions.compression())
          .run(list, keyTime, cancel, deadline, progress);
    } finally {
      running.remove(cancel);
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

  /** Stored backups, by database name, newest first; of one database when given. */
  public List<BackupEntry> list(Optional<String> database) {
    try {
      return new Catalog(store).list(database);
    } catch (IOException e) {
      throw storage(e);
    }
  }

  /**
   * What {@code status} judges, per database (or of the one named): read from one listing and the
   * few side files it needs; with every complete backup's size and rows when {@code history}.
   */
  public List<DatabaseHealth> health(Optional<String> database, boolean history) {
    try {
      return new HealthReader(store).read(database, history);
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
    return new Restorer(store, pg).restore(backup, target, createDatabase, force, progress);
  }

  /**
   * Restore drills of the newest complete backup of each database (or of {@code sample} of them,
   * drilled longest ago first) on the scratch server {@code scratch}; each recorded beside its
   * backup.
   */
  public List<DrillResult> drill(Optional<String> database, int sample, DatabaseTarget scratch) {
    return drill(database, sample, scratch, DrillLimits.NONE).results();
  }

  /** As above within {@code limits} (a deadline, and when a leftover scratch database is old). */
  public DrillRun drill(
      Optional<String> database, int sample, DatabaseTarget scratch, DrillLimits limits) {
    try {
      return new Drills(store, pg, clock).run(database, sample, scratch, limits);
    } catch (IOException e) {
      throw storage(e);
    }
  }

  /** Plans (and with {@code confirm} carries out) a retention policy over the store. */
  public PruneReport prune(Optional<String> database, RetentionPolicy policy, boolean confirm) {
    try {
      return new Pruner(store).prune(database, policy, clock.instant(), confirm);
    } catch (IOException e) {
      throw storage(e);
    }
  }

  /**
   * Ends the service's threads (PostgreSQL output readers, compressors) and the store's threads and
   * connections; an upload abort still running gets a bounded time to finish. Call it once no run
   * is in progress; the service is not used after.
   */
  @Override
  public void close() {
    pgReaders.shutdown();
    compressors.shutdown();
    store.close();
  }

  private BackupException storage(IOException e) {
    return new BackupException(
        ErrorCode.STORAGE, "the store " + store.describe("") + " failed: " + e.getMessage(), e);
  }
}
