package dev.neons3backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupResult.Status;
import java.time.Duration;
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
}
