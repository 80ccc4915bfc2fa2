package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.BackupEntry;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.DrillRecord;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.health.HealthFixtures;
import dev.neons3backup.json.Json;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code status} over stores filled by real backups of the local PostgreSQL. */
class StatusCliIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  private Result cli(String... args) {
    return CliInProcess.run(work, Map.of(), args);
  }

  private static String database(String sql) {
    String db = "status_" + UUID.randomUUID().toString().substring(0, 8);
    PG.createDatabase(db);
    PG.psql(db, sql);
    return db;
  }

  private static final String TWO_TABLES =
      "CREATE TABLE keep AS SELECT g AS id FROM generate_series(1, 100) g;"
          + "CREATE TABLE big AS SELECT g AS id, repeat('x', 50) AS pad"
          + " FROM generate_series(1, 5000) g;";

  private void backup(String db, String name, Instant at) {
    Result r = cli("backup", "--url", PG.url(db), "--name", name, "--at", KeyTime.format(at));
    assertThat(r.exit()).as(r.all()).isZero();
  }

  private static Instant hoursAgo(long hours) {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(hours));
  }

  @Test
  void flagsAStaleDatabaseAndExitsThreeWhileAFreshOneIsClean() {
    String db = database(TWO_TABLES);
    backup(db, "old", hoursAgo(72));
    backup(db, "fresh", hoursAgo(1));
    assertThat(cli("verify").exit()).isZero();

    Result all = cli("status");
    assertThat(all.exit()).as(all.all()).isEqualTo(3);
    assertThat(line(all.out(), "old")).contains("3d 0h").endsWith("STALE");
    assertThat(line(all.out(), "fresh")).endsWith("ok");
    assertThat(all.out()).contains("old: STALE: newest complete backup is 72 h old (limit 26 h)");
    assertThat(all.out()).contains("2 databases, 1 flagged.");

    Result fresh = cli("status", "--name", "fresh");
    assertThat(fresh.exit()).as(fresh.all()).isZero();
    assertThat(cli("status", "--name", "old", "--stale-hours", "100").exit()).isZero();
  }

  @Test
  void aDeletedTableAndAMassDeleteBetweenTwoBackupsRaiseShrunk() {
    String dropped = database(TWO_TABLES);
    backup(dropped, "dropped", hoursAgo(2));
    PG.psql(dropped, "DROP TABLE big");
    backup(dropped, "dropped", hoursAgo(1));
    String deleted = database(TWO_TABLES);
    backup(deleted, "deleted", hoursAgo(2));
    PG.psql(deleted, "DELETE FROM big WHERE id > 500");
    backup(deleted, "deleted", hoursAgo(1));
    assertThat(cli("verify").exit()).isZero();

    Result r = cli("status");
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(line(r.out(), "dropped")).contains("-98%").endsWith("SHRUNK");
    assertThat(line(r.out(), "deleted")).contains("-88%").endsWith("SHRUNK");
    assertThat(r.out()).contains("deleted: SHRUNK: raw size fell 89 % since the previous backup");
    // The same fall under a lower bar than the threshold is no flag.
    assertThat(cli("status", "--name", "deleted", "--shrink-threshold", "95").exit()).isZero();
    assertThat(cli("status", "--name", "dropped", "--shrink-threshold", "0").exit()).isZero();
  }

  @Test
  void incompleteNeverVerifiedAndAFailedDrillAreFlaggedWithTheirReasons() throws Exception {
    String db = database(TWO_TABLES);
    backup(db, "shop", hoursAgo(3));
    Result before = cli("status", "--name", "shop");
    assertThat(before.exit()).isEqualTo(3);
    assertThat(line(before.out(), "shop")).contains("never").endsWith("NEVER VERIFIED");

    assertThat(cli("verify", "--name", "shop").exit()).isZero();
    Result verified = cli("status", "--name", "shop");
    assertThat(verified.exit()).as(verified.all()).isZero();
    assertThat(line(verified.out(), "shop")).contains(Instant.now().toString().substring(0, 10));

    Path object = onlyObject("shop");
    String key = "shop/" + object.getFileName();
    Files.write(
        Path.of(object + ".drill.json"),
        Json.bytes(
            new DrillRecord(
                DrillRecord.FORMAT_VERSION,
                "shop",
                key,
                Instant.now().toString(),
                Instant.now().toString(),
                1000,
                DrillRecord.FAILED,
                "rows of public.big: 5000 recorded, 4000 restored",
                "127.0.0.1/scratch",
                "15",
                "15",
                "15",
                2,
                5100,
                Map.of(),
                Map.of(),
                List.of("public.big rows"))));
    // A newer object without its manifest: the run that wrote it never finished.
    Files.writeString(object.resolveSibling(KeyTime.format(hoursAgo(1)) + ".sql.gz"), "partial");

    Result r = cli("status", "--name", "shop");
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(line(r.out(), "shop")).contains("FAILED ").endsWith("DRILL FAILED, INCOMPLETE");
    assertThat(r.out())
        .contains("shop: DRILL FAILED: drill of " + key + " failed at ")
        .contains(": rows of public.big: 5000 recorded, 4000 restored")
        .contains("shop: INCOMPLETE: 1 backup(s) newer than ");
  }

  @Test
  void aNewerCorruptManifestOrNoCompleteBackupAtAllIsIncomplete() throws Exception {
    String db = database(TWO_TABLES);
    Instant complete = hoursAgo(3);
    backup(db, "shop", complete);
    assertThat(cli("verify").exit()).isZero();
    Path dir = work.resolve("backups/shop");
    String stamp = KeyTime.format(hoursAgo(1));
    Files.writeString(dir.resolve(stamp + ".sql.gz"), "x");
    Files.writeString(dir.resolve(stamp + ".sql.gz.manifest.json"), "{not json");
    Result corrupt = cli("status", "--json");
    assertThat(corrupt.exit()).as(corrupt.all()).isEqualTo(3);
    JsonNode shop = JSON.readTree(corrupt.out()).get(0);
    assertThat(shop.get("flags").toString()).isEqualTo("[\"INCOMPLETE\"]");
    assertThat(shop.get("incompleteNewer").asInt()).isEqualTo(1);
    assertThat(shop.get("newest").get("time").asText()).isEqualTo(complete.toString());

    Path lone = Files.createDirectories(work.resolve("backups/lone"));
    Files.writeString(lone.resolve(stamp + ".sql.gz"), "x");
    Result none = cli("status", "--name", "lone");
    assertThat(none.exit()).isEqualTo(3);
    assertThat(line(none.out(), "lone")).contains("none complete").endsWith("INCOMPLETE");
  }

  @Test
  void jsonGivesTheSameFactsAndNoPasswordAppears() throws Exception {
    String db = database(TWO_TABLES);
    backup(db, "app", hoursAgo(5));
    backup(db, "app", hoursAgo(2));
    Result r = cli("status", "--json");
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    JsonNode app = JSON.readTree(r.out()).get(0);
    assertThat(app.get("name").asText()).isEqualTo("app");
    assertThat(app.get("flags").get(0).asText()).isEqualTo("NEVER VERIFIED");
    assertThat(app.get("newest").get("totalRows").asLong()).isEqualTo(5100);
    assertThat(app.get("previous").get("totalRows").asLong()).isEqualTo(5100);
    assertThat(app.get("ageHours").asLong()).isEqualTo(2);
    assertThat(app.get("totalRowsChangePercent").asDouble()).isZero();
    assertThat(app.get("verifiedAt").isNull()).isTrue();
    assertThat(app.get("drill").isNull()).isTrue();
    assertThat(r.all()).doesNotContain(PG.superPassword());
    Result html = cli("status", "--html", "page.html");
    assertThat(html.all()).doesNotContain(PG.superPassword());
    assertThat(Files.readString(work.resolve("page.html"))).doesNotContain(PG.superPassword());
  }

  @Test
  void anEmptyStoreSaysSoInOneLine() {
    Result r = cli("status");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).isEqualTo("No backups in file:./backups.\n");
    Result named = cli("status", "--name", "nothing");
    assertThat(named.exit()).isEqualTo(3);
    assertThat(named.out()).isEqualTo("No backups in file:./backups for nothing.\n");
  }

  @Test
  void readsAnS3StoreAsAProcessAndAMissingBucketIsAStorageError() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "status-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    Map<String, String> env =
        Map.of(
            "S3_BUCKET", bucket,
            "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test");
    String db = database(TWO_TABLES);
    Result backup = CliProcess.run(work, env, "backup", "--url", PG.url(db), "--name", "s3db");
    assertThat(backup.exit()).as(backup.all()).isZero();
    assertThat(CliProcess.run(work, env, "verify").exit()).isZero();
    Result r = CliProcess.run(work, env, "status", "--json");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(JSON.readTree(r.out()).get(0).get("flags")).isEmpty();
    Result missing = CliProcess.run(work, env, "status", "--store", "s3://no-such-bucket-here");
    assertThat(missing.exit()).as(missing.all()).isEqualTo(4);
    assertThat(missing.err().strip()).startsWith("error: ").doesNotContain("\n");
  }

  /** A complete backup of {@code db} at {@code at} written by hand into the local store. */
  private BackupKey handMade(String db, Instant at) throws Exception {
    BackupEntry e = HealthFixtures.complete(db, at, 3000, 100);
    Path object =
        Files.createDirectories(work.resolve("backups/" + db)).resolve(e.backupKey().fileName());
    Files.writeString(object, "x");
    Files.write(Path.of(object + ".manifest.json"), e.manifest().orElseThrow().toJson());
    return e.backupKey();
  }

  @Test
  void aManifestThatIsJsonNullIsACorruptManifestNotACrash() throws Exception {
    handMade("shop", hoursAgo(3));
    BackupKey newer = handMade("shop", hoursAgo(1));
    Files.writeString(work.resolve("backups/" + newer.manifestKey()), "null");

    Result r = cli("status", "--name", "shop");
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(line(r.out(), "shop")).endsWith("NEVER VERIFIED, INCOMPLETE");
    assertThat(r.out()).contains("shop: INCOMPLETE: 1 backup(s) newer than ");
  }

  @Test
  void anUnreadableDrillRecordIsShownAndFlaggedNotTakenForNeverDrilled() throws Exception {
    BackupKey key = handMade("shop", hoursAgo(1));
    Files.writeString(work.resolve("backups/" + key.verifiedKey()), "{}");
    Path record = work.resolve("backups/" + key.drillKey());
    Files.writeString(record, "{\"outcome\": \"fail");

    Result r = cli("status");
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(line(r.out(), "shop")).contains(" unreadable ").endsWith("DRILL FAILED");
    assertThat(r.out())
        .contains(
            "shop: DRILL FAILED: the record of its newest drill, "
                + record
                + ", is not a readable drill record; run drill --name shop to write a new one");
    JsonNode json = JSON.readTree(cli("status", "--json").out()).get(0);
    assertThat(json.get("drill").get("outcome").asText()).isEqualTo("unreadable");
    assertThat(json.get("flags").toString()).isEqualTo("[\"DRILL FAILED\"]");
    assertThat(cli("status", "--html", "page.html").exit()).isEqualTo(3);
    assertThat(Files.readString(work.resolve("page.html"))).contains("drill unreadable");
  }

  @Test
  void anS3StoreUnderANestedPrefixWithATrailingSlashShowsItsDatabasesAloneAlike() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "status-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    BackupEntry shop = HealthFixtures.complete("shop", hoursAgo(1), 3000, 100);
    BackupKey key = shop.backupKey();
    Map<String, byte[]> objects =
        Map.of(
            "team/eu/" + key.format(),
            new byte[] {1},
            "team/eu/" + key.manifestKey(),
            shop.manifest().orElseThrow().toJson(),
            "team/eu/" + key.verifiedKey(),
            "{}".getBytes(StandardCharsets.UTF_8),
            "team/eu/shop/nested/" + key.fileName(),
            new byte[] {1},
            "team/eu/_runs/" + key.format(),
            new byte[] {1},
            "team/eu/stray/deeper/" + key.fileName(),
            new byte[] {1},
            "team/eu/loose.txt",
            new byte[] {1},
            "loose.txt",
            new byte[] {1},
            "team/eu-west/" + key.format(),
            new byte[] {1},
            "team/other/billing/" + key.format(),
            new byte[] {1});
    S3Client client = s3.client();
    objects.forEach(
        (k, v) -> client.putObject(r -> r.bucket(bucket).key(k), RequestBody.fromBytes(v)));
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test");
    String store = "s3://" + bucket + "/team/eu/";

    Result table = CliProcess.run(work, env, "status", "--store", store, "--html", "page.html");
    assertThat(table.exit()).as(table.all()).isZero();
    assertThat(line(table.out(), "shop")).endsWith("ok");
    assertThat(table.out()).endsWith("1 database, 0 flagged.\n");
    Result json = CliProcess.run(work, env, "status", "--store", store, "--json");
    assertThat(json.exit()).as(json.all()).isZero();
    JsonNode all = JSON.readTree(json.out());
    assertThat(all.size()).isEqualTo(1);
    assertThat(all.get(0).get("name").asText()).isEqualTo("shop");
    assertThat(all.get(0).get("newest").get("key").asText()).isEqualTo(key.format());
    String page = Files.readString(work.resolve("page.html"));
    assertThat(page).contains("shop").doesNotContain("stray").doesNotContain("billing");
    Result stray = CliProcess.run(work, env, "status", "--store", store, "--name", "stray");
    assertThat(stray.exit()).as(stray.all()).isEqualTo(3);
    assertThat(stray.out()).isEqualTo("No backups in s3://" + bucket + "/team/eu for stray.\n");
  }

  private Path onlyObject(String name) throws Exception {
    try (Stream<Path> files = Files.list(work.resolve("backups/" + name))) {
      return files.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
    }
  }

  /** The table row of {@code name}. */
  private static String line(String out, String name) {
    return out.lines()
        .filter(l -> l.startsWith(name + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + name + " in:\n" + out));
  }
}
