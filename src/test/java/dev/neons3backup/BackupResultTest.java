package dev.neons3backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupResult.Status;
import dev.neons3backup.health.Shrink;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupResultTest {
  @Test
  void aSuccessCarriesNoErrorCode() {
    BackupResult skipped =
        BackupResult.skipped("db", "db/k.sql.gz", "s3://b/k", "exists", Duration.ZERO);
    assertThat(skipped.ok()).isTrue();
    assertThat(skipped.code()).isEmpty();
  }

  @Test
  void aFailureCarriesItsErrorCode() {
    BackupResult failed = BackupResult.failed("db", "", "bad url", Duration.ZERO, ErrorCode.CONFIG);
    assertThat(failed.ok()).isFalse();
    assertThat(failed.code()).contains(ErrorCode.CONFIG);
    BackupResult stopped =
        BackupResult.stopped("db", Status.TIMED_OUT, "db/k.sql.gz", "out of time", Duration.ZERO);
    assertThat(stopped.code()).contains(ErrorCode.DATABASE);
  }

  @Test
  void refusesAFailureWithoutACodeAndASuccessWithOne() {
    assertThatThrownBy(
            () ->
                new BackupResult(
                    "db",
                    Status.FAILED,
                    "",
                    "",
                    "x",
                    Duration.ZERO,
                    Optional.empty(),
                    Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new BackupResult(
                    "db",
                    Status.SKIPPED,
                    "",
                    "",
                    "x",
                    Duration.ZERO,
                    Optional.empty(),
                    Optional.of(ErrorCode.INTERNAL)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackupResult.stopped("db", Status.SUCCEEDED, "", "x", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aShrinkGoesOnlyWithAStoredBackup() {
    BackupResult skipped =
        BackupResult.skipped("db", "db/k.sql.gz", "s3://b/k", "exists", Duration.ZERO);
    assertThatThrownBy(() -> skipped.withShrink(Optional.of(new Shrink("db", "rows", 10, 1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(skipped.withShrink(Optional.empty()).shrink()).isEmpty();
  }

  @Test
  void aRunNamesEveryShrunkenDatabaseInOneMessage() {
    BackupReport none = new BackupReport(java.time.Instant.EPOCH, List.of());
    assertThat(none.shrinkMessage()).isEmpty();
    Shrink a = new Shrink("a", "rows", 100, 10);
    Shrink b = new Shrink("b", "raw size", 1000, 100);
    BackupReport two =
        new BackupReport(
            java.time.Instant.EPOCH,
            List.of(
                stored("a").withShrink(Optional.of(a)),
                stored("c"),
                stored("b").withShrink(Optional.of(b))));
    assertThat(two.shrinks()).containsExactly(a, b);
    assertThat(two.shrinkMessage().orElseThrow())
        .startsWith("2 backups much smaller than the previous one")
        .contains("\n- " + a.describe() + "\n- " + b.describe())
        .doesNotContain("c:");
  }

  private static BackupResult stored(String name) {
    return BackupResult.succeeded(
        name,
        name + "/k.sql.gz",
        "s3://b/k",
        Duration.ZERO,
        new dev.neons3backup.catalog.Manifest(
            1,
            name,
            name + "/2026-11-24_02-00-00.sql.gz",
            "2026-11-24T02:00:00Z",
            "2026-11-24T02:00:03Z",
            3000L,
            "gzip",
            6,
            1000,
            400,
            "ab".repeat(32),
            "pg_dump 15",
            "15.10",
            List.of("--no-owner"),
            10,
            java.util.Map.of(),
            null,
            null));
  }
}
