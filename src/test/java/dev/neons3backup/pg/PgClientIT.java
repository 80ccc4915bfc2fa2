package dev.neons3backup.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.TestEnv;
import dev.neons3backup.testing.Waits;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The one client against the real cluster: its version probes, queries and piped runs, failures
 * reported in one line without the password, and runs past their limit killed.
 */
class PgClientIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final ExecutorService READERS = Executors.newCachedThreadPool();
  private static final PgClient CLIENT =
      new PgClient(List.of(PG.binDir()), READERS, new PgClient.Retry(1, Duration.ofMillis(100)));

  @AfterAll
  static void stopReaders() {
    READERS.shutdownNow();
  }

  private static PgDatabase connect(String database) {
    return CLIENT.connect(DatabaseTarget.of("db", PG.url(database)), () -> false);
  }

  @Test
  void versionProbesFindTheClusterClientPrograms() {
    assertThat(CLIENT.installations().all())
        .anyMatch(
            b -> b.binDir().equals(PG.binDir()) && b.major() == PostgresCluster.DEFAULT_MAJOR);
  }

  @Test
  void connectAsksTheServerItsVersionAndPicksTheClientOfThatVersion() {
    PgDatabase db = connect("postgres");

    assertThat(db.serverVersionNum() / 10_000).isEqualTo(PostgresCluster.DEFAULT_MAJOR);
    assertThat(db.serverVersion()).startsWith(PostgresCluster.DEFAULT_MAJOR + ".");
    assertThat(db.clientVersion()).startsWith(Integer.toString(PostgresCluster.DEFAULT_MAJOR));
  }

  @Test
  void sqlLongerThanAnArgumentMayBeGoesOnStdin() {
    String padding = "/* " + "x".repeat(3_000_000) + " */";
    String out = connect("postgres").query("SELECT 41 + 1 " + padding + ";", Duration.ZERO);
    assertThat(out.strip()).isEqualTo("42");
  }

  @Test
  void aQueryOutlivingItsLimitFailsAndLeavesNoPsqlRunning() {
    PgDatabase db = connect("postgres");
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () ->
            assertThatThrownBy(() -> db.query("SELECT pg_sleep(300);", Duration.ofSeconds(2)))
                .isInstanceOf(BackupException.class)
                .hasMessage("database 'db': psql did not finish within 2 s"));
    assertNoPsqlLeft();
  }

  @Test
  void aPipedDumpIsReadByTheCallerToItsTrailer() throws Exception {
    String name = database("CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g;");
    PgDatabase db = connect(name);
    DumpScanner scanner = new DumpScanner();
    List<String> logged = new CopyOnWriteArrayList<>();

    try (PgRun dump = db.dump(List.of("--format=plain", "--verbose"), logged::add)) {
      try (InputStream in = dump.stdout()) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
          scanner.accept(buf, 0, n);
        }
      }
      assertThat(dump.waitFor()).isZero();
    }

    assertThat(scanner.complete()).isTrue();
    assertThat(scanner.rowCounts()).containsEntry("public.t", 1000L);
    assertThat(logged).isNotEmpty().noneMatch(l -> l.contains(PG.superPassword()));
  }

  @Test
  void aPipedLoadRunsWhatTheCallerWritesToItsStdin() throws Exception {
    PgDatabase db = connect(database(""));

    try (PgRun psql = db.load(List.of("--output=/dev/null"))) {
      psql.discardStdout();
      try (OutputStream sql = psql.stdin()) {
        sql.write(
            "CREATE TABLE t AS SELECT g FROM generate_series(1, 5) g;\n"
                .getBytes(StandardCharsets.UTF_8));
      }
      assertThat(psql.waitFor()).isZero();
    }

    assertThat(db.query("SELECT count(*) FROM t", Duration.ofSeconds(60)).strip()).isEqualTo("5");
  }

  @Test
  void aFailureReportsItsStderrTailInOneLineWithoutThePassword() {
    String password = PostgresCluster.AWKWARD_PASSWORD;
    PgDatabase db =
        CLIENT.connect(DatabaseTarget.of("db", PG.awkwardUserUrl("postgres")), () -> false);
    String sql =
        "DO $$ BEGIN RAISE EXCEPTION 'leaked % and %', '"
            + password
            + "', '"
            + TestEnv.percentEncode(password)
            + "'; END $$;";

    assertThatThrownBy(() -> db.query(sql, Duration.ofSeconds(60)))
        .isInstanceOfSatisfying(
            BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE))
        .hasMessageStartingWith("database 'db': ")
        .hasMessageContaining("ERROR:  leaked **** and ****")
        .hasMessageNotContaining(password)
        .hasMessageNotContaining(TestEnv.percentEncode(password))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aWrongPasswordFailsTheConnectionWithOneLineWithoutIt() {
    DatabaseTarget target =
        DatabaseTarget.of("db", PG.url(PostgresCluster.SUPERUSER, "Wrong-Secret-pw", "postgres"));

    assertThatThrownBy(() -> CLIENT.connect(target, () -> false))
        .isInstanceOf(BackupException.class)
        .hasMessageStartingWith("database 'db': ")
        .hasMessageContaining("password authentication failed")
        .hasMessageEndingWith("check the user and password in its URL")
        .hasMessageNotContaining("Wrong-Secret-pw")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aPipedRunOutlivingItsLimitIsKilledInBoundedTime() {
    PgDatabase db = connect("postgres");
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (PgRun psql = db.load(List.of())) {
            psql.discardStdout();
            // Its stdin stays open: psql would wait for more after the sleep, for ever.
            psql.stdin().write("SELECT pg_sleep(300);\n".getBytes(StandardCharsets.UTF_8));
            psql.stdin().flush();
            assertThat(psql.waitFor(Duration.ofSeconds(2))).isEmpty();
          }
        });
    assertNoPsqlLeft();
  }

  @Test
  void stderrLinesHandedToTheLogAreScrubbed() throws Exception {
    List<String> logged = new CopyOnWriteArrayList<>();
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", "echo 'FATAL: no luck for S3cret-pw' >&2");

    PgRun run = PgRun.start(pb, logged::add, READERS, "db", "S3cret-pw");

    assertThat(run.waitFor()).isZero();
    assertThat(run.stderrTail()).isEqualTo("FATAL: no luck for ****");
    assertThat(run.failure()).isEqualTo("database 'db': FATAL: no luck for ****");
    assertThat(logged).containsExactly("FATAL: no luck for ****");
  }

  private static String database(String sql) {
    String name = "pgclient_" + System.nanoTime();
    PG.createDatabase(name);
    if (!sql.isEmpty()) {
      PG.psql(name, sql);
    }
    return name;
  }

  private static void assertNoPsqlLeft() {
    Waits.until(
        "the psql started by the client to end",
        Duration.ofSeconds(30),
        () ->
            ProcessHandle.current()
                .children()
                .noneMatch(p -> p.info().command().orElse("").endsWith("/psql")));
  }
}
