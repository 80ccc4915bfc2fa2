package dev.neons3backup.it;

import static dev.neons3backup.it.Harness.PG;

import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.Waits;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Holds an ACCESS EXCLUSIVE lock on a table from a psql session, so that a pg_dump of that database
 * waits — a deterministic "dump in progress" for fault tests. Closing releases it.
 */
final class LockHolder implements AutoCloseable {
  private final Process psql;

  private LockHolder(Process psql) {
    this.psql = psql;
  }

  static LockHolder exclusive(String db, String table) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
            "/usr/lib/postgresql/15/bin/psql",
            "-X",
            "-q",
            "-d",
            "postgresql://postgres@127.0.0.1:"
                + PG.port()
                + "/"
                + db
                + "?application_name=lock-holder");
    pb.environment().put("PGPASSWORD", PostgresCluster.SUPERUSER_PASSWORD);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    OutputStream in = p.getOutputStream();
    in.write(
        ("BEGIN; LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE;\n")
            .getBytes(StandardCharsets.UTF_8));
    in.flush();
    Waits.until(
        "the lock on " + table + " to be held",
        Duration.ofSeconds(30),
        () ->
            !PG.psql(
                    db,
                    "SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name"
                        + " = 'lock-holder' AND l.mode = 'AccessExclusiveLock' AND l.granted")
                .isBlank());
    return new LockHolder(p);
  }

  @Override
  public void close() {
    psql.destroyForcibly();
  }
}
