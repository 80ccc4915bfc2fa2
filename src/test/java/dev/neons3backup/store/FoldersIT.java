package dev.neons3backup.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.catalog.Catalog;
import dev.neons3backup.testing.S3MockServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

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

  /**
   * Under a nested prefix, folders of several keys each and a sibling prefix that starts alike.
   * (Not the paging: S3Mock 5.0.0 answers a listing with a delimiter whole, whatever its max-keys.)
   */
  @Test
  void theFoldersUnderANestedPrefixAreItsOwnOnly() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "folders-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    byte[] one = "x".getBytes(StandardCharsets.UTF_8);
    List<String> names = List.of("a", "b.c", "d_1", "e-2", "f");
    S3Client client = s3.client();
    try (S3BackupStore store = new S3BackupStore(client, bucket, "team/eu", PartSizer.MIN_PART)) {
      for (String name : names) {
        store.putIfAbsent(name + "/2026-11-24_02-00-00.sql.gz", one, "application/gzip");
        store.putIfAbsent(name + "/2026-11-25_02-00-00.sql.gz", one, "application/gzip");
        store.putIfAbsent(name + "/nested/deeper/x", one, "text/plain");
      }
      store.putIfAbsent("root-file.txt", one, "text/plain");
      client.putObject(r -> r.bucket(bucket).key("team/euro/x/y"), RequestBody.fromBytes(one));
      client.putObject(r -> r.bucket(bucket).key("top/x"), RequestBody.fromBytes(one));

      assertThat(store.folders()).containsExactlyElementsOf(names);
      assertThat(store.list("a/")).hasSize(3);
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
