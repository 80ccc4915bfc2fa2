package dev.neons3backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupReportTest {
  private static final Instant T = Instant.parse("2026-11-24T02:00:00Z");

  @Test
  void theFailureMessageOfARunOfOneDatabaseSaysDatabaseInTheSingular() {
    BackupReport one = new BackupReport(T, List.of(failed("a")));
    assertThat(one.failureMessage()).isEqualTo("Backup failed for 1 of 1 database: a is down");
    BackupReport two = new BackupReport(T, List.of(failed("a"), failed("b")));
    assertThat(two.failureMessage())
        .isEqualTo("Backup failed for 2 of 2 databases: a is down; b is down");
  }

  /** DESIGN.md's contract line, which people alert on: kept word for word, plural included. */
  @Test
  void theSummaryLineKeepsTheContractWordingForOneDatabase() {
    BackupReport one = new BackupReport(T, List.of(failed("a")));
    assertThat(one.summary())
        .isEqualTo("Backup complete: 0 succeeded, 1 failed out of 1 databases");
  }

  private static BackupResult failed(String name) {
    return BackupResult.failed(name, "", name + " is down", Duration.ZERO, ErrorCode.DATABASE);
  }
}
