package dev.neons3backup.backup;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.BackupResult;
import dev.neons3backup.BackupResult.Status;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.Catalog;
import dev.neons3backup.catalog.Completer;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.health.Shrink;
import dev.neons3backup.io.Compression;
import dev.neons3backup.io.StreamTotals;
import dev.neons3backup.io.WritePipeline;
import dev.neons3backup.pg.DumpScanner;
import dev.neons3backup.pg.Failures;
import dev.neons3backup.pg.PgClient;
import dev.neons3backup.pg.PgDatabase;
import dev.neons3backup.pg.PgRun;
import dev.neons3backup.store.AlreadyExistsException;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.ObjectSink;
import dev.neons3backup.store.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Backs up one database: ask the server its version, choose pg_dump, then stream dump → scan →
 * compress → digest → store, committing only when pg_dump exited 0 and wrote its trailer.
 */
public final class BackupJob {
  static final List<String> PG_DUMP_OPTIONS =
      List.of("--format=plain", "--no-owner", "--no-privileges");

  private static final Logger LOG = LogManager.getLogger(BackupJob.class);
  private static final int READ_BUFFER = 256 * 1024;

  private final BackupStore store;
  private final PgClient pg;
  private final WritePipeline pipeline;
  private final Compression compression;
  private final Clock clock;
  private final Optional<Duration> staleUploadAge;
  private final int shrinkThresholdPercent;

  public BackupJob(BackupStore store, PgClient pg, WritePipeline pipeline, Clock clock) {
    this(store, pg, pipeline, clock, Optional.empty(), Shrink.DEFAULT_THRESHOLD_PERCENT);
  }

  private BackupJob(
      BackupStore store,
      PgClient pg,
      WritePipeline pipeline,
      Clock clock,
      Optional<Duration> staleUploadAge,
      int shrinkThresholdPercent) {
    this.store = store;
    this.pg = pg;
    this.pipeline = pipeline;
    this.compression = pipeline.compression();
    this.clock = clock;
    this.staleUploadAge = staleUploadAge;
    this.shrinkThresholdPercent = shrinkThresholdPercent;
  }

  /**
   * A copy that flags a stored backup whose raw size or rows fell by more than {@code percent}
   * since the database's previous complete backup ({@link Shrink#between}); 0 compares nothing.
   */
  public BackupJob flaggingShrinksOver(int percent) {
    return new BackupJob(store, pg, pipeline, clock, staleUploadAge, percent);
  }

  /**
   * A copy that, before it starts the upload of a backup whose object is not stored yet, aborts the
   * open uploads of that object initiated more than {@code age} ago: a killed run's, which a
   * conditional write could never complete and which would otherwise wait for the bucket's
   * lifecycle rule. Only for runs that know no live run can own an upload that old (the fleet
   * worker: Lambda stops every invocation within 15 minutes); an abort never touches a stored
   * object's key, because some S3-compatible servers drop the object along with it.
   */
  public BackupJob abortingUploadsOlderThan(Duration age) {
    return new BackupJob(store, pg, pipeline, clock, Optional.of(age), shrinkThresholdPercent);
  }

  /** Backs up {@code target} under {@code keyTime}'s key. */
  public BackupResult run(
      DatabaseTarget target, Instant keyTime, Cancellation cancel, LongConsumer progress) {
    return attempt(target, keyTime, cancel, progress, true);
  }

  private void abortStaleUploads(DatabaseTarget target, String key) {
    if (staleUploadAge.isEmpty()) {
      return;
    }
    Duration age = staleUploadAge.get();
    try {
      int aborted = store.abortUploads(key, clock.instant().minus(age));
      if (aborted > 0) {
        LOG.info(
            "database '{}': aborted {} open upload(s) of {} started over {} s ago (a stopped"
                + " run's)",
            target.name(),
            aborted,
            store.describe(key),
            age.toSeconds());
      }
    } catch (IOException e) {
      // Best effort: the backup goes on; the bucket's lifecycle rule removes the old upload.
      LOG.warn(
          "database '{}': could not look for stopped runs' uploads of {}: {}; the bucket's"
              + " lifecycle rule removes them",
          target.name(),
          store.describe(key),
          e.getMessage());
    }
  }

