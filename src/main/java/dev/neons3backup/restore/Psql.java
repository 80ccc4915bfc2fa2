package dev.neons3backup.restore;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.concurrent.Threads;
import dev.neons3backup.config.ConnectionUrl;
import dev.neons3backup.pg.Failures;
import dev.neons3backup.pg.PgBinary;
import dev.neons3backup.pg.PgProcesses;
import dev.neons3backup.pg.StderrTail;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs SQL through psql for the restore's own queries. The SQL goes on stdin, never in argv (the
 * row-count check of 5,000 tables is ~300 KB: too long for an argument), stdout is read on its own
 * thread so that waiting for psql can time out, and psql never outlives the call.
 */
final class Psql {
  /** Long enough for any catalog query or CREATE/DROP/ALTER DATABASE on a busy server. */
  static final Duration CATALOG_LIMIT = Duration.ofMinutes(5);

  private Psql() {}

  /**
   * Runs {@code sql} (one or more statements) and returns its unaligned, tuples-only output. A
   * {@code limit} of {@link Duration#ZERO} waits as long as the server works (counting rows).
   */
  static String query(PgBinary bin, ConnectionUrl url, String name, String sql, Duration limit) {
    Process p;
    try {
      p = PgProcesses.psql(bin, url, List.of("--no-align", "--tuples-only"));
    } catch (IOException e) {
      throw new BackupException(
          ErrorCode.CONFIG, "database '" + name + "': cannot run " + bin.psql() + ": " + e);
    }
    try {
      StderrTail stderr = StderrTail.start(p, line -> {}, "psql-" + name);
      FutureTask<String> out = readAsync(p.getInputStream(), name);
      try (OutputStream in = p.getOutputStream()) {
        in.write(sql.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // psql ended before reading everything: its exit code and stderr say why.
      }
      if (!exited(p, limit, name)) {
        throw new BackupException(
            ErrorCode.DATABASE,
            "database '" + name + "': psql did not finish within " + limit.toSeconds() + " s");
      }
      if (p.exitValue() != 0) {
        throw new BackupException(
            ErrorCode.DATABASE, Failures.describe(name, stderr.text(), url.password()));
      }
      return result(out, name);
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  private static boolean exited(Process p, Duration limit, String name) {
    try {
      if (limit.isZero()) {
        p.waitFor();
        return true;
      }
      return p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException(ErrorCode.DATABASE, "database '" + name + "': interrupted");
    }
  }

  private static FutureTask<String> readAsync(InputStream in, String name) {
    FutureTask<String> task =
        new FutureTask<>(
            () -> {
              try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
              }
            });
    Threads.start("psql-out-" + name, task);
    return task;
  }

  private static String result(FutureTask<String> out, String name) {
    try {
      return out.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new BackupException(
          ErrorCode.DATABASE,
          "database '" + name + "': reading psql's output failed: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new BackupException(
          ErrorCode.DATABASE, "database '" + name + "': psql's output did not end");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException(ErrorCode.DATABASE, "database '" + name + "': interrupted");
    }
  }
}
