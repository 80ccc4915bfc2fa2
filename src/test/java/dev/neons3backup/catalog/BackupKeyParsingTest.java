package dev.neons3backup.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.io.Compression;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The time in a backup's key, and which keys of a store are backups. */
class BackupKeyParsingTest {

  @Test
  void keyTimeIsUtcToTheSecond() {
    assertThat(KeyTime.format(Instant.parse("2026-11-24T02:00:00.987Z")))
        .isEqualTo("2026-11-24_02-00-00");
  }

  @Test
  void keyTimeReadsBackWhatItWrites() {
    Instant t = Instant.parse("2026-02-28T23:59:59Z");
    assertThat(KeyTime.parse(KeyTime.format(t))).contains(t);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-24 02:00:00",
        "2026-11-24_02-00",
        "2026-13-01_00-00-00",
        "2026-11-24_02-00-60",
        "2026-02-31_00-00-00", // no such day: must not be read as 28 February
        "2026-02-30_24-00-00",
        "",
        "latest"
      })
  void keyTimeRefusesTextThatIsNotATimeItWrote(String text) {
    assertThat(KeyTime.parse(text)).isEmpty();
  }

  @Test
  void aBackupKeyIsDatabaseSlashTimeAndExtension() {
    assertThat(BackupKey.parse("orders/2026-11-24_02-00-00.sql.gz"))
        .contains(new BackupKey("orders", Instant.parse("2026-11-24T02:00:00Z"), Compression.GZIP));
    assertThat(BackupKey.parse("orders/2026-11-24_02-00-00.sql.zst"))
        .hasValueSatisfying(k -> assertThat(k.compression()).isEqualTo(Compression.ZSTD));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "orders/2026-11-24_02-00-00.sql.gz.manifest.json",
        "orders/2026-11-24_02-00-00.sql.gz.sha256",
        "orders/2026-11-24_02-00-00.sql.gz.verified.json",
        "orders/2026-11-24_02-00-00.sql",
        "orders/2026-11-24_02-00-00.sql.bz2",
        "orders/notes.sql.gz",
        "orders/2026-02-31_00-00-00.sql.gz",
        "2026-11-24_02-00-00.sql.gz",
        "/2026-11-24_02-00-00.sql.gz",
        "eu/orders/2026-11-24_02-00-00.sql.gz",
        "orders/.tmp-2026-11-24_02-00-00.sql.gz",
      })
  void keysThatAreNotBackupsAreNotParsed(String key) {
    assertThat(BackupKey.parse(key)).isEmpty();
  }
}
