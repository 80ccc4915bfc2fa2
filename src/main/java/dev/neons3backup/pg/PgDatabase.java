package dev.neons3backup.pg;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.config.DatabaseTarget;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A database whose server version is known, with the client programs chosen for that version
 * ({@link PgClient#connect}). Every failure is a {@link BackupException} whose one line names the
 * database and holds no part of its password.
 */
public final class PgDatabase {
  private final PgClient client;
  private final DatabaseTarget target;
  private final int serverVersionNum;
  private final PgBinary programs;

  PgDatabase(PgClient client, DatabaseTarget target, int serverVersionNum, PgBinary programs) {
    this.client = client;
    this.target = target;
    this.serverVersionNum = serverVersionNum;
    this.programs = programs;
  }

  public DatabaseTarget target() {
    return target;
  }

  /** The server's {@code server_version_num}, e.g. 150014. */
  public int serverVersionNum() {
    return serverVersionNum;
  }

  /** The server's version as people write it, e.g. "15.14". */
  public String serverVersion() {
    return PgVersions.server(serverVersionNum);
  }

  /** The version of the client programs chosen for this server, e.g. "17.2". */
  public String clientVersion() {
    return programs.version();
  }

  /** Another database of the same server (same version, same programs), without asking again. */
  public PgDatabase on(DatabaseTarget other) {
    return new PgDatabase(client, other, serverVersionNum, programs);
  }

  /**
   * Runs {@code sql} (one or more statements) and returns its unaligned, tuples-only output. A
   * {@code limit} of {@link Duration#ZERO} waits as long as the server works (counting rows).
   */
  public String query(String sql, Duration limit) {
    PgClient.Outcome done;
    try {
      done = client.query(programs, target, sql, limit);
    } catch (IOException e) {
      throw cannotRun(programs.psql().toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed("interrupted");
    }
    if (done.exit().isEmpty()) {
      throw failed(
          limit.isZero()
              ? "psql's output did not end"
              : "psql did not finish within " + limit.toSeconds() + " s");
    }
    if (done.exit().getAsInt() != 0) {
      throw new BackupException(ErrorCode.DATABASE, done.run().failure());
    }
    return done.stdout();
  }

  /** Starts pg_dump with {@code options}; {@code log} gets its stderr lines, scrubbed. */
  public PgRun dump(List<String> options, Consumer<String> log) {
    try {
      return client.dump(programs, target, options, log);
    } catch (IOException e) {
      throw cannotRun(programs.pgDump().toString(), e);
    }
  }

  /** Starts psql with {@code options}, reading the SQL its caller writes to {@link PgRun#stdin}. */
  public PgRun load(List<String> options) {
    try {
      return client.load(programs, target, options);
    } catch (IOException e) {
      throw cannotRun(programs.psql().toString(), e);
    }
  }

  private BackupException cannotRun(String program, IOException e) {
    return new BackupException(
        ErrorCode.CONFIG,
        Failures.scrub(
            "database '" + target.name() + "': cannot run " + program + ": " + e.getMessage(),
            target.url().password()));
  }

  private BackupException failed(String what) {
    return new BackupException(ErrorCode.DATABASE, "database '" + target.name() + "': " + what);
  }
}
