package dev.neons3backup.it;

import static dev.neons3backup.it.Harness.PG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.BackupService;
import dev.neons3backup.VerifyReport;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.testing.FailingS3Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A backup counts only when its object and its manifest both exist: a run that could not write the
 * manifest fails, and a retried event completes the backup from the stored object itself.
 */
class IncompleteBackupIT {
  private static final String KEY = "victim/2026-11-24_02-00-00.sql.gz";
  private static final String MANIFEST = KEY + ".manifest.json";
  private static final String SHA256 = KEY + ".sha256";

  private static String db() {
    return Harness.database(
        "incomplete",
        "CREATE TABLE t AS SELECT g FROM generate_series(1, 50) g;"
            + "CREATE TABLE u AS SELECT g, md5(g::text) AS h FROM generate_series(1, 3000) g;");
  }

  private static Harness twoDatabases() {
    Harness h = new Harness();
    Map<String, String> targets = new LinkedHashMap<>();
    targets.put("victim", PG.url(db()));
    targets.put("bystander", PG.url(db()));
    h.secret(Harness.secretJson(targets));
    return h;
  }

  @Test
  void aManifestThatCannotBeStoredFailsTheDatabaseAndTheRetryCompletesIt() throws Exception {
    Harness h = twoDatabases();
    try (FailingS3Proxy s3 = FailingS3Proxy.to(Harness.S3.endpoint())) {
      s3.failPutsContaining("victim/2026-11-24_02-00-00.sql.gz.manifest.json");

      assertThatThrownBy(() -> h.handler(h.service(s3.endpoint())).handleRequest(event(), null))
          .isInstanceOf(BackupException.class)
          .hasMessageStartingWith("Backup failed for 1 of 2 databases: ")
          .hasMessageContaining("'victim': the backup is stored at s3://" + h.bucket + "/" + KEY)
          .hasMessageContaining("but its manifest could not be written")
          .hasMessageContaining("incomplete until a retry of this run completes it")
          .hasMessageNotContaining("\n");
      assertThat(s3.failed()).isPositive();
    }
    assertThat(h.keys()).contains(KEY).doesNotContain(MANIFEST, SHA256);
    assertThat(entry(h).state()).isEqualTo(BackupEntry.State.INCOMPLETE);

    Map<String, Object> retry = h.handler().handleRequest(event(), null);

    assertThat(BackupHandlerIT.statuses(retry)).containsExactly("completed", "skipped");
    assertThat(retry.get("message"))
        .isEqualTo("Backup complete: 2 succeeded, 0 failed out of 2 databases");
    assertThat(results(retry).get(0).get("reason").toString())
        .contains("'victim': the backup for this time was stored without its manifest")
        .contains("completed it from the stored object");
    assertRebuiltFromTheObject(h);
    VerifyReport verified = h.service().verify(entry(h), n -> {});
    assertThat(verified.problems()).isEmpty();
  }

  @Test
  void aRunKilledBetweenTheObjectAndItsManifestIsCompletedByTheRetryWithTheSameFacts()
      throws Exception {
    Harness h = twoDatabases();
    h.handler().handleRequest(event(), null);
    Manifest original = Manifest.fromJson(h.get(MANIFEST));
    // What a kill right after the object's commit leaves: the object alone.
    h.s3().deleteObject(r -> r.bucket(h.bucket).key(MANIFEST));
    h.s3().deleteObject(r -> r.bucket(h.bucket).key(SHA256));
    BackupService service = h.service();
    assertThat(service.verify(entry(h), n -> {}).problems())
        .first()
        .asString()
        .startsWith("incomplete: no manifest");
    assertThatThrownBy(() -> service.find("victim", Optional.empty()))
        .hasMessageContaining("'victim' has no complete backup")
        .hasMessageContaining("--at");

    Map<String, Object> retry = h.handler().handleRequest(event(), null);

    assertThat(BackupHandlerIT.statuses(retry)).containsExactly("completed", "skipped");
    Manifest rebuilt = assertRebuiltFromTheObject(h);
    assertThat(rebuilt.sha256()).isEqualTo(original.sha256());
    assertThat(rebuilt.storedBytes()).isEqualTo(original.storedBytes());
    assertThat(rebuilt.rawBytes()).isEqualTo(original.rawBytes());
    assertThat(rebuilt.tables()).isEqualTo(original.tables());
    assertThat(rebuilt.totalRows()).isEqualTo(original.totalRows());
    assertThat(rebuilt.pgDumpVersion()).isEqualTo(original.pgDumpVersion());
    assertThat(rebuilt.serverVersion()).isEqualTo(original.serverVersion());
    assertThat(service.verify(entry(h), n -> {}).ok()).isTrue();
    assertThat(service.find("victim", Optional.empty()).key()).isEqualTo(KEY);
    // A third attempt finds a complete backup: skipped, as before.
    assertThat(BackupHandlerIT.statuses(h.handler().handleRequest(event(), null)))
        .containsExactly("skipped", "skipped");
  }