  private BackupResult attempt(
      DatabaseTarget target,
      Instant keyTime,
      Cancellation cancel,
      LongConsumer progress,
      boolean mayRecheck) {
    Instant start = clock.instant();
    BackupKey backupKey = new BackupKey(target.name(), keyTime, compression);
    String key = backupKey.format();
    if (cancel.outOfTime()) {
      return BackupResult.stopped(
          target.name(), cancel.status(), key, notStarted(target, cancel), since(start));
    }
    // Set once the object is committed: a run stopped after that must not say nothing was stored.
    AtomicBoolean objectStored = new AtomicBoolean();
    try {
      if (store.exists(key)) {
        return existing(target, backupKey, start, cancel, progress);
      }
      abortStaleUploads(target, key);
      PgDatabase db = pg.connect(target, cancel::outOfTime);
      Manifest manifest = dump(db, backupKey, start, cancel, progress, objectStored);
      return BackupResult.succeeded(target.name(), key, store.describe(key), since(start), manifest)
          .withShrink(shrink(backupKey, manifest));
    } catch (AlreadyExistsException e) {
      String why = "database '" + target.name() + "': a backup for this time already exists";
      return BackupResult.skipped(target.name(), key, store.describe(key), why, since(start));
    } catch (Exception e) {
      if (cancel.isCancelled()) {
        String why =
            "database '"
                + target.name()
                + "': stopped, "
                + cancel.reason()
                + (objectStored.get()
                    ? "; the object was stored at "
                        + store.describe(key)
                        + " before its manifest: a retry of this run completes it"
                    : "; nothing was stored");
        return BackupResult.stopped(target.name(), cancel.status(), key, why, since(start));
      }
      if (mayRecheck && !objectStored.get() && storedMeanwhile(key)) {
        // A concurrent run stored this object while ours was writing: the backup exists, so check
        // it as a retry would instead of failing.
        LOG.info(
            "database '{}': another run stored {} meanwhile; checking it",
            target.name(),
            store.describe(key));
        return attempt(target, keyTime, cancel, progress, false);
      }
      ErrorCode code =
          e instanceof BackupException be
              ? be.code()
              : e instanceof IOException ? ErrorCode.STORAGE : ErrorCode.INTERNAL;
      return BackupResult.failed(target.name(), key, reason(target, e), since(start), code);
    }
  }

  private boolean storedMeanwhile(String key) {
    try {
      return store.exists(key);
    } catch (IOException e) {
      return false;
    }
  }

