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
import dev.neons3backup.io.Compression;
import dev.neons3backup.io.DigestingOutputStream;
import dev.neons3backup.pg.ConnectionProbe;
import dev.neons3backup.pg.DumpScanner;
import dev.neons3backup.pg.Failures;
import dev.neons3backup.pg.PgBinary;
import dev.neons3backup.pg.PgInstallations;
import dev.neons3backup.pg.PgProcesses;
import dev.neons3backup.pg.StderrTail;
import dev.neons3backup.store.AlreadyExistsException;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.ObjectSink;
import dev.neons3backup.store.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
  private final PgInstallations pg;
  private final ConnectionProbe probe;
  private final DumpOptions options;
  private final Compression compression;
  private final Clock clock;

  public BackupJob(
      BackupStore store,
      PgInstallations pg,
      ConnectionProbe probe,
      DumpOptions options,
      Clock clock) {
    this.store = store;
    this.pg = pg;
    this.probe = probe;
    this.options = options;
    this.compression = options.compression();
    this.clock = clock;
  }

  public BackupResult run(
      DatabaseTarget target, Instant keyTime, Cancellation cancel, LongConsumer progress) {
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
      int versionNum = probe.serverVersionNum(target, pg.newest(), cancel::outOfTime);
      PgBinary pgDump = pg.forServer(target.name(), versionNum / 10_000);
      Manifest manifest =
          dump(target, backupKey, pgDump, versionNum, start, cancel, progress, objectStored);
      return BackupResult.succeeded(
          target.name(), key, store.describe(key), since(start), manifest);
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
      ErrorCode code =
          e instanceof BackupException be
              ? be.code()
              : e instanceof IOException ? ErrorCode.STORAGE : ErrorCode.INTERNAL;
      return BackupResult.failed(target.name(), key, reason(target, e), since(start), code);
    }
  }

  private Manifest dump(
      DatabaseTarget target,
      BackupKey backupKey,
      PgBinary bin,
      int versionNum,
      Instant start,
      Cancellation cancel,
      LongConsumer progress,
      AtomicBoolean objectStored)
      throws IOException, InterruptedException {
    String key = backupKey.format();
    // The sink first: a store that cannot even start a write must not leave a pg_dump running.
    ObjectSink sink = store.create(key, compression.contentType());
    Process process;
    try {
      process = PgProcesses.pgDump(bin, target.url(), PG_DUMP_OPTIONS);
    } catch (IOException | RuntimeException e) {
      sink.abort();
      throw e;
    }
    cancel.register(process);
    String password = target.url().password();
    StderrTail stderr =
        StderrTail.start(
            process,
            line -> LOG.info("pg_dump: {}", Failures.scrub(line, password)),
            "pg_dump-" + target.name());
    boolean committed = false;
    try {
      DigestingOutputStream stored = new DigestingOutputStream(sink.stream());
      DumpScanner scanner = new DumpScanner();
      try (InputStream in = process.getInputStream();
          OutputStream out = compression.compress(stored, options.level(), options.threads())) {
        byte[] buf = new byte[READ_BUFFER];
        for (int n; (n = in.read(buf)) > 0; ) {
          scanner.accept(buf, 0, n);
          out.write(buf, 0, n);
          progress.accept(n);
        }
      }
      int exit = process.waitFor();
      checkDump(target, exit, stderr, scanner, cancel);
      StoredObject object = sink.commit();
      committed = true;
      objectStored.set(true);
      Manifest manifest =
          manifest(backupKey, bin, versionNum, start, scanner, stored).withNeon(target.origin());
      recordManifest(target, backupKey, manifest);
      recordSha256(target, backupKey, manifest);
      LOG.debug("stored {} ({} bytes)", object.location(), object.size());
      return manifest;
    } finally {
      cancel.unregister(process);
      if (!committed) {
        process.destroyForcibly();
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
            target.name(), key, store.describe(key), why, since(start), manifest);
      }
    }
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
      DatabaseTarget target,
      int exit,
      StderrTail stderr,
      DumpScanner scanner,
      Cancellation cancel) {
    if (cancel.isCancelled()) {
      throw new BackupException(ErrorCode.DATABASE, "cancelled");
    }
    if (exit != 0) {
      String text = stderr.text();
      String how =
          exit > 128
              ? "pg_dump was killed (signal " + (exit - 128) + ")"
              : "pg_dump exited with code " + exit;
      if (text.isBlank()) {
        throw new BackupException(
            ErrorCode.DATABASE,
            "database '" + target.name() + "': " + how + "; nothing was stored");
      }
      String detail = Failures.describe(target.name(), text, target.url().password());
      throw new BackupException(ErrorCode.DATABASE, detail + " (" + how + "; nothing stored)");
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
      BackupKey key,
      PgBinary bin,
      int versionNum,
      Instant start,
      DumpScanner scanner,
      DigestingOutputStream stored) {
    return Manifest.ofDump(
        key,
        start,
        clock.instant(),
        options.level(),
        stored.result(),
        scanner,
        bin.version(),
        serverVersion(versionNum),
        PG_DUMP_OPTIONS);
  }

  static String serverVersion(int num) {
    return num >= 100_000 ? (num / 10_000) + "." + (num % 10_000) : Integer.toString(num);
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
