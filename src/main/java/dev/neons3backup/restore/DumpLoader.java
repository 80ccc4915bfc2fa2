package dev.neons3backup.restore;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.io.ReadPipeline;
import dev.neons3backup.pg.DumpScanner;
import dev.neons3backup.pg.PgDatabase;
import dev.neons3backup.pg.PgRun;
import dev.neons3backup.store.BackupStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Streams a stored backup through decompression into psql, with no temporary file, and lets the
 * restore become final only when the whole backup was read and ended with pg_dump's trailer.
 *
 * <p>psql is never run with {@code --single-transaction}: that commits whenever its input ends,
 * whatever ended it. In one-transaction mode this class sends {@code BEGIN} itself and sends {@code
 * COMMIT} only after the trailer; any other end (a storage or decompression error, a missing
 * trailer, a signal, this JVM killed) closes psql's input or kills psql without it, and the server
 * rolls the transaction back. psql exits at the first error ({@code ON_ERROR_STOP}).
 */
final class DumpLoader {
  private static final byte[] BEGIN = "BEGIN;\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COMMIT = "\nCOMMIT;\n".getBytes(StandardCharsets.US_ASCII);

  /** How long psql gets to exit once its input is closed after a failure, before it is killed. */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

  private final BackupStore store;
  private final RestoreGuard guard;
  private final DumpScanner scanner;

  DumpLoader(BackupStore store, RestoreGuard guard) {
    this(store, guard, new DumpScanner());
  }

  /** As above; {@code scanner} sees the dump as it streams past (a drill reads its counts). */
  DumpLoader(BackupStore store, RestoreGuard guard, DumpScanner scanner) {
    this.store = store;
    this.guard = guard;
    this.scanner = scanner;
  }

  /** How feeding psql ended. */
  private enum End {
    /** The whole dump, its trailer, and (in one transaction) COMMIT went to psql. */
    SENT,
    READ_FAILED,
    NO_TRAILER,
    /** psql stopped reading: it exited, normally at an error in the dump. */
    PSQL_GONE,
    /** The JVM is stopping. */
    STOPPED
  }

  private record Fed(End end, IOException cause) {}

  /**
   * Loads {@code entry} into {@code into}, or throws with a one-line reason that ends with {@code
   * kept}: what the failed restore leaves behind.
   */
  void load(
      BackupEntry entry,
      PgDatabase into,
      boolean oneTransaction,
      String kept,
      LongConsumer progress) {
    try (PgRun psql = into.load(List.of("--output=/dev/null"))) {
      guard.track(psql);
      psql.discardStdout();
      Fed fed = feed(entry, psql.stdin(), oneTransaction, progress);
      if (fed.end() != End.SENT && fed.end() != End.PSQL_GONE) {
        psql.kill();
      }
      int exit = waitFor(psql, fed.end() == End.SENT);
      check(fed, exit, psql, into.target().name(), oneTransaction, kept);
    }
  }

  private Fed feed(
      BackupEntry entry, OutputStream sql, boolean oneTransaction, LongConsumer progress) {
    try {
      if (oneTransaction) {
        sql.write(BEGIN);
      }
    } catch (IOException e) {
      closeQuietly(sql);
      return new Fed(End.PSQL_GONE, e);
    }
    Fed streamed = stream(entry, sql, progress);
    if (streamed.end() != End.SENT) {
      closeQuietly(sql);
      return streamed;
    }
    RestoreGuard.Step last =
        () -> {
          if (oneTransaction) {
            sql.write(COMMIT);
          }
          sql.close();
        };
    try {
      boolean sent = oneTransaction ? guard.finish(last) : guard.proceed(last);
      return new Fed(sent ? End.SENT : End.STOPPED, null);
    } catch (IOException e) {
      return new Fed(End.PSQL_GONE, e);
    } finally {
      closeQuietly(sql);
    }
  }

  /** Copies the whole backup into psql; SENT here means it was read to its trailer. */
  private Fed stream(BackupEntry entry, OutputStream sql, LongConsumer progress) {
    DumpScanner end = scanner;
    ReadPipeline.Read plain;
    try {
      plain =
          new ReadPipeline(entry.compression())
              .open(store.open(entry.key()), progress, end::accept);
    } catch (IOException e) {
      return new Fed(End.READ_FAILED, e);
    }
    try (plain) {
      byte[] buf = new byte[1 << 16];
      for (; ; ) {
        int n;
        try {
          n = plain.read(buf);
        } catch (IOException e) {
          return new Fed(End.READ_FAILED, e);
        }
        if (n < 0) {
          break;
        }
        try {
          sql.write(buf, 0, n);
        } catch (IOException e) {
          return new Fed(End.PSQL_GONE, e);
        }
      }
    } catch (IOException e) {
      // Closing the source after it was read: nothing is lost.
    }
    return new Fed(end.complete() ? End.SENT : End.NO_TRAILER, null);
  }

  private static void check(
      Fed fed, int exit, PgRun psql, String name, boolean oneTx, String kept) {
    String db = "database '" + name + "': ";
    switch (fed.end()) {
      case READ_FAILED ->
          throw new BackupException(
              ErrorCode.STORAGE,
              db
                  + "reading the backup failed ("
                  + reason(fed.cause())
                  + "); "
                  + kept
                  + "; run verify"
                  + " on the backup");
      case NO_TRAILER ->
          throw new BackupException(
              ErrorCode.STORAGE,
              db
                  + "the backup ends before pg_dump's completion trailer, so it is incomplete; "
                  + kept
                  + "; run verify on the backup");
      case STOPPED ->
          throw new BackupException(
              ErrorCode.DATABASE, db + "the restore was interrupted; " + kept);
      default -> {
        if (exit != 0 || fed.end() == End.PSQL_GONE) {
          throw new BackupException(ErrorCode.DATABASE, psqlFailure(psql, exit, oneTx, kept));
        }
      }
    }
  }

  private static String psqlFailure(PgRun psql, int exit, boolean oneTransaction, String kept) {
    String advice =
        oneTransaction && psql.stderrTail().contains("max_locks_per_transaction")
            ? "; this backup needs more locks than one transaction may hold on this server:"
                + " restore it with --create-database (no single transaction) or raise"
                + " max_locks_per_transaction"
            : "";
    return psql.failure() + " (psql exited with code " + exit + "; " + kept + ")" + advice;
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /**
   * Waits for psql: without limit once it was sent the whole dump (it may be building indexes),
   * briefly otherwise (its input is closed or it was killed).
   */
  private static int waitFor(PgRun psql, boolean whole) {
    try {
      return whole ? psql.waitFor() : psql.waitFor(EXIT_WAIT).orElse(-1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      psql.kill();
      return -1;
    }
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException e) {
      // psql is gone; its exit code says why.
    }
  }
}
