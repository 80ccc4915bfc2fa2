package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.testing.FaultyProxy;
import dev.neons3backup.testing.ForbiddingS3;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.Waits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A restore either restores the whole backup or leaves the target as it was: whatever ends it (a
 * cut or damaged object, a store that refuses, a signal, the process killed), and in bounded time.
 */
class RestoreIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final Duration BOUND = Duration.ofSeconds(120);
  private static String source;
  private static String big;
  private static Path bigBackups;

  @TempDir Path work;

  @BeforeAll
  static void sourceDatabases() {
    source = "rst_src_" + suffix();
    PG.createDatabase(source);
    PG.psql(
        source,
        "CREATE TABLE accounts AS SELECT g AS id, repeat('account ' || g, 3) AS name"
            + " FROM generate_series(1, 30000) g;"
            + "CREATE TABLE events AS SELECT g AS id, md5(g::text) AS body"
            + " FROM generate_series(1, 30000) g;");
    big = "rst_big_" + suffix();
    PG.createDatabase(big);
    PG.psql(
        big,
        // One text column: input cut anywhere in a row still is a valid (shorter) row.
        "CREATE TABLE a_rows AS SELECT md5(g::text) || md5((-g)::text) AS body"
            + " FROM generate_series(1, 3000000) g;");
  }

  /** The big database backed up once; each test copies the backup into its own store. */
  private void copyBigBackup() throws IOException {
    synchronized (RestoreIT.class) {
      if (bigBackups == null) {
        Path dir = Files.createTempDirectory("restore-it-big");
        Result r = CliProcess.run(dir, Map.of(), backupArgs(big, "big"));
        assertThat(r.exit()).as(r.all()).isZero();
        bigBackups = dir.resolve("backups/big");
      }
    }
    Path into = Files.createDirectories(work.resolve("backups/big"));
    try (Stream<Path> files = Files.list(bigBackups)) {
      for (Path f : files.toList()) {
        Files.copy(f, into.resolve(f.getFileName()));
      }
    }
  }

  @AfterAll
  static void dropSources() {
    PG.dropDatabase(source);
    PG.dropDatabase(big);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "zstd"})
  void aTruncatedBackupCommitsNothingIntoAnExistingDatabase(String compression) throws Exception {
    Path object = backup(source, "shop", compression);
    cut(object);
    String target = emptyDatabase();
    Result r = cli("restore", "--name", "shop", "--target-url", PG.url(target));
    assertThat(tables(target)).as(r.all()).isZero();
    assertThat(r.exit()).as(r.all()).isEqualTo(4);
    assertOneLine(r.err())
        .contains("reading the backup failed")
        .contains("nothing was committed")
        .contains("run verify");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "zstd"})
  void aTruncatedBackupLeavesNoDatabaseWithCreateDatabase(String compression) throws Exception {
    Path object = backup(source, "shop", compression);
    cut(object);
    String target = "rst_new_" + suffix();
    Result r =
        cli("restore", "--name", "shop", "--target-url", PG.url(target), "--create-database");
    assertThat(databasesNamedLike(target)).as(r.all()).isEmpty();
    assertThat(r.exit()).as(r.all()).isEqualTo(4);
    assertOneLine(r.err()).contains("reading the backup failed").contains("no database '" + target);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "zstd"})
  void aDamagedCompressionHeaderFailsInBoundedTime(String compression) throws Exception {
    Path object = backup(source, "shop", compression);
    try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
      f.write(new byte[] {'X', 'X', 'X', 'X'});
    }
    String target = emptyDatabase();
    Result r =
        assertTimeoutPreemptively(
            BOUND, () -> cli("restore", "--name", "shop", "--target-url", PG.url(target)));
    assertThat(r.exit()).as(r.all()).isEqualTo(4);
    assertOneLine(r.err()).contains("reading the backup failed");
    assertThat(tables(target)).isZero();

    String created = "rst_new_" + suffix();
    Result c =
        assertTimeoutPreemptively(
            BOUND,
            () ->
                cli(
                    "restore",
                    "--name",
                    "shop",
                    "--target-url",
                    PG.url(created),
                    "--create-database"));
    assertThat(c.exit()).as(c.all()).isEqualTo(4);
    assertThat(databasesNamedLike(created)).isEmpty();
  }

  @Test
  void aBackupThatDecompressesButLacksItsTrailerCommitsNothing() throws Exception {
    Path object = backup(source, "shop", "gzip");
    byte[] plain;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(object))) {
      plain = in.readAllBytes();
    }
    String text = new String(plain, java.nio.charset.StandardCharsets.UTF_8);
    int cut = text.indexOf("\n", text.indexOf("COPY public.events")) + 1;
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(object))) {
      out.write(text.substring(0, cut).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String target = emptyDatabase();
    Result r = cli("restore", "--name", "shop", "--target-url", PG.url(target));
    assertThat(r.exit()).as(r.all()).isEqualTo(4);
    assertOneLine(r.err()).contains("ends before pg_dump's completion trailer");
    assertThat(tables(target)).isZero();
  }

  @Test
  void aStoreRefusingTheObjectFailsInBoundedTimeWithExitFour() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "rst-" + suffix();
    s3.createBucket(bucket);
    Result backup =
        CliProcess.run(work, s3Env(bucket, s3.endpoint().toString()), backupArgs(source, "shop"));
    assertThat(backup.exit()).as(backup.all()).isZero();
    String target = emptyDatabase();
    try (ForbiddingS3 proxy = ForbiddingS3.to(s3.endpoint(), ".sql.gz")) {
      Map<String, String> env = s3Env(bucket, proxy.endpoint().toString());
      Result r =
          assertTimeoutPreemptively(
              BOUND,
              () ->
                  CliProcess.run(
                      work, env, "restore", "--name", "shop", "--target-url", PG.url(target)));
      assertThat(r.exit()).as(r.all()).isEqualTo(4);
      assertOneLine(r.err()).contains("reading the backup failed").contains("AccessDenied");
      assertThat(proxy.refused()).isPositive();
    }
    assertThat(tables(target)).isZero();
  }

  @Test
  void killingTheCliMidRestoreLeavesAnExistingDatabaseUnchanged() throws Exception {
    copyBigBackup();
    String target = emptyDatabase();
    Process cli = start(false, "restore", "--name", "big", "--target-url", PG.url(target));
    waitForCopyInto(target, cli);
    cli.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    awaitNoSessions(target);
    assertThat(tables(target)).isZero();
  }

  @Test
  void killingTheCliMidRestoreWithCreateDatabaseLeavesOnlyTheTemporaryCopy() throws Exception {
    copyBigBackup();
    String target = "rst_new_" + suffix();
    Process cli =
        start(
            false, "restore", "--name", "big", "--target-url", PG.url(target), "--create-database");
    waitForCopyInto(target + "_restoring_%", cli);
    cli.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    List<String> left = databasesNamedLike(target);
    assertThat(left).hasSize(1);
    assertThat(left.get(0)).matches(target + "_restoring_[0-9a-f]{8}");
    PG.dropDatabase(left.get(0));
  }

  @Test
  void sigtermMidRestoreLeavesTheTargetUnchangedAndDropsTheTemporaryCopy() throws Exception {
    copyBigBackup();
    String target = emptyDatabase();
    Process cli = start(false, "restore", "--name", "big", "--target-url", PG.url(target));
    waitForCopyInto(target, cli);
    cli.destroy();
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(cli.exitValue()).isNotZero();
    awaitNoSessions(target);
    assertThat(tables(target)).isZero();
    assertThat(Files.readString(work.resolve("cli.err")))
        .contains("database 'big': the restore was stopped by a signal; nothing was committed");

    String created = "rst_new_" + suffix();
    Process c =
        start(
            false,
            "restore",
            "--name",
            "big",
            "--target-url",
            PG.url(created),
            "--create-database");
    waitForCopyInto(created + "_restoring_%", c);
    c.destroy();
    assertThat(c.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(databasesNamedLike(created)).isEmpty();
    assertThat(Files.readString(work.resolve("cli.err")))
        .contains("the restore was stopped by a signal; no database '" + created + "' was created")
        .contains("dropped");
  }

  /**
   * The server goes away mid-restore with --create-database: the partial copy cannot be dropped,
   * and the error must say so (with the copy's name) instead of claiming it was dropped.
   */
  @Test
  void aCopyThatCouldNotBeDroppedIsNamedNotClaimedDropped() throws Exception {
    copyBigBackup();
    String target = "rst_new_" + suffix();
    try (FaultyProxy proxy = FaultyProxy.to(URI.create("tcp://127.0.0.1:" + PG.port()))) {
      String url =
          PG.url(target).replace(":" + PG.port() + "/", ":" + proxy.endpoint().getPort() + "/");
      Process cli =
          start(false, "restore", "--name", "big", "--target-url", url, "--create-database");
      waitForCopyInto(target + "_restoring_%", cli);
      proxy.dropNextConnections(1_000);
      proxy.cutConnectionsCarrying(0);
      assertThat(cli.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(cli.exitValue()).as(output()).isEqualTo(3);
    }
    List<String> left = databasesNamedLike(target);
    assertThat(left).as(output()).hasSize(1);
    String error =
        Files.readString(work.resolve("cli.err"))
            .lines()
            .filter(l -> l.startsWith("error: "))
            .findFirst()
            .orElseThrow();
    assertThat(error)
        .doesNotContain("was dropped")
        .contains("no database '" + target + "' was created")
        .contains("could not be dropped", left.get(0));
    PG.dropDatabase(left.get(0));
  }

  /** Ctrl-C in a terminal signals the whole process group: the CLI and its psql alike. */
  @Test
  void ctrlCToTheProcessGroupMidRestoreCommitsNothing() throws Exception {
    copyBigBackup();
    String target = emptyDatabase();
    Process cli = start(true, "restore", "--name", "big", "--target-url", PG.url(target));
    waitForCopyInto(target, cli);
    Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + cli.pid()).inheritIO().start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(cli.exitValue()).isNotZero();
    awaitNoSessions(target);
    assertThat(tables(target)).isZero();
  }

  @Test
  void inheritedAndPartitionedTablesCountTheirOwnRows() {
    String db = "rst_inh_" + suffix();
    PG.createDatabase(db);
    PG.psql(
        db,
        "CREATE TABLE parent (id int); CREATE TABLE child () INHERITS (parent);"
            + "INSERT INTO parent VALUES (1), (2); INSERT INTO child VALUES (3), (4), (5);"
            + "CREATE TABLE measures (at int) PARTITION BY RANGE (at);"
            + "CREATE TABLE measures_low PARTITION OF measures FOR VALUES FROM (0) TO (100);"
            + "CREATE TABLE measures_high PARTITION OF measures FOR VALUES FROM (100) TO (200);"
            + "INSERT INTO measures SELECT g FROM generate_series(1, 150) g;");
    assertThat(cli(backupArgs(db, "inh")).exit()).isZero();
    String target = "rst_new_" + suffix();
    Result r = cli("restore", "--name", "inh", "--target-url", PG.url(target), "--create-database");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("Row counts match the backup: 4 tables, 155 rows.");
    String restored = emptyDatabase();
    Result into = cli("restore", "--name", "inh", "--target-url", PG.url(restored));
    assertThat(into.exit()).as(into.all()).isZero();
    assertThat(PG.psql(restored, "SELECT count(*) FROM parent").strip()).isEqualTo("5");
    PG.dropDatabase(db);
    PG.dropDatabase(target);
  }

  // --- helpers

  private Result cli(String... args) {
    return CliProcess.run(work, Map.of(), args);
  }

  private static String[] backupArgs(String db, String name) {
    return new String[] {"backup", "--url", PG.url(db), "--name", name};
  }

  private Path backup(String db, String name, String compression) throws IOException {
    Result r = cli("backup", "--url", PG.url(db), "--name", name, "--compression", compression);
    assertThat(r.exit()).as(r.all()).isZero();
    String ext = compression.equals("gzip") ? ".sql.gz" : ".sql.zst";
    try (Stream<Path> files = Files.walk(work.resolve("backups/" + name))) {
      List<Path> found = files.filter(p -> p.toString().endsWith(ext)).toList();
      assertThat(found).hasSize(1);
      return found.get(0);
    }
  }

  /** Keeps the first half of a stored object: the tables before the cut would restore. */
  private static void cut(Path object) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
  }

  private Process start(boolean ownProcessGroup, String... args) throws IOException {
    List<String> argv = new java.util.ArrayList<>();
    if (ownProcessGroup) {
      argv.add("setsid");
    }
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

  /** Waits until a restore's psql is copying rows into a database named like {@code pattern}. */
  private void waitForCopyInto(String pattern, Process cli) {
    Waits.until(
        "a COPY into " + pattern,
        BOUND,
        () -> {
          if (!cli.isAlive()) {
            throw new AssertionError("the CLI ended before the COPY: " + output());
          }
          String sql =
              "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE '"
                  + pattern
                  + "' AND query LIKE 'COPY%'";
          return !PG.psql("postgres", sql).strip().equals("0");
        });
  }

  private String output() {
    try {
      return Files.readString(work.resolve("cli.out")) + Files.readString(work.resolve("cli.err"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static void awaitNoSessions(String db) {
    Waits.until(
        "the sessions on " + db + " to end",
        BOUND,
        () ->
            PG.psql(
                    "postgres",
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db + "'")
                .strip()
                .equals("0"));
  }

  private static String emptyDatabase() {
    String db = "rst_dst_" + suffix();
    PG.createDatabase(db);
    return db;
  }

  private static long tables(String db) {
    return Long.parseLong(
        PG.psql(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").strip());
  }

  private static List<String> databasesNamedLike(String prefix) {
    String out =
        PG.psql(
            "postgres",
            "SELECT datname FROM pg_database WHERE datname = '"
                + prefix
                + "' OR datname LIKE '"
                + prefix
                + "\\_restoring\\_%' ORDER BY 1");
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  private static org.assertj.core.api.AbstractStringAssert<?> assertOneLine(String err) {
    assertThat(err.strip()).doesNotContain("\n").startsWith("error: database '");
    assertThat(err).doesNotContain(PostgresCluster.SUPERUSER_PASSWORD, "Exception");
    return assertThat(err.strip());
  }

  private static Map<String, String> s3Env(String bucket, String endpoint) {
    return Map.of(
        "S3_BUCKET", bucket,
        "AWS_ENDPOINT_URL_S3", endpoint,
        "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", "test",
        "AWS_SECRET_ACCESS_KEY", "test");
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 6);
  }
}
