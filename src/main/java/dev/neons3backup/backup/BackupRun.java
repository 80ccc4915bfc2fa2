package dev.neons3backup.backup;

import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupResult;
import dev.neons3backup.Deadline;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.concurrent.Threads;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.io.Compression;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * A run of many databases: each backed up by the job, {@code concurrency} at a time, logged with
 * its outcome, and reported in the configured order. The per-database log lines live here, so a
 * logger configuration can turn them off by naming this package.
 */
public final class BackupRun {
  private static final Logger LOG = LogManager.getLogger(BackupRun.class);

  private final BackupJob job;
  private final int concurrency;
  private final Duration deadlineMargin;
  private final Compression compression;

  public BackupRun(
      BackupJob job, int concurrency, Duration deadlineMargin, Compression compression) {
    this.job = job;
    this.concurrency = concurrency;
    this.deadlineMargin = deadlineMargin;
    this.compression = compression;
  }

  public BackupReport run(
      TargetList list,
      Instant keyTime,
      Cancellation cancel,
      Deadline deadline,
      LongConsumer progress) {
    List<DatabaseTarget> targets = list.targets();
    // Only kills work in flight; every database asks the deadline itself before it starts.
    ScheduledExecutorService watchdog =
        Executors.newSingleThreadScheduledExecutor(Threads.daemons("deadline"));
    watchdog.scheduleAtFixedRate(cancel::outOfTime, 250, 250, TimeUnit.MILLISECONDS);
    ExecutorService workers =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(concurrency, targets.size())), Threads.daemons("backup"));
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
      workers.shutdownNow();
      watchdog.shutdownNow();
    }
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
        return Threads.await(task.future, 250);
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
        new BackupKey(name, keyTime, compression).format(),
        why,
        Duration.ZERO);
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
}
