package dev.neons3backup.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.catalog.Catalog;
import dev.neons3backup.testing.S3MockServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The bucket's folders come from one listing with the delimiter, under the store's prefix: what
 * {@code status} reads before it lists each database's folder on its own.
 */
class FoldersIT {
  @Test
  void theBucketsFoldersUnderTheStoresPrefixAreItsDatabasesAndRunsIsNotOne() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "folders-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    byte[] one = "x".getBytes(StandardCharsets.UTF_8);
    try (S3BackupStore team = new S3BackupStore(s3.client(), bucket, "team", PartSizer.MIN_PART);
        S3BackupStore whole = new S3BackupStore(s3.client(), bucket, "", PartSizer.MIN_PART)) {
      team.putIfAbsent("orders/2026-11-24_02-00-00.sql.gz", one, "application/gzip");
      team.putIfAbsent("orders/2026-11-25_02-00-00.sql.gz", one, "application/gzip");
      team.putIfAbsent("orders-eu/2026-11-24_02-00-00.sql.gz", one, "application/gzip");
      team.putIfAbsent("_runs/2026-11-24_02-00-00/plan.json", one, "application/json");
      team.putIfAbsent("notes.txt", one, "text/plain");
      whole.putIfAbsent("other-team/shop/2026-11-24_02-00-00.sql.gz", one, "application/gzip");

      assertThat(team.folders()).containsExactly("_runs", "orders", "orders-eu");
      assertThat(new Catalog(team).databases()).containsExactly("orders", "orders-eu");
      assertThat(whole.folders()).containsExactly("other-team", "team");
      assertThat(team.list("orders/")).hasSize(2);
    }
  }

  @Test
  void aMissingBucketIsAStorageErrorSayingSo() {
    S3MockServer s3 = S3MockServer.shared();
    try (S3BackupStore store =
        new S3BackupStore(s3.client(), "no-such-bucket-folders", "", PartSizer.MIN_PART)) {
      assertThatThrownBy(store::folders)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("the bucket does not exist");
    }
  }
}
