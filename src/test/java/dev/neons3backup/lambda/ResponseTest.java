package dev.neons3backup.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupResult;
import dev.neons3backup.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The invocation's return value, as the Lambda runtime serializes it. */
class ResponseTest {
  @Test
  void theResponseGivesStatusCodeThenTheSummaryLineThenEachResult() {
    BackupReport report =
        new BackupReport(
            Instant.parse("2026-11-24T02:00:00Z"),
            List.of(
                BackupResult.skipped(
                    "shop", "shop/k.sql.gz", "s3://b/shop/k.sql.gz", "exists", Duration.ZERO)));
    Map<String, Object> response = Json.toMap(Response.of(report));
    assertThat(response.keySet()).containsExactly("statusCode", "message", "results");
    assertThat(response)
        .containsEntry("statusCode", 200)
        .containsEntry("message", "Backup complete: 1 succeeded, 0 failed out of 1 databases");
    assertThat(Json.line(response.get("results")))
        .isEqualTo(
            "[{\"name\":\"shop\",\"status\":\"skipped\",\"path\":\"s3://b/shop/k.sql.gz\","
                + "\"key\":\"shop/k.sql.gz\",\"durationMs\":0,\"reason\":\"exists\"}]");
  }
}
