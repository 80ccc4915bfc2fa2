package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shrink alarm at backup time, through the command line against real PostgreSQL, a local store
 * and s3mock: a backup much smaller than the database's previous complete one is stored and
 * succeeds, and says so (a SHRUNK line, the {@code shrink} JSON field).
 */
class ShrinkAlarmIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String T1 = "2026-11-20T02:00:00Z";
  private static final String T2 = "2026-11-21T02:00:00Z";

  @TempDir Path work;

  private static String database(String sql) {
    String db = "shrink_" + UUID.randomUUID().toString().substring(0, 6);
    PG.createDatabase(db);
    PG.psql(db, sql);
    return db;
  }

  private static final String TWO_TABLES =
      "CREATE TABLE small AS SELECT g AS id FROM generate_series(1, 100) g;"
          + "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 20000) g;";

  private Result backup(Map<String, String> env, String db, String at, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("backup", "--url", PG.url(db), "--name", "shop", "--at", at));
    args.addAll(List.of(extra));
    // Against S3 as a process of its own: the SDK reads its credentials from the real environment.
    return env.isEmpty()
        ? CliInProcess.run(work, env, args.toArray(String[]::new))
        : CliProcess.run(work, env, args.toArray(String[]::new));
  }

  private Result backup(String db, String at, String... extra) {
    return backup(Map.of(), db, at, extra);
  }

  @Test
  void aDeletedTableIsFlaggedShrunkYetStoredAndSucceeded() {
    String db = database(TWO_TABLES);
    assertThat(backup(db, T1).exit()).isZero();
    PG.psql(db, "DROP TABLE big;");

    Result second = backup(db, T2);

    assertThat(second.exit()).as(second.all()).isZero();
    assertThat(second.out())
        .contains("ok       shop → ")
        .containsPattern("SHRUNK   shop: (raw size|rows) fell 9\\d % since the previous backup")
        .contains("Backup complete: 1 succeeded, 0 failed out of 1 databases");
    assertThat(listedBackups()).hasSize(2);
  }

  @Test
  void aDeletedTableGivesTheShrinkFieldInJsonAgainstS3() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "shrink-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    Map<String, String> env =
        Map.of(
            "S3_BUCKET", bucket,
            "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test");
    String db = database(TWO_TABLES);
    assertThat(backup(env, db, T1, "--json").exit()).isZero();
    PG.psql(db, "DROP TABLE big;");

    Result second = backup(env, db, T2, "--json");

    assertThat(second.exit()).as(second.all()).isZero();
    JsonNode result = JSON.readTree(second.out()).get("results").get(0);
    assertThat(result.path("status").asText()).isEqualTo("succeeded");
    JsonNode shrink = result.path("shrink");
    assertThat(shrink.path("percent").asLong()).isGreaterThan(90);
    assertThat(shrink.path("after").asLong()).isLessThan(shrink.path("before").asLong());
    assertThat(shrink.path("message").asText()).startsWith("shop: ").contains(" fell ");
  }

  @Test
  void aMassDeleteIsFlaggedShrunkByItsRows() throws Exception {
    String db =
        database(
            "CREATE TABLE events AS SELECT g AS id FROM generate_series(1, 20000) g;"
                + "CREATE TABLE notes AS SELECT g AS id, repeat('x', 200) AS body"
                + " FROM generate_series(1, 500) g;");
    assertThat(backup(db, T1).exit()).isZero();
    PG.psql(db, "DELETE FROM events WHERE id > 1000;");

    Result second = backup(db, T2, "--json");

    assertThat(second.exit()).as(second.all()).isZero();
    JsonNode shrink = JSON.readTree(second.out()).get("results").get(0).path("shrink");
    assertThat(shrink.path("measure").asText()).isEqualTo("rows");
    assertThat(shrink.path("before").asLong()).isEqualTo(20_500);
    assertThat(shrink.path("after").asLong()).isEqualTo(1_500);
    assertThat(shrink.path("message").asText())
        .isEqualTo("shop: rows fell 92 % since the previous backup (20500 → 1500)");
  }

  @Test
  void aNormalSecondBackupIsNotFlagged() throws Exception {
    String db = database(TWO_TABLES);
    assertThat(backup(db, T1).exit()).isZero();
    PG.psql(db, "DELETE FROM big WHERE id > 15000;");

    Result human = backup(db, T2);
    Result json = backup(db, "2026-11-22T02:00:00Z", "--json");

    assertThat(human.exit()).as(human.all()).isZero();
    assertThat(human.all()).doesNotContain("SHRUNK");
    assertThat(JSON.readTree(json.out()).get("results").get(0).has("shrink")).isFalse();
  }

  @Test
  void aThresholdOfZeroDisablesTheCheck() {
    String db = database(TWO_TABLES);
    assertThat(backup(db, T1).exit()).isZero();
    PG.psql(db, "DROP TABLE big;");

    Result second = backup(db, T2, "--shrink-threshold", "0");

    assertThat(second.exit()).as(second.all()).isZero();
    assertThat(second.all()).doesNotContain("SHRUNK");
  }

  @Test
  void aThresholdOutsideZeroToHundredIsAUsageError() {
    String db = database(TWO_TABLES);
    Result r = backup(db, T1, "--shrink-threshold", "150");
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.all()).contains("--shrink-threshold is 150");
  }

  @Test
  void aCorruptPreviousManifestLeavesTheBackupSucceededWithAWarning() throws Exception {
    String db = database(TWO_TABLES);
    Result first = backup(db, T1, "--json");
    assertThat(first.exit()).isZero();
    String key = JSON.readTree(first.out()).get("results").get(0).path("key").asText();
    Path manifest =
        work.resolve("backups").resolve(BackupKey.parse(key).orElseThrow().manifestKey());
    Files.writeString(manifest, "{ not a manifest");
    PG.psql(db, "DROP TABLE big;");

    Result second = backup(db, T2, "--verbose");

    assertThat(second.exit()).as(second.all()).isZero();
    assertThat(second.out()).contains("Backup complete: 1 succeeded, 0 failed out of 1 databases");
    assertThat(second.err())
        .contains("database 'shop': the previous backup")
        .contains("corrupt manifest")
        .contains("was not checked for shrinking");
    assertThat(second.all()).doesNotContain("SHRUNK");
  }

  private List<Path> listedBackups() {
    try (var files = Files.walk(work.resolve("backups/shop"))) {
      return files.filter(p -> p.toString().endsWith(".sql.gz")).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
