package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against real PostgreSQL, s3mock and a local directory: in-process through its
 * entry point, and as a process where the AWS credentials come from the process environment.
 */
class CliIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static String source;

  @TempDir Path work;

  @BeforeAll
  static void sourceDatabase() {
    source = "cli_src_" + UUID.randomUUID().toString().substring(0, 6);
    PG.createDatabase(source);
    PG.psql(
        source,
        "CREATE TABLE customers AS SELECT g AS id, 'name ' || g AS name FROM generate_series(1, 1000) g;"
            + "CREATE TABLE orders AS SELECT g AS id, g % 1000 AS customer, jsonb_build_object('n', g) AS doc"
            + " FROM generate_series(1, 20000) g;");
  }

  private Result cli(String... args) {
    return CliInProcess.run(work, Map.of(), args);
  }

  @Test
  void backsUpListsVerifiesAndRestoresWithTheDefaultLocalStore() throws Exception {
    Result backup = cli("backup", "--url", PG.url(source), "--name", "shop");
    assertThat(backup.exit()).as(backup.all()).isZero();
    assertThat(backup.out())
        .contains("ok       shop → ")
        .contains("21,000 rows")
        .contains("Backup complete: 1 succeeded, 0 failed out of 1 databases");
    try (Stream<Path> files = Files.walk(work.resolve("backups/shop"))) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql.gz")))
          .hasSize(1);
    }

    Result list = cli("list", "--json");
    assertThat(list.exit()).isZero();
    JsonNode rows = JSON.readTree(list.out());
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("name").asText()).isEqualTo("shop");
    assertThat(rows.get(0).get("totalRows").asLong()).isEqualTo(21_000);
    assertThat(rows.get(0).get("verified").asBoolean()).isFalse();

    Result verify = cli("verify", "--name", "shop");
    assertThat(verify.exit()).as(verify.all()).isZero();
    assertThat(verify.out()).contains("Verified 1 backup: 1 ok, 0 mismatched.");
    assertThat(cli("list").out()).contains("shop\n").contains("21,000 rows").contains("verified ");

    String target = "cli_dst_" + UUID.randomUUID().toString().substring(0, 6);
    Result restore =
        cli(
            "restore",
            "--name",
            "shop",
            "--latest",
            "--target-url",
            PG.url(target),
            "--create-database");
    assertThat(restore.exit()).as(restore.all()).isZero();
    assertThat(restore.out()).contains("Row counts match the backup: 2 tables, 21,000 rows.");
    String digest = "SELECT md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o";
    assertThat(PG.psql(target, digest)).isEqualTo(PG.psql(source, digest));
  }

  @Test
  void zstdBackupsAreListedVerifiedAndRestoredLikeGzip() throws Exception {
    Result backup =
        cli(
            "backup",
            "--url",
            PG.url(source),
            "--name",
            "z",
            "--compression",
            "zstd",
            "--level",
            "5");
    assertThat(backup.exit()).as(backup.all()).isZero();
    assertThat(backup.out()).contains(".sql.zst");
    JsonNode row = JSON.readTree(cli("list", "--json", "--name", "z").out()).get(0);
    assertThat(row.get("compression").asText()).isEqualTo("zstd");
    assertThat(cli("verify", "--name", "z").exit()).isZero();
    String target = "cli_zst_" + UUID.randomUUID().toString().substring(0, 6);
    Result restore =
        cli("restore", "--name", "z", "--target-url", PG.url(target), "--create-database");
    assertThat(restore.exit()).as(restore.all()).isZero();
    assertThat(restore.out()).contains("Row counts match the backup: 2 tables, 21,000 rows.");
  }

  @Test
  void prunePrintsItsPlanAndDeletesOnlyWithConfirm() throws Exception {
    Path dir = Files.createDirectories(work.resolve("backups/app"));
    // An hour ago, not a fixed time of day: a fixed 02:00 is in the future before 02:00 UTC.
    Instant newest = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    List<String> stamps = new ArrayList<>();
    for (int day = 0; day < 10; day++) {
      stamps.add(KeyTime.format(newest.minus(Duration.ofDays(day))));
    }
    for (String stamp : stamps) {
      Files.writeString(dir.resolve(stamp + ".sql.gz"), "x");
      Files.writeString(dir.resolve(stamp + ".sql.gz.sha256"), "y");
      // A manifest makes each a complete backup: prune counts only complete ones.
      Files.writeString(
          dir.resolve(stamp + ".sql.gz.manifest.json"),
          "{\"key\": \"app/"
              + stamp
              + ".sql.gz\", \"storedBytes\": 1, \"tables\": {},"
              + " \"sha256\": \""
              + "0".repeat(64)
              + "\"}");
    }
    Result plan = cli("prune", "--keep-last", "3", "--keep-days", "5");
    assertThat(plan.exit()).as(plan.all()).isZero();
    assertThat(plan.out())
        .contains("Plan: keep 5, delete 5 backups. Nothing was deleted; run again with --confirm")
        .contains("keep    " + stamps.get(0) + "  last 3, within 5 days")
        .contains("delete  " + stamps.get(9) + "  matches no rule");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).hasSize(30);
    }

    Result done = cli("prune", "--keep-last", "3", "--keep-days", "5", "--confirm", "--json");
    assertThat(done.exit()).as(done.all()).isZero();
    assertThat(JSON.readTree(done.out()).get("deleted")).hasSize(5);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .hasSize(15)
          .allMatch(n -> n.compareTo(stamps.get(4)) >= 0);
    }
    Result one = cli("prune", "--keep-last", "4");
    assertThat(one.out()).contains("Plan: keep 4, delete 1 backup. Nothing was deleted");
    Result refused = cli("prune", "--keep-last", "0", "--confirm");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("--keep-last must be at least 1");
  }

  @Test
  void restoreRefusesADatabaseThatAlreadyHasTables() {
    assertThat(cli("backup", "--url", PG.url(source), "--name", "shop").exit()).isZero();
    Result r = cli("restore", "--name", "shop", "--target-url", PG.url(source));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip())
        .startsWith("error: database 'shop' already has 2 tables or views")
        .contains("--force")
        .doesNotContain("\n", PostgresCluster.SUPERUSER_PASSWORD);
  }

  @Test
  void verifyCatchesACorruptedByte() throws Exception {
    assertThat(cli("backup", "--url", PG.url(source), "--name", "shop").exit()).isZero();
    Path object = onlyBackup();
    try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
      long middle = f.length() / 2;
      f.seek(middle);
      int b = f.read();
      f.seek(middle);
      f.write(b ^ 0x01);
    }
    Result r = cli("verify", "--name", "shop", "--json");
    assertThat(r.exit()).isEqualTo(5);
    JsonNode report = JSON.readTree(r.out()).get(0);
    assertThat(report.get("ok").asBoolean()).isFalse();
    assertThat(report.get("problems").toString()).contains("SHA-256 differs");
  }

  @Test
  void verifyCatchesATruncatedObject() throws Exception {
    assertThat(cli("backup", "--url", PG.url(source), "--name", "shop").exit()).isZero();
    Path object = onlyBackup();
    try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
      f.setLength(f.length() - 100);
    }
    Result r = cli("verify", "--name", "shop");
    assertThat(r.exit()).isEqualTo(5);
    assertThat(r.out()).contains("MISMATCH  shop").contains("gzip stream is damaged");
  }

  @Test
  void aBadUrlIsOneLineWithoutStackTraceOrPasswordEvenVerbose() {
    Result r = cli("backup", "--url", "mysql://me:Sup3rSecret@h/db", "--name", "x", "--verbose");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "error: database 'x': the url scheme is 'mysql'; it must start with postgresql:// or postgres://.");
    assertThat(r.all()).doesNotContain("Sup3rSecret");
  }

  @Test
  void aWrongPasswordFailsTheDatabaseWithExitThreeAndNeverShowsIt() {
    Result r =
        cli(
            "backup",
            "--url",
            PG.url("postgres", "Wr0ngSecret", source),
            "--name",
            "shop",
            "--verbose");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.out())
        .contains("FAILED   database 'shop': ")
        .contains("password authentication failed");
    assertThat(r.all()).doesNotContain("Wr0ngSecret");
  }

  @Test
  void usageErrorsExitTwoAndHelpListsTheExitCodes() {
    Result r = cli("restore", "--name", "shop");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required option");
    Result help = cli("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out())
        .contains("Exit codes:", "3", "a database failed", "5", "verification mismatch");
  }

  @Test
  void minusVLogsWhatHappensWhereverItIsGiven() {
    String url = PG.url(source);
    for (List<String> args :
        List.of(
            List.of("-v", "backup", "--url", url, "--name", "v1"),
            List.of("backup", "--url", url, "--name", "v2", "-v"),
            List.of("--verbose", "backup", "--url", url, "--name", "v3"))) {
      Result r = cli(args.toArray(String[]::new));
      assertThat(r.exit()).as(args + ": " + r.all()).isZero();
      assertThat(r.err()).as(args.toString()).contains("info: backup started");
    }
    Result plain = cli("backup", "--url", url, "--name", "v4");
    assertThat(plain.exit()).as(plain.all()).isZero();
    assertThat(plain.err()).doesNotContain("info:");
  }

  @Test
  void theJarTellsItsVersionAndTakesGlobalOptionsBeforeTheCommand() throws Exception {
    Result version = CliProcess.run(work, Map.of(), "--version");
    assertThat(version.exit()).as(version.all()).isZero();
    assertThat(version.out().strip())
        .isEqualTo("neon-s3-backup " + CommandLineUsageTest.pomVersion());
    Result list = CliProcess.run(work, Map.of(), "-v", "--json", "list");
    assertThat(list.exit()).as(list.all()).isZero();
    assertThat(JSON.readTree(list.out())).isEmpty();
    Result help = CliProcess.run(work, Map.of(), "backup", "-h");
    assertThat(help.exit()).as(help.all()).isZero();
    assertThat(help.out()).startsWith("Usage: neon-s3-backup backup ");
  }

  @Test
  void listOfAnEmptyStoreSaysSo() {
    Result r = cli("list");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("No backups in file:./backups");
  }

  @Test
  void worksAgainstS3WithTheSameCommands() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    Map<String, String> env =
        Map.of(
            "S3_BUCKET", bucket,
            "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test");
    Result backup =
        CliProcess.run(work, env, "backup", "--url", PG.url(source), "--name", "shop", "--json");
    assertThat(backup.exit()).as(backup.all()).isZero();
    JsonNode result = JSON.readTree(backup.out()).get("results").get(0);
    assertThat(result.get("path").asText()).startsWith("s3://" + bucket + "/shop/");

    Result verify = CliProcess.run(work, env, "verify", "--all");
    assertThat(verify.exit()).as(verify.all()).isZero();
    String target = "cli_s3_" + UUID.randomUUID().toString().substring(0, 6);
    Result restore =
        CliProcess.run(
            work,
            env,
            "restore",
            "--name",
            "shop",
            "--target-url",
            PG.url(target),
            "--create-database",
            "--json");
    assertThat(restore.exit()).as(restore.all()).isZero();
    assertThat(JSON.readTree(restore.out()).get("countsMatch").asBoolean()).isTrue();
    assertThat(Files.exists(work.resolve("backups"))).isFalse();
  }

  @Test
  void aMissingBucketIsAStorageErrorWithExitFour() {
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL_S3", S3MockServer.shared().endpoint().toString(),
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test");
    Result r =
        CliProcess.run(
            work,
            env,
            "backup",
            "--store",
            "s3://no-such-bucket-here",
            "--url",
            PG.url(source),
            "--name",
            "shop");
    assertThat(r.exit()).as(r.all()).isEqualTo(4);
    assertThat(r.out()).contains("the bucket does not exist");
  }

  private Path onlyBackup() throws Exception {
    try (Stream<Path> files = Files.walk(work.resolve("backups/shop"))) {
      List<Path> gz = files.filter(p -> p.toString().endsWith(".sql.gz")).toList();
      assertThat(gz).hasSize(1);
      return gz.get(0);
    }
  }
}