  private Manifest dump(
      PgDatabase db,
      BackupKey backupKey,
      Instant start,
      Cancellation cancel,
      LongConsumer progress,
      AtomicBoolean objectStored)
      throws IOException, InterruptedException {
    DatabaseTarget target = db.target();
    String key = backupKey.format();
    // The sink first: a store that cannot even start a write must not leave a pg_dump running.
    ObjectSink sink = store.create(key, compression.contentType());
    PgRun pgDump;
    try {
      pgDump = db.dump(PG_DUMP_OPTIONS, line -> LOG.info("pg_dump: {}", line));
    } catch (RuntimeException e) {
      sink.abort();
      throw e;
    }
    cancel.register(pgDump);
    boolean committed = false;
    try {
      DumpScanner scanner = new DumpScanner();
      WritePipeline.Write out = pipeline.open(sink.stream(), scanner::accept);
      try (InputStream in = pgDump.stdout();
          out) {
        byte[] buf = new byte[READ_BUFFER];
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
          progress.accept(n);
        }
      }
      int exit = pgDump.waitFor();
      checkDump(target, exit, pgDump, scanner, cancel);
      StoredObject object = sink.commit();
      committed = true;
      objectStored.set(true);
      Manifest manifest =
          manifest(backupKey, db, start, scanner, out.totals()).withNeon(target.origin());
      recordManifest(target, backupKey, manifest);
      recordSha256(target, backupKey, manifest);
      LOG.debug("stored {} ({} bytes)", object.location(), object.size());
      return manifest;
    } finally {
      cancel.unregister(pgDump);
      if (!committed) {
        pgDump.kill();
        sink.abort();
      }
    }
  }

  /**
   * A retried run found this time's object: skip it when it is complete, complete it from the
   * stored object when its manifest is missing, and fail when its manifest is corrupt (a store
   * never replaces an object, so only a person can remove a bad manifest).
   */
  private BackupResult existing(
      DatabaseTarget target,
      BackupKey backupKey,
      Instant start,
      Cancellation cancel,
      LongConsumer progress)
      throws IOException {
    String key = backupKey.format();
    BackupEntry entry = new Catalog(store).entry(key);
    String about = "database '" + target.name() + "': ";
    switch (entry.state()) {
      case COMPLETE -> {
        boolean wrote = recordSha256(target, backupKey, entry.manifest().orElseThrow());
        String why =
            about
                + "a backup for this time already exists; skipped"
                + (wrote ? " (wrote its missing " + BackupKey.SHA256_SUFFIX + " file)" : "");
        return BackupResult.skipped(target.name(), key, store.describe(key), why, since(start));
      }
      case CORRUPT_MANIFEST ->
          throw new BackupException(
              ErrorCode.STORAGE,
              about + "a backup for this time exists but has a " + entry.problem());
      default -> {
        Manifest manifest;
        try {
          manifest =
              new Completer(store, clock)
                  .rebuild(target.name(), key, compression, cancel::isCancelled, progress)
                  .withNeon(target.origin());
        } catch (BackupException e) {
          if (!cancel.isCancelled()) {
            throw e;
          }
          String why =
              about + "stopped, " + cancel.reason() + "; its stored backup is still incomplete";
          return BackupResult.stopped(target.name(), Status.TIMED_OUT, key, why, since(start));
        }
        recordManifest(target, backupKey, manifest);
        recordSha256(target, backupKey, manifest);
        String why =
            about
                + "the backup for this time was stored without its manifest; completed it from the"
                + " stored object";
        return BackupResult.completed(
                target.name(), key, store.describe(key), why, since(start), manifest)
            .withShrink(shrink(backupKey, manifest));
      }
    }
  }

  /**
   * How much this stored backup shrank since the database's previous complete one, when past the
   * threshold. Reads one listing and one manifest; whatever goes wrong there is a warning, never a
   * failed backup: the backup is stored and complete by now.
   */
  private Optional<Shrink> shrink(BackupKey backupKey, Manifest manifest) {
    if (shrinkThresholdPercent == 0) {
      return Optional.empty();
    }
    String database = backupKey.database();
    Optional<BackupEntry> previous;
    try {
      previous = new Catalog(store).newestBefore(database, backupKey.time());
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "database '{}': could not read the previous backup to compare sizes ({}); the backup is"
              + " stored, but was not checked for shrinking",
          database,
          e.getMessage());
      return Optional.empty();
    }
    if (previous.isPresent() && !previous.get().complete()) {
      LOG.warn(
          "database '{}': the previous backup {} has a {}; the backup is stored, but was not"
              + " checked for shrinking",
          database,
          store.describe(previous.get().key()),
          previous.get().problem());
      return Optional.empty();
    }
    Optional<Shrink> shrink =
        Shrink.between(previous.flatMap(BackupEntry::manifest), manifest, shrinkThresholdPercent);
    shrink.ifPresent(s -> LOG.warn("SHRUNK {}", s.describe()));
    return shrink;
  }

  /** Writes the manifest: until it exists the stored object is an incomplete backup. */
  private void recordManifest(DatabaseTarget target, BackupKey backupKey, Manifest manifest) {
    String key = backupKey.format();
    try {
      try {
        store.putIfAbsent(backupKey.manifestKey(), manifest.toJson(), "application/json");
      } catch (AlreadyExistsException e) {
        // Another run for the same time may have written it; only a manifest of this object will
        // do.
        BackupEntry written = new Catalog(store).entry(key);
        if (!written.complete() || !written.manifest().get().sha256().equals(manifest.sha256())) {
          throw new IOException("something else is in its place", e);
        }
      }
    } catch (IOException e) {
      throw storedBut(
          target,
          key,
          "but its manifest could not be written",
          e,
          "it stays incomplete until a retry of this run completes it");
    }
  }

  /** Writes the {@code sha256sum} side file when missing; whether it wrote it. */
  private boolean recordSha256(DatabaseTarget target, BackupKey backupKey, Manifest manifest) {
    String key = backupKey.format();
    try {
      if (store.exists(backupKey.sha256Key())) {
        return false;
      }
      store.putIfAbsent(backupKey.sha256Key(), manifest.sha256sumLine(), "text/plain");
      return true;
    } catch (AlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw storedBut(
          target,
          key,
          "with its manifest, but its " + BackupKey.SHA256_SUFFIX + " file could not be written",
          e,
          "a retry of this run writes it");
    }
  }

  /** A side file of a committed object could not be written: what is stored, and what to do. */
  private BackupException storedBut(
      DatabaseTarget target, String key, String what, IOException e, String todo) {
    return new BackupException(
        ErrorCode.STORAGE,
        "database '"
            + target.name()
            + "': the backup is stored at "
            + store.describe(key)
            + " "
            + what
            + " ("
            + e.getMessage()
            + "); "
            + todo,
        e);
  }

  private static void checkDump(
      DatabaseTarget target, int exit, PgRun pgDump, DumpScanner scanner, Cancellation cancel) {
    if (cancel.isCancelled()) {
      throw new BackupException(ErrorCode.DATABASE, "cancelled");
    }
    if (exit != 0) {
      String how =
          exit > 128
              ? "pg_dump was killed (signal " + (exit - 128) + ")"
              : "pg_dump exited with code " + exit;
      if (pgDump.stderrTail().isBlank()) {
        throw new BackupException(
            ErrorCode.DATABASE,
            "database '" + target.name() + "': " + how + "; nothing was stored");
      }
      throw new BackupException(
          ErrorCode.DATABASE, pgDump.failure() + " (" + how + "; nothing stored)");
    }
    if (!scanner.complete()) {
      throw new BackupException(
          ErrorCode.DATABASE,
          "database '"
              + target.name()
              + "': pg_dump's output ended without its 'dump complete' trailer; nothing was"
              + " stored — run the backup again");
    }
  }

  private Manifest manifest(
      BackupKey key, PgDatabase db, Instant start, DumpScanner scanner, StreamTotals totals) {
    return Manifest.ofDump(
        key,
        start,
        clock.instant(),
        pipeline.level(),
        totals,
        scanner,
        db.clientVersion(),
        db.serverVersion(),
        PG_DUMP_OPTIONS);
  }

  private static String notStarted(DatabaseTarget target, Cancellation cancel) {
    return "database '" + target.name() + "': not started, " + cancel.reason();
  }

  private String reason(DatabaseTarget target, Exception e) {
    if (e instanceof BackupException be) {
      return be.getMessage();
    }
    String what = e instanceof IOException ? "storing the backup failed: " : "unexpected error: ";
    String text = "database '" + target.name() + "': " + what + e.getMessage();
    if (!(e instanceof IOException)) {
      LOG.error("unexpected error backing up '{}'", target.name(), e);
    }
    return Failures.scrub(text, target.url().password());
  }

  private Duration since(Instant start) {
    return Duration.between(start, clock.instant());
  }
}
