package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.Waits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drill}: restores the newest complete backup into a scratch database it creates, compares
 * rows and schema objects, always drops that database, and records the outcome beside the backup.
 */
class DrillIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final Duration BOUND = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static String awkward;

  @TempDir Path work;

  @BeforeAll
  static void awkwardDatabase() throws IOException {
    awkward = "drl_awk_" + suffix();
    PG.createDatabase(awkward);
    String fixture;
    try (InputStream in = DrillIT.class.getResourceAsStream("/fixtures/awkward.sql")) {
      fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    PG.psql(awkward, fixture);
    // Kinds the fixture lacks: a plain index, a foreign key, a procedure, a composite type.
    PG.psql(
        awkward,
        "CREATE INDEX audit_what ON public.audit_log (what);"
            + "CREATE TABLE public.notes (id int PRIMARY KEY, doc int REFERENCES public.documents);"
            + "CREATE PROCEDURE public.noop() LANGUAGE sql AS 'SELECT 1';"
            + "CREATE TYPE public.pair AS (a int, b text);");
  }

  @AfterAll
  static void dropSource() {
    PG.dropDatabase(awkward);
  }

  @Test
  void aDrillOfTheAwkwardSchemaPassesAndRecordsObjectsAndRows() throws Exception {
    backup(awkward, "awk");
    Result r = cli("drill", "--name", "awk", "--target-url", PG.url("postgres"));
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("passed  awk ").contains("1 passed, 0 failed");
    JsonNode record = drillRecord("awk");
    assertThat(record.path("outcome").asText()).isEqualTo("passed");
    assertThat(record.path("expectedObjects")).isEqualTo(record.path("restoredObjects"));
    JsonNode objects = record.path("expectedObjects");
    assertThat(objects.path("tables").asLong()).isEqualTo(8);
    assertThat(objects.path("views").asLong()).isEqualTo(1);
    assertThat(objects.path("materializedViews").asLong()).isEqualTo(1);
    assertThat(objects.path("sequences").asLong()).isEqualTo(4);
    assertThat(objects.path("functions").asLong()).isEqualTo(2);
    assertThat(objects.path("indexes").asLong()).isEqualTo(1);
    assertThat(objects.path("constraints").asLong()).isEqualTo(5);
    assertThat(objects.path("triggers").asLong()).isEqualTo(1);
    assertThat(objects.path("types").asLong()).isEqualTo(3);
    assertThat(record.path("tablesCompared").asInt()).isEqualTo(7);
    assertThat(record.path("rowsCompared").asLong()).isEqualTo(2000 + 5 + 1 + 2);
    assertThat(record.path("scratchServerVersion").asText()).startsWith("15.");
    assertThat(drillDatabases()).isEmpty();

    Result json = cli("--json", "drill", "--target-url", PG.url("postgres"));
    assertThat(json.exit()).as(json.all()).isZero();
    assertThat(JSON.readTree(json.out()).get(0).path("outcome").asText()).isEqualTo("passed");
  }

  @Test
  void aBackupThatLostRowsAfterVerifyFailsItsDrillWithTheReason() throws Exception {
    String db = "drl_rows_" + suffix();
    PG.createDatabase(db);
    PG.psql(
        db, "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 100) g;");
    Path object = backup(db, "rows");
    assertThat(cli("verify", "--name", "rows").exit()).isZero();
    rewrite(object, "42\t" + md5("42") + "\n", "");

    Result r = cli("drill", "--target-url", PG.url("postgres"));
    assertThat(r.exit()).as(r.all()).isEqualTo(5);
    assertThat(r.out()).contains("FAILED  rows: database 'rows'").contains("public.t");
    JsonNode record = drillRecord("rows");
    assertThat(record.path("outcome").asText()).isEqualTo("failed");
    assertThat(record.path("reason").asText()).contains("recorded 100, restored 99");
    assertThat(drillDatabases()).isEmpty();
    PG.dropDatabase(db);
  }

  @Test
  void aDamagedObjectFailsItsDrillAndIsRecorded() throws Exception {
    String db = "drl_dmg_" + suffix();
    PG.createDatabase(db);
    PG.psql(db, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100) g;");
    Path object = backup(db, "dmg");
    rewrite(object, "CREATE TABLE public.t", "CREATE TABLE public.t public.t");

    Result r = cli("drill", "--target-url", PG.url("postgres"));
    assertThat(r.exit()).as(r.all()).isEqualTo(5);
    JsonNode record = drillRecord("dmg");
    assertThat(record.path("outcome").asText()).isEqualTo("failed");
    assertThat(record.path("reason").asText()).contains("database 'dmg'").doesNotContain("\n");
    assertThat(drillDatabases()).isEmpty();
    PG.dropDatabase(db);
  }

  @Test
  void aScratchServerThatRefusesConnectionsFailsTheDrillWithoutTouchingTheBackup()
      throws Exception {
    backup(awkward, "awk");
    Map<String, String> before = digests(work.resolve("backups"));
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String url = "postgresql://postgres:secret-pw@127.0.0.1:" + closed + "/postgres";
    Result r = assertTimeoutPreemptively(BOUND, () -> cli("drill", "--target-url", url));
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(r.out()).contains("FAILED  awk: database 'awk'");
    assertThat(r.all()).doesNotContain("secret-pw").doesNotContain("Exception");
    assertThat(digests(work.resolve("backups"))).isEqualTo(before);
  }

  @Test
  void sigtermMidDrillDropsTheScratchDatabase() throws Exception {
    String db = "drl_big_" + suffix();
    PG.createDatabase(db);
    PG.psql(
        db,
        "CREATE TABLE a_rows AS SELECT md5(g::text) || md5((-g)::text) AS body"
            + " FROM generate_series(1, 1500000) g;");
    backup(db, "big");
    PG.dropDatabase(db);
    Process cli = start("drill", "--target-url", PG.url("postgres"));
    Waits.until(
        "a COPY into a drill database",
        BOUND,
        () -> {
          assertThat(cli.isAlive()).as("the CLI ended before the COPY").isTrue();
          return !PG.psql(
                  "postgres",
                  "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'nsb\\_drill\\_%'"
                      + " AND query LIKE 'COPY%'")
              .strip()
              .equals("0");
        });
    cli.destroy();
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(cli.exitValue()).isNotZero();
    assertThat(drillDatabases()).isEmpty();
    assertThat(Files.readString(work.resolve("cli.err")))
        .contains("database 'big': the drill was stopped by a signal; the scratch database was");
  }

  @Test
  void theNextDrillDropsTheScratchDatabaseOfAKilledDrill() throws Exception {
    String db = "drl_kill_" + suffix();
    PG.createDatabase(db);
    PG.psql(
        db,
        "CREATE TABLE a_rows AS SELECT md5(g::text) AS body FROM generate_series(1, 300000) g;");
    backup(db, "kill");
    PG.dropDatabase(db);
    Process cli = start("drill", "--target-url", PG.url("postgres"));
    // Marked, not only created: a kill between CREATE DATABASE and COMMENT leaves a database no
    // drill may drop (it cannot prove it made it); this test is about the marked leftover.
    Waits.until(
        "a marked drill database",
        BOUND,
        () -> {
          assertThat(cli.isAlive()).as("the CLI ended before creating its database").isTrue();
          return !PG.psql(
                  "postgres",
                  "SELECT datname FROM pg_database WHERE datname LIKE 'nsb\\_drill\\_%'"
                      + " AND pg_catalog.shobj_description(oid, 'pg_database') IS NOT NULL")
              .isBlank();
        });
    cli.destroyForcibly(); // SIGKILL: no cleanup runs
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> left = drillDatabases();
    assertThat(left).hasSize(1);

    Result r = cli("drill", "--target-url", PG.url("postgres"), "--leftover-minutes", "0");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.all())
        .contains("scratch database '" + left.get(0) + "' was left by a drill")
        .contains("killed: dropped");
    assertThat(drillDatabases()).isEmpty();
  }

  @Test
  void localDrillsOnAThrowawayClusterAndRemovesIt() throws Exception {
    backup(awkward, "awk");
    List<Path> before = scratchDirs();
    Result r = assertTimeoutPreemptively(BOUND, () -> cli("drill", "--local"));
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("passed  awk ");
    assertThat(drillRecord("awk").path("scratch").asText()).startsWith("127.0.0.1:");
    assertThat(scratchDirs()).isEqualTo(before);
  }

  @Test
  void usageMistakesAreOneLine() {
    Result none = cli("drill");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err().strip())
        .isEqualTo("error: give --local or --target-url URL (one of them).");
  }

  // --- helpers

  private Result cli(String... args) {
    return CliProcess.run(work, Map.of(), args);
  }

  private Path backup(String db, String name) throws IOException {
    Result r = cli("backup", "--url", PG.url(db), "--name", name);
    assertThat(r.exit()).as(r.all()).isZero();
    try (Stream<Path> files = Files.walk(work.resolve("backups/" + name))) {
      return files.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
    }
  }

  /** Rewrites a stored object so that it still decompresses, with {@code from} replaced. */
  private static void rewrite(Path object, String from, String to) throws IOException {
    String sql;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(object))) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(sql).contains(from);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(sql.replace(from, to).getBytes(StandardCharsets.UTF_8));
    }
    Files.write(object, bytes.toByteArray());
  }

  private JsonNode drillRecord(String name) throws IOException {
    try (Stream<Path> files = Files.walk(work.resolve("backups/" + name))) {
      List<Path> found = files.filter(p -> p.toString().endsWith(".drill.json")).toList();
      assertThat(found).hasSize(1);
      return JSON.readTree(found.get(0).toFile());
    }
  }

  private static List<String> drillDatabases() {
    return PG.psql(
            "postgres", "SELECT datname FROM pg_database WHERE datname LIKE 'nsb\\_drill\\_%'")
        .lines()
        .filter(l -> !l.isBlank())
        .toList();
  }

  private static List<Path> scratchDirs() throws IOException {
    try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return all.filter(p -> p.getFileName().toString().startsWith("nsb-drill-")).sorted().toList();
    }
  }

  private static Map<String, String> digests(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
        out.put(root.relativize(f).toString(), HexFormat.of().formatHex(sha));
      }
    }
    return out;
  }

  private Process start(String... args) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-jar");
    argv.add(
        Path.of(System.getProperty("project.jar", "target/neon-s3-backup.jar"))
            .toAbsolutePath()
            .toString());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).directory(work.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("S3_BUCKET"));
    pb.redirectOutput(work.resolve("cli.out").toFile());
    pb.redirectError(work.resolve("cli.err").toFile());
    return pb.start();
  }

  private static String md5(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 6);
  }
}
