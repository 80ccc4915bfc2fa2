package dev.neons3backup.it;

import static dev.neons3backup.it.Harness.PG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.BackupException;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.testing.FaultyProxy;
import dev.neons3backup.testing.PostgresCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The scheduled function end to end: secret → pg_dump → gzip → S3, against real local servers. */
class BackupHandlerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @SuppressWarnings("unchecked")
  static Map<String, Object> scheduledEvent() {
    try (InputStream in = Files.newInputStream(Path.of("events/scheduled-event.json"))) {
      return JSON.readValue(in, Map.class);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void restoresEveryShapeOfAnAwkwardDatabaseExactly() throws Exception {
    Harness h = new Harness();
    String db = Harness.database("awkward", Harness.fixture("awkward.sql"));
    h.secret(Harness.secretJson(Map.of("app-prod", PG.url(db))));

    Map<String, Object> response = h.handler().handleRequest(scheduledEvent(), null);

    assertThat(response).containsEntry("statusCode", 200);
    String key = "app-prod/2026-11-24_02-00-00.sql.gz";
    assertThat(h.keys()).containsExactly(key, key + ".manifest.json", key + ".sha256");
    assertThat(h.openUploads()).isEmpty();
    byte[] stored = h.get(key);
    Manifest manifest = Manifest.fromJson(h.get(key + ".manifest.json"));
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored));
    assertThat(manifest.sha256()).isEqualTo(sha);
    assertThat(manifest.storedBytes()).isEqualTo(stored.length);
    assertThat(new String(h.get(key + ".sha256"), StandardCharsets.UTF_8))
        .isEqualTo(sha + "  2026-11-24_02-00-00.sql.gz\n");
    assertThat(manifest.serverVersion()).startsWith("15.");
    assertThat(manifest.pgDumpVersion()).startsWith("15.");
    assertThat(manifest.compression()).isEqualTo("gzip");
    assertThat(manifest.tables())
        .containsEntry("\"Sales Team\".\"Big Deals\"", 5L)
        .containsEntry("public.events_2025", count(db, "public.events_2025"))
        .containsEntry("public.\"empty table\"", 0L);
    assertThat(manifest.totalRows())
        .isEqualTo(manifest.tables().values().stream().mapToLong(Long::longValue).sum());

    String restored = Harness.database("restored", "");
    Path file = Files.createTempFile("backup", ".sql.gz");
    Files.write(file, stored);
    Shell.run(
        Map.of("PGPASSWORD", PostgresCluster.SUPERUSER_PASSWORD),
        "bash",
        "-c",
        "set -o pipefail; gunzip -c '"
            + file
            + "' | psql -X -q -v ON_ERROR_STOP=1 -d '"
            + localUrl(restored)
            + "'");
    Files.delete(file);

    assertThat(normalizedDump(restored)).isEqualTo(normalizedDump(db));
    for (String table :
        List.of(
            "\"Sales Team\".\"Big Deals\"",
            "public.events",
            "public.audit_log",
            "public.documents")) {
      assertThat(tableDigest(restored, table)).as(table).isEqualTo(tableDigest(db, table));
    }
    String objects =
        "SELECT string_agg(oid::text || ':' || md5(lo_get(oid)), ',' ORDER BY oid) FROM pg_largeobject_metadata";
    assertThat(PG.psql(restored, objects)).isEqualTo(PG.psql(db, objects)).contains(":");
    String seq = "SELECT last_value FROM public.invoice_numbers";
    assertThat(PG.psql(restored, seq)).isEqualTo(PG.psql(db, seq));
    String blob =
        "SELECT encode(blob, 'hex') FROM \"Sales Team\".\"Big Deals\" WHERE \"Deal ID\" = 1";
    assertThat(PG.psql(restored, blob).trim()).isEqualTo("00010200ff00");
  }

  @Test
  void aRetriedEventBacksUpNothingTwiceAndOverwritesNothing() throws Exception {
    Harness h = new Harness();
    String a =
        Harness.database("retry_a", "CREATE TABLE t AS SELECT g FROM generate_series(1, 100) g;");
    Map<String, String> targets = new LinkedHashMap<>();
    targets.put("alpha", PG.url(a));
    targets.put("beta", PG.url("no_such_database_here"));
    h.secret(Harness.secretJson(targets));

    assertThatThrownBy(() -> h.handler().handleRequest(scheduledEvent(), null))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("beta");
    String key = "alpha/2026-11-24_02-00-00.sql.gz";
    byte[] first = h.get(key);
    String firstEtag = h.s3().headObject(r -> r.bucket(h.bucket).key(key)).eTag();

    // The failed database is fixed, then the scheduler retries the same event.
    String b = Harness.database("retry_b", "CREATE TABLE u (x int);");
    targets.put("beta", PG.url(b));
    h.secret(Harness.secretJson(targets));
    PG.psql(a, "INSERT INTO t SELECT 0;");
    Map<String, Object> second = h.handler().handleRequest(scheduledEvent(), null);

    assertThat(statuses(second)).containsExactly("skipped", "succeeded");
    assertThat(h.get(key)).isEqualTo(first);
    assertThat(h.s3().headObject(r -> r.bucket(h.bucket).key(key)).eTag()).isEqualTo(firstEtag);
    assertThat(h.keys())
        .filteredOn(k -> k.endsWith(".sql.gz"))
        .containsExactly(key, "beta/2026-11-24_02-00-00.sql.gz");
    assertThat(h.openUploads()).isEmpty();
  }

  @Test
  void oneDatabaseFailingNeverSpoilsAnotherAndNoMessageHoldsAPassword() {
    Harness h = new Harness();
    String good =
        Harness.database("good", "CREATE TABLE t AS SELECT g FROM generate_series(1, 10) g;");
    Map<String, String> targets = new LinkedHashMap<>();
    targets.put("wrong-password", PG.url("postgres", "not-the-Secret-pw", good));
    targets.put("missing-db", PG.url("no_such_db"));
    targets.put("unreachable", "postgresql://u:Unreachable-Secret@127.0.0.1:1/db");
    targets.put("good", PG.url(good));
    h.secret(Harness.secretJson(targets));

    assertThatThrownBy(() -> h.handler().handleRequest(scheduledEvent(), null))
        .isInstanceOf(BackupException.class)
        .satisfies(
            e -> {
              String m = e.getMessage();
              assertThat(m).startsWith("Backup failed for 3 of 4 databases");
              assertThat(m)
                  .contains(
                      "'wrong-password': ",
                      "password authentication failed",
                      "check the user and password");
              assertThat(m).contains("'missing-db': ", "does not exist");
              assertThat(m).contains("'unreachable': ", "check the host and port");
              assertThat(m)
                  .doesNotContain(
                      "'good'",
                      "not-the-Secret-pw",
                      "Unreachable-Secret",
                      PostgresCluster.SUPERUSER_PASSWORD);
              assertThat(m).doesNotContain("\n");
            });
    assertThat(h.keys())
        .filteredOn(k -> k.endsWith(".sql.gz"))
        .containsExactly("good/2026-11-24_02-00-00.sql.gz");
    assertThat(h.metrics()).doesNotContain("not-the-Secret-pw", "Unreachable-Secret");
  }

  @Test
  void aPercentEncodedPasswordReachesPgDumpOnlyThroughItsEnvironment() throws Exception {
    Harness h = new Harness();
    String db = Harness.database("awkward_user", "CREATE TABLE t AS SELECT 1 AS x;");
    Path seen = Files.createTempFile("pg_dump-seen", ".txt");
    Path bin =
        Harness.wrapperBinDir(
            "printf '%s\\n' \"$@\" > "
                + seen
                + "\n"
                + "printf 'PGPASSWORD=%s\\n' \"$PGPASSWORD\" >> "
                + seen
                + "\n"
                + "exec \"$REAL\" \"$@\"");
    h.env.put("PG_BIN_DIRS", bin.toString());
    h.secret(Harness.secretJson(Map.of("awkward", PG.awkwardUserUrl(db))));

    Map<String, Object> response = h.handler().handleRequest(scheduledEvent(), null);

    assertThat(statuses(response)).containsExactly("succeeded");
    List<String> lines = Files.readAllLines(seen);
    String password = PostgresCluster.AWKWARD_PASSWORD;
    assertThat(lines).contains("PGPASSWORD=" + password);
    assertThat(
            lines.stream()
                .filter(l -> !l.startsWith("PGPASSWORD="))
                .collect(Collectors.joining("\n")))
        .contains("--no-owner", "--no-privileges", "--no-password")
        .doesNotContain(password, TestEncoding.percentEncode(password));
  }

  @Test
  void aServerThatIsStillWakingUpIsRetriedWithBackoff() throws Exception {
    Harness h = new Harness();
    h.env.put("BACKUP_CONNECT_ATTEMPTS", "4");
    String db = Harness.database("waking", "CREATE TABLE t AS SELECT 1 AS x;");
    try (FaultyProxy compute =
        FaultyProxy.to(java.net.URI.create("tcp://127.0.0.1:" + PG.port()))) {
      compute.dropNextConnections(2);
      String url =
          PG.url(db).replace(":" + PG.port() + "/", ":" + compute.endpoint().getPort() + "/");
      h.secret(Harness.secretJson(Map.of("sleepy", url)));

      Map<String, Object> response = h.handler().handleRequest(scheduledEvent(), null);

      assertThat(statuses(response)).containsExactly("succeeded");
      assertThat(compute.connections()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void aServerThatNeverAnswersFailsAfterItsAttempts() {
    Harness h = new Harness();
    String db = Harness.database("never", "CREATE TABLE t AS SELECT 1 AS x;");
    try (FaultyProxy compute =
        FaultyProxy.to(java.net.URI.create("tcp://127.0.0.1:" + PG.port()))) {
      compute.dropNextConnections(1000);
      String url =
          PG.url(db).replace(":" + PG.port() + "/", ":" + compute.endpoint().getPort() + "/");
      h.secret(Harness.secretJson(Map.of("asleep", url)));

      assertThatThrownBy(() -> h.handler().handleRequest(scheduledEvent(), null))
          .hasMessageContaining("'asleep': ")
          .hasMessageContaining("(after 2 attempts)");
      assertThat(compute.connections()).isEqualTo(2);
    }
  }

  @Test
  void aMissingBucketFailsEveryDatabaseWithThatReason() {
    Harness h = new Harness();
    String db = Harness.database("nobucket", "CREATE TABLE t (x int);");
    h.secret(Harness.secretJson(Map.of("one", PG.url(db), "two", PG.url(db))));
    var service = h.service(Harness.S3.endpoint(), "no-such-bucket-anywhere");
    assertThatThrownBy(() -> h.handler(service).handleRequest(scheduledEvent(), null))
        .hasMessageStartingWith("Backup failed for 2 of 2 databases")
        .hasMessageContaining("'one': ")
        .hasMessageContaining("'two': ")
        .hasMessageContaining("the bucket does not exist");
  }

  @Test
  void aMissingSecretFailsTheInvocationWithOneLine() {
    Harness h = new Harness();
    assertThatThrownBy(() -> h.handler().handleRequest(scheduledEvent(), null))
        .isInstanceOf(BackupException.class)
        .hasMessage("secret '" + h.secretId + "' was not found; create it or fix SECRET_NAME.");
  }

  @Test
  void aSecretThatIsNotJsonFailsTheInvocationWithOneLine() {
    Harness h = new Harness();
    h.secret("postgresql://u:pw@h/db");
    assertThatThrownBy(() -> h.handler().handleRequest(scheduledEvent(), null))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("is not valid JSON")
        .hasMessageNotContaining("pw@h");
  }

  @Test
  void eachDatabaseOutcomeIsEmittedAsEmbeddedMetrics() throws Exception {
    Harness h = new Harness();
    String db = Harness.database("metrics", "CREATE TABLE t AS SELECT 1 AS x;");
    h.secret(Harness.secretJson(Map.of("m1", PG.url(db))));

    h.handler().handleRequest(scheduledEvent(), null);

    List<JsonNode> lines = h.metrics().lines().map(Harness::json).toList();
    assertThat(lines).hasSize(2);
    JsonNode db1 = lines.get(0);
    assertThat(db1.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("NeonS3Backup");
    assertThat(db1.at("/_aws/CloudWatchMetrics/0/Dimensions/0/0").asText()).isEqualTo("Service");
    assertThat(db1.get("database").asText()).isEqualTo("m1");
    assertThat(db1.get("BackupSucceeded").asInt()).isEqualTo(1);
    assertThat(db1.get("BackupFailed").asInt()).isEqualTo(0);
    assertThat(db1.get("BackupStoredBytes").asLong()).isPositive();
    assertThat(lines.get(1).get("RunSucceeded").asInt()).isEqualTo(1);
  }

  @SuppressWarnings("unchecked")
  static List<String> statuses(Map<String, Object> response) {
    return ((List<Map<String, Object>>) response.get("results"))
        .stream().map(r -> (String) r.get("status")).toList();
  }

  static String localUrl(String db) {
    return "postgresql://postgres@127.0.0.1:" + PG.port() + "/" + db;
  }

  static long count(String db, String table) {
    return Long.parseLong(PG.psql(db, "SELECT count(*) FROM " + table).trim());
  }

  static String tableDigest(String db, String table) {
    return PG.psql(
        db,
        "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "
            + table
            + " t");
  }

  /** The database as pg_dump sees it, minus the per-run random \restrict key lines. */
  static String normalizedDump(String db) {
    String dump =
        Shell.run(
            Map.of("PGPASSWORD", PostgresCluster.SUPERUSER_PASSWORD),
            "/usr/lib/postgresql/15/bin/pg_dump",
            "--no-owner",
            "--no-privileges",
            "-d",
            localUrl(db));
    return dump.lines()
        .filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
        .collect(Collectors.joining("\n"));
  }
}
