package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.testing.PostgresCluster;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database of 5,000 tables, on a server with PostgreSQL's default max_locks_per_transaction (64):
 * too many for one transaction, so a restore into an existing database fails with PostgreSQL's hint
 * and leaves it unchanged, while --create-database restores it all and checks every table's rows.
 */
class ManyTablesRestoreIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final int TABLES = 5_000;

  @TempDir Path work;

  @Test
  void fiveThousandTablesRestoreWithCreateDatabaseAndFailWholeInOneTransaction() {
    assertThat(PG.psql("postgres", "SHOW max_locks_per_transaction").strip()).isEqualTo("64");
    String source = "many_src_" + suffix();
    PG.createDatabase(source);
    StringBuilder sql = new StringBuilder();
    // One transaction per 500 tables: creating all 5,000 at once needs the locks we lack.
    for (int from = 1; from <= TABLES; from += 500) {
      sql.append("DO $$ BEGIN FOR i IN ")
          .append(from)
          .append("..")
          .append(from + 499)
          .append(" LOOP EXECUTE format('CREATE TABLE t%s (id int, v text);")
          .append(" INSERT INTO t%s VALUES (%s, ''x'')', i, i, i); END LOOP; END $$;\n");
    }
    PG.psql(source, sql.toString());
    Result backup = cli("backup", "--url", PG.url(source), "--name", "many");
    assertThat(backup.exit()).as(backup.all()).isZero();

    String existing = "many_dst_" + suffix();
    PG.createDatabase(existing);
    Result into = cli("restore", "--name", "many", "--target-url", PG.url(existing));
    assertThat(into.exit()).as(into.all()).isEqualTo(3);
    assertThat(into.err().strip())
        .doesNotContain("\n")
        .contains("out of shared memory")
        .contains("HINT: You might need to increase max_locks_per_transaction")
        .contains("nothing was committed")
        .contains("--create-database");
    assertThat(
            PG.psql(existing, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").strip())
        .isEqualTo("0");

    String created = "many_new_" + suffix();
    Result fresh =
        cli("restore", "--name", "many", "--target-url", PG.url(created), "--create-database");
    assertThat(fresh.exit()).as(fresh.all()).isZero();
    assertThat(fresh.out()).contains("Row counts match the backup: 5,000 tables, 5,000 rows.");
    assertThat(PG.psql(created, "SELECT sum(id) FROM t4999").strip()).isEqualTo("4999");
    PG.dropDatabase(source);
    PG.dropDatabase(existing);
    PG.dropDatabase(created);
  }

  private Result cli(String... args) {
    return CliProcess.run(work, Map.of(), args);
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 6);
  }
}
