package dev.neons3backup.pg;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.config.DatabaseTarget;
import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Asks a server for its version before anything else, retrying with backoff while the failure looks
 * transient: a Neon compute that is suspended needs a few seconds to wake up.
 */
final class ConnectionProbe {
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

  private final PgClient.Retry retry;

  ConnectionProbe(PgClient.Retry retry) {
    this.retry = retry;
  }

  /**
   * Returns the server's {@code server_version_num}. {@code stop} is asked before every retry,
   * after the backoff too (a Lambda that is running out of time stops retrying).
   */
  int serverVersionNum(
      PgClient client, DatabaseTarget target, PgBinary psql, BooleanSupplier stop) {
    long wait = retry.backoff().toMillis();
    for (int attempt = 1; ; attempt++) {
      Answer a = ask(client, target, psql);
      if (a.exit() == 0) {
        return parse(target, a.stdout());
      }
      String reason = Failures.describe(target.name(), a.stderr(), target.url().password());
      boolean transientFailure = TRANSIENT.stream().anyMatch(a.stderr()::contains);
      if (!transientFailure || attempt >= retry.attempts() || stop.getAsBoolean()) {
        String tries = attempt > 1 ? " (after " + attempt + " attempts)" : "";
        throw new BackupException(ErrorCode.DATABASE, reason + tries);
      }
      LOG.warn(
          "database '{}': cannot connect yet (attempt {} of {}), retrying in {} ms: {}",
          target.name(),
          attempt,
          retry.attempts(),
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

  private record Answer(int exit, String stdout, String stderr) {}

  private Answer ask(PgClient client, DatabaseTarget target, PgBinary psql) {
    try {
      var done = client.query(psql, target, "SHOW server_version_num;\n", retry.tryTimeout());
      if (done.exit().isEmpty()) {
        String why =
            "timeout expired (psql did not answer in " + retry.tryTimeout().toSeconds() + " s)";
        return new Answer(-1, "", why);
      }
      return new Answer(done.exit().getAsInt(), done.stdout().trim(), done.run().stderrTail());
    } catch (IOException e) {
      throw new BackupException(
          ErrorCode.CONFIG,
          "database '" + target.name() + "': cannot run " + psql.psql() + ": " + e.getMessage());
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
