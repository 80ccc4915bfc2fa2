package dev.neons3backup.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.testing.S3MockServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The bucket's listing carries each object's write time, so {@code status} dates a verification by
 * its marker's listing instead of reading the marker.
 */
class ListedTimesIT {
  private static final String KEY = "db/2026-01-01_02-00-00.sql.gz.verified.json";

  @Test
  void theBucketListsEachKeyWithWhenItWasWritten() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "listed-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    try (S3BackupStore store = new S3BackupStore(s3.client(), bucket, "team", PartSizer.MIN_PART)) {
      // S3 dates objects to the second.
      Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      store.putIfAbsent(KEY, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
      Instant after = Instant.now().plus(Duration.ofSeconds(1));

      List<ListedKey> listed = store.listWithTimes("db/");

      assertThat(listed).extracting(ListedKey::key).containsExactly(KEY);
      assertThat(listed.get(0).lastModified()).isBetween(before, after);
    }
  }
}
