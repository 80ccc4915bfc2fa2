package dev.neons3backup.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one alarm message: every missing database by name, within what SNS accepts. */
class AccountingMessageTest {
  private static final Instant RUN = Instant.parse("2026-12-02T02:00:00Z");

  private static RunReport missing(int n) {
    List<RunReport.Missing> missing = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      missing.add(
          new RunReport.Missing("tenant-" + i, "no complete backup at 2026-12-02_02-00-00"));
    }
    return RunReport.of(RUN, RUN.plusSeconds(3600), n + 5, 5, missing, 2);
  }

  @Test
  void namesEveryMissingDatabaseAndWhy() {
    String message = Accounting.message(missing(3), "s3://b/_runs/2026-12-02_02-00-00/report.json");
    assertThat(message)
        .contains("3 of 8 databases have no complete backup")
        .contains("- tenant-0: no complete backup at 2026-12-02_02-00-00")
        .contains("- tenant-2: ")
        .contains("Dead-letter queue: 2 message(s).")
        .contains("s3://b/_runs/2026-12-02_02-00-00/report.json");
  }

  @Test
  void tenThousandMissingDatabasesStillFitInOneSnsMessage() {
    String message = Accounting.message(missing(10_000), "s3://b/report.json");
    assertThat(message.getBytes(StandardCharsets.UTF_8).length).isLessThan(256 * 1024);
    assertThat(message).contains("- tenant-0: ").contains(" more\n").contains("s3://b/report.json");
  }
}
