package dev.neons3backup.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.io.Compression;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class BackupKeyTest {
  private static final Instant TIME = Instant.parse("2026-03-04T05:06:07Z");

  @Test
  void formatsTheDocumentedKey() {
    BackupKey key = new BackupKey("my-app-prod", TIME, Compression.GZIP);
    assertThat(key.format()).isEqualTo("my-app-prod/2026-03-04_05-06-07.sql.gz");
    assertThat(key.fileName()).isEqualTo("2026-03-04_05-06-07.sql.gz");
  }

  @Test
  void dropsFractionsOfASecond() {
    BackupKey key = new BackupKey("db", TIME.plusMillis(999), Compression.GZIP);
    assertThat(key.format()).isEqualTo("db/2026-03-04_05-06-07.sql.gz");
    assertThat(key.time()).isEqualTo(TIME);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void parsesWhatItFormats(Compression c) {
    BackupKey key = new BackupKey("shop", TIME, c);
    assertThat(BackupKey.parse(key.format())).contains(key);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "shop/2026-03-04_05-06-07.sql.gz.manifest.json",
        "shop/2026-03-04_05-06-07.sql.gz.sha256",
        "shop/2026-03-04_05-06-07.sql.gz.verified.json",
        "shop/notes.txt",
        "shop/2026-03-04.sql.gz",
        "/2026-03-04_05-06-07.sql.gz",
        "2026-03-04_05-06-07.sql.gz",
        "a/b/2026-03-04_05-06-07.sql.gz",
        "shop/2026-13-04_05-06-07.sql.gz"
      })
  void refusesKeysThatAreNotBackups(String key) {
    assertThat(BackupKey.parse(key)).isEmpty();
  }

  @Test
  void listsEverySideFileBesideTheObject() {
    BackupKey key = new BackupKey("shop", TIME, Compression.GZIP);
    String object = "shop/2026-03-04_05-06-07.sql.gz";
    assertThat(key.sideFiles())
        .containsExactly(
            object + ".manifest.json",
            object + ".sha256",
            object + ".verified.json",
            object + ".drill.json");
    assertThat(key.sideFiles())
        .containsExactlyInAnyOrder(
            key.manifestKey(), key.sha256Key(), key.verifiedKey(), key.drillKey());
  }
}
