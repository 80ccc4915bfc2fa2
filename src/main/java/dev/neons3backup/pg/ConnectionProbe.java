package dev.neons3backup.pg;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.config.DatabaseTarget;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Asks a server for its major version before anything else, retrying with backoff while the failure
 * looks transient: a Neon compute that is suspended needs a few seconds to wake up.
 */
public final class ConnectionProbe {
  private static final Logger LOG = LogManager.getLogger(ConnectionProbe.class);
  private static final List<String> TRANSIENT =
      List.of(
          "timeout expired",
          "Connection refused",
          "Connection timed out",
          "Connection reset by peer",
          "the database system is starting up",
          "the database system is in recovery mode",
          "server closed the connection unexpectedly",
          "Couldn't connect to compute node",
          "could not receive data from server");

  /** One try's bound: psql's own connect timeout normally ends it long before. */
  static final Duration TRY_TIMEOUT = Duration.ofSeconds(120);

  private final int attempts;
  private final Duration backoff;
  private final Duration tryTimeout;

  public ConnectionProbe(int attempts, Duration backoff) {
    this(attempts, backoff, TRY_TIMEOUT);
  }

  public ConnectionProbe(int attempts, Duration backoff, Duration tryTimeout) {
    this.attempts = attempts;
    this.backoff = backoff;
    this.tryTimeout = tryTimeout;
  }

  /**
   * Returns the server's {@code server_version_num}. {@code stop} is asked before every retry,
   * after the backoff too (a Lambda that is running out of time stops retrying).
   */
  public int serverVersionNum(DatabaseTarget target, PgBinary client, BooleanSupplier stop) {
    long wait = backoff.toMillis();
    for (int attempt = 1; ; attempt++) {
      Result r = query(target, client, tryTimeout);
      if (r.exit == 0) {
        return parse(target, r.stdout);
      }
      String reason = Failures.describe(target.name(), r.stderr, target.url().password());
      boolean transientFailure = TRANSIENT.stream().anyMatch(r.stderr::contains);
      if (!transientFailure || attempt >= attempts || stop.getAsBoolean()) {
        String tries = attempt > 1 ? " (after " + attempt + " attempts)" : "";
        throw new BackupException(ErrorCode.DATABASE, reason + tries);
      }
      LOG.warn(
          "database '{}': cannot connect yet (attempt {} of {}), retrying in {} ms: {}",
          target.name(),
          attempt,
          attempts,
          wait,
          reason);
      sleep(wait);
      if (stop.getAsBoolean()) {
        throw new BackupException(
            ErrorCode.DATABASE, reason + " (not retried: the run was stopped)");
      }
      wait = Math.min(wait * 2, 30_000);
    }
  }

  private record Result(int exit, String stdout, String stderr) {}

  private static Result query(DatabaseTarget target, PgBinary client, Duration timeout) {
    ProcessBuilder pb =
        new ProcessBuilder(
            client.psql().toString(),
            "--no-psqlrc",
            "--no-password",
            "--no-align",
            "--tuples-only",
            "--quiet",
            "--command",
            "SHOW server_version_num",
            "--dbname",
            target.url().withoutPassword());
    PgEnvironment.apply(pb, target.url());
    try {
      Process p = pb.start();
      PgProcesses.closeInput(p);
      StderrTail err = StderrTail.start(p, line -> {}, "probe-" + target.name());
      var done = PgProcesses.finish(p, timeout);
      if (done.isEmpty()) {
        return new Result(
            -1, "", "timeout expired (psql did not answer in " + timeout.toSeconds() + " s)");
      }
      return new Result(done.get().exit(), done.get().stdout().trim(), err.text());
    } catch (IOException e) {
      throw new BackupException(
          ErrorCode.CONFIG,
          "database '" + target.name() + "': cannot run " + client.psql() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException(
          ErrorCode.DATABASE, "database '" + target.name() + "': interrupted");
    }
  }

  private static int parse(DatabaseTarget target, String stdout) {
    try {
      return Integer.parseInt(stdout.trim());
    } catch (NumberFormatException e) {
      throw new BackupException(
          ErrorCode.DATABASE,
          "database '" + target.name() + "': the server did not report its version.");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