  @Test
  void aStoredObjectThatCannotVouchForItselfFailsTheRetryInOneLine() {
    Harness h = twoDatabases();
    h.handler().handleRequest(event(), null);
    byte[] stored = h.get(KEY);
    h.s3().deleteObject(r -> r.bucket(h.bucket).key(MANIFEST));
    h.s3().deleteObject(r -> r.bucket(h.bucket).key(KEY));
    h.s3()
        .putObject(
            r -> r.bucket(h.bucket).key(KEY),
            RequestBody.fromBytes(Arrays.copyOf(stored, stored.length / 2)));

    assertThatThrownBy(() -> h.handler().handleRequest(event(), null))
        .hasMessageStartingWith("Backup failed for 1 of 2 databases: ")
        .hasMessageContaining(
            "'victim': the backup for this time is stored without its manifest and cannot be"
                + " completed: reading it back failed")
        .hasMessageContaining("delete s3://" + h.bucket + "/" + KEY + " and run again")
        .hasMessageNotContaining("skipped")
        .hasMessageNotContaining("\n");
    assertThat(h.keys()).doesNotContain(MANIFEST);
  }

  @Test
  void aCorruptManifestIsToldApartFromAMissingOneAndNeverTakenAsComplete() throws Exception {
    Harness h = twoDatabases();
    h.handler().handleRequest(event(), null);
    h.s3().putObject(r -> r.bucket(h.bucket).key(MANIFEST), RequestBody.fromString("{\"key\":"));

    BackupEntry entry = entry(h);
    assertThat(entry.state()).isEqualTo(BackupEntry.State.CORRUPT_MANIFEST);
    assertThat(h.service().verify(entry, n -> {}).problems())
        .first()
        .asString()
        .startsWith("corrupt manifest: it is not a readable manifest");
    assertThatThrownBy(() -> h.handler().handleRequest(event(), null))
        .hasMessageStartingWith("Backup failed for 1 of 2 databases: ")
        .hasMessageContaining("'victim': a backup for this time exists but has a corrupt manifest")
        .hasMessageContaining("delete s3://" + h.bucket + "/" + MANIFEST);

    h.s3().deleteObject(r -> r.bucket(h.bucket).key(MANIFEST));
    assertThat(BackupHandlerIT.statuses(h.handler().handleRequest(event(), null)))
        .containsExactly("completed", "skipped");
    assertThat(h.service().verify(entry(h), n -> {}).ok()).isTrue();
  }

  @Test
  void aRetryWritesAMissingSha256FileOfACompleteBackup() throws Exception {
    Harness h = twoDatabases();
    h.handler().handleRequest(event(), null);
    byte[] line = h.get(SHA256);
    h.s3().deleteObject(r -> r.bucket(h.bucket).key(SHA256));

    Map<String, Object> retry = h.handler().handleRequest(event(), null);

    assertThat(BackupHandlerIT.statuses(retry)).containsExactly("skipped", "skipped");
    assertThat(results(retry).get(0).get("reason").toString())
        .contains("wrote its missing .sha256 file");
    assertThat(h.get(SHA256)).isEqualTo(line);
  }

  private static Manifest assertRebuiltFromTheObject(Harness h) throws Exception {
    byte[] stored = h.get(KEY);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored));
    Manifest m = Manifest.fromJson(h.get(MANIFEST));
    assertThat(m.key()).isEqualTo(KEY);
    assertThat(m.database()).isEqualTo("victim");
    assertThat(m.sha256()).isEqualTo(sha);
    assertThat(m.storedBytes()).isEqualTo(stored.length);
    assertThat(m.tables()).containsEntry("public.t", 50L).containsEntry("public.u", 3000L);
    assertThat(m.totalRows()).isEqualTo(3050);
    assertThat(m.serverVersion()).startsWith("15.");
    assertThat(m.pgDumpVersion()).startsWith("15.");
    assertThat(m.completedAt()).isNotNull();
    assertThat(new String(h.get(SHA256), StandardCharsets.UTF_8))
        .isEqualTo(sha + "  2026-11-24_02-00-00.sql.gz\n");
    return m;
  }

  private static BackupEntry entry(Harness h) {
    List<BackupEntry> entries = h.service().list(Optional.of("victim"));
    assertThat(entries).hasSize(1);
    return entries.get(0);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> results(Map<String, Object> response) {
    return (List<Map<String, Object>>) response.get("results");
  }

  private static Map<String, Object> event() {
    return BackupHandlerIT.scheduledEvent();
  }
}
