package dev.neons3backup.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neons3backup.BackupException;
import dev.neons3backup.config.ConnectionUrl;
import dev.neons3backup.pg.PgBinary;
import dev.neons3backup.pg.PgInstallations;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.Waits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The restore's own psql queries: SQL of any length, and a wait that really is bounded. */
class PsqlIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final PgBinary PSQL = PgInstallations.discover(List.of()).newest();
  private static final ConnectionUrl URL = ConnectionUrl.parse("db", PG.url("postgres"));

  @Test
  void sqlLongerThanAnArgumentMayBeGoesOnStdin() {
    String padding = "/* " + "x".repeat(3_000_000) + " */";
    String out = Psql.query(PSQL, URL, "db", "SELECT 41 + 1 " + padding + ";", Duration.ZERO);
    assertThat(out.strip()).isEqualTo("42");
  }

  @Test
  void aQueryOutlivingItsLimitFailsAndLeavesNoPsqlRunning() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () ->
            assertThatThrownBy(
                    () ->
                        Psql.query(PSQL, URL, "db", "SELECT pg_sleep(300);", Duration.ofSeconds(2)))
                .isInstanceOf(BackupException.class)
                .hasMessage("database 'db': psql did not finish within 2 s"));
    Waits.until(
        "the psql started by the query to end",
        Duration.ofSeconds(30),
        () ->
            ProcessHandle.current()
                .children()
                .noneMatch(p -> p.info().command().orElse("").endsWith("/psql")));
  }
}
