package dev.neons3backup.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.testing.S3MockServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A drill's record is the one object the tool writes over: the newest drill replaces the one
 * before, in S3 with one plain put (the function's role may not delete) and in a local store alike.
 */
class ReplacedRecordIT {
  private static final String KEY = "db/2026-01-01_02-00-00.sql.gz.drill.json";

  @Test
  void aRecordIsReplacedInS3WithoutDeletingIt() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "replace-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    try (S3BackupStore store = new S3BackupStore(s3.client(), bucket, "", PartSizer.MIN_PART)) {
      replacesTwice(store);
    }
  }

  @Test
  void aRecordIsReplacedInALocalStore() throws Exception {
    Path dir = Files.createTempDirectory("replace");
    replacesTwice(new LocalBackupStore(dir));
  }

  private static void replacesTwice(BackupStore store) throws Exception {
    store.replace(KEY, bytes("{\"outcome\":\"failed\"}"), "application/json");
    store.replace(KEY, bytes("{\"outcome\":\"passed\"}"), "application/json");
    try (InputStream in = store.open(KEY)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("{\"outcome\":\"passed\"}");
    }
    assertThat(store.list("db/")).containsExactly(KEY);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
