package dev.neons3backup.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupResult;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.PruneReport;
import dev.neons3backup.RestoreReport;
import dev.neons3backup.VerifyReport;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.health.Shrink;
import dev.neons3backup.io.Compression;
import dev.neons3backup.retention.Backup;
import dev.neons3backup.retention.Decision;
import dev.neons3backup.retention.RetentionPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The JSON that users' scripts read, pinned field by field: names, order, what is left out when
 * absent, and how times and states are written. These texts are what the hand-built maps printed
 * before Jackson wrote the records; a change here is a change to the contract.
 */
class ReportJsonTest {
  private static final Instant T = Instant.parse("2026-11-24T02:00:00Z");
  private static final String SHA = "ab".repeat(32);

  @Test
  void aStoredBackupResultCarriesTheManifestFactsAndNoReason() {
    BackupResult r =
        BackupResult.succeeded(
            "shop",
            "shop/k.sql.gz",
            "s3://b/shop/k.sql.gz",
            Duration.ofMillis(1234),
            manifest("15.10"));
    assertThat(Json.pretty(ResultJson.of(r)))
        .isEqualTo(
            """
            {
              "name" : "shop",
              "status" : "succeeded",
              "path" : "s3://b/shop/k.sql.gz",
              "key" : "shop/k.sql.gz",
              "durationMs" : 1234,
              "rawBytes" : 1000,
              "storedBytes" : 400,
              "sha256" : "%s",
              "totalRows" : 21000
            }"""
                .formatted(SHA));
  }

  @Test
  void aShrunkenBackupResultEndsWithItsShrink() {
    BackupResult r =
        BackupResult.succeeded(
                "shop",
                "shop/k.sql.gz",
                "s3://b/shop/k.sql.gz",
                Duration.ofMillis(1234),
                manifest("15.10"))
            .withShrink(Optional.of(new Shrink("shop", "rows", 210000, 21000)));
    assertThat(Json.pretty(ResultJson.of(r)))
        .isEqualTo(
            """
            {
              "name" : "shop",
              "status" : "succeeded",
              "path" : "s3://b/shop/k.sql.gz",
              "key" : "shop/k.sql.gz",
              "durationMs" : 1234,
              "rawBytes" : 1000,
              "storedBytes" : 400,
              "sha256" : "%s",
              "totalRows" : 21000,
              "shrink" : {
                "measure" : "rows",
                "before" : 210000,
                "after" : 21000,
                "percent" : 90,
                "message" : "shop: rows fell 90 %% since the previous backup (210000 → 21000)"
              }
            }"""
                .formatted(SHA));
  }

  @Test
  void aFailedOrSkippedResultCarriesItsReasonAndNoManifestFacts() {
    BackupResult failed =
        BackupResult.failed("bad", "", "bad: no", Duration.ofMillis(5), ErrorCode.CONFIG);
    assertThat(Json.pretty(ResultJson.of(failed)))
        .isEqualTo(
            """
            {
              "name" : "bad",
              "status" : "failed",
              "path" : "",
              "key" : "",
              "durationMs" : 5,
              "reason" : "bad: no"
            }""");
    BackupResult skipped =
        BackupResult.skipped("s", "s/k.sql.gz", "file:x", "exists", Duration.ZERO);
    assertThat(Json.pretty(ResultJson.of(skipped)))
        .isEqualTo(
            """
            {
              "name" : "s",
              "status" : "skipped",
              "path" : "file:x",
              "key" : "s/k.sql.gz",
              "durationMs" : 0,
              "reason" : "exists"
            }""");
  }

  @Test
  void aBackupRunGivesTheSummaryThenOkThenEachResult() {
    BackupReport report =
        new BackupReport(
            T,
            List.of(
                BackupResult.failed("bad", "", "bad: no", Duration.ofMillis(5), ErrorCode.CONFIG)));
    assertThat(Json.pretty(BackupRunJson.of(report)))
        .isEqualTo(
            """
            {
              "summary" : "Backup complete: 0 succeeded, 1 failed out of 1 databases",
              "ok" : false,
              "results" : [ {
                "name" : "bad",
                "status" : "failed",
                "path" : "",
                "key" : "",
                "durationMs" : 5,
                "reason" : "bad: no"
              } ]
            }""");
  }

  @Test
  void aCompleteVerifiedEntryCarriesItsFactsAndWhenItWasVerified() {
    assertThat(Json.pretty(EntryJson.of(complete())))
        .isEqualTo(
            """
            {
              "name" : "shop",
              "time" : "2026-11-24T02:00:00Z",
              "key" : "shop/2026-11-24_02-00-00.sql.gz",
              "compression" : "gzip",
              "state" : "complete",
              "storedBytes" : 400,
              "rawBytes" : 1000,
              "totalRows" : 21000,
              "sha256" : "%s",
              "serverVersion" : "15.10",
              "manifest" : true,
              "verified" : true,
              "verifiedAt" : "2026-11-25T03:04:05.123Z"
            }"""
                .formatted(SHA));
  }

  @Test
  void anIncompleteEntryCarriesItsProblemAndNoFacts() {
    assertThat(Json.pretty(EntryJson.of(incomplete())))
        .isEqualTo(
            """
            {
              "name" : "shop",
              "time" : "2026-11-24T02:00:00Z",
              "key" : "shop/2026-11-24_02-00-00.sql.zst",
              "compression" : "zstd",
              "state" : "incomplete",
              "problem" : "incomplete: no manifest (running the backup again for this time, with\
             backup --at or by retrying its event, completes it from the stored object)",
              "manifest" : false,
              "verified" : false
            }""");
  }

  @Test
  void aManifestWithoutServerVersionStillWritesTheField() {
    BackupEntry e =
        new BackupEntry(
            new BackupKey("shop", T, Compression.GZIP),
            Optional.of(manifest(null)),
            Optional.empty());
    assertThat(Json.pretty(EntryJson.of(e)))
        .contains("\"serverVersion\" : null,\n  \"manifest\" : true,\n  \"verified\" : false\n}")
        .doesNotContain("verifiedAt", "problem");
  }

  @Test
  void aVerifyReportGivesItsProblemsAndAnUnknownDigestAsNull() {
    List<VerifyJson> reports =
        List.of(
            VerifyJson.of(new VerifyReport(complete(), 400, SHA, List.of())),
            VerifyJson.of(new VerifyReport(incomplete(), 0, null, List.of("p1", "p2"))));
    assertThat(Json.pretty(reports))
        .isEqualTo(
            """
            [ {
              "name" : "shop",
              "key" : "shop/2026-11-24_02-00-00.sql.gz",
              "ok" : true,
              "state" : "complete",
              "storedBytes" : 400,
              "sha256" : "%s",
              "problems" : [ ]
            }, {
              "name" : "shop",
              "key" : "shop/2026-11-24_02-00-00.sql.zst",
              "ok" : false,
              "state" : "incomplete",
              "storedBytes" : 0,
              "sha256" : null,
              "problems" : [ "p1", "p2" ]
            } ]"""
                .formatted(SHA));
  }

  @Test
  void aRestoreReportGivesTheComparison() {
    RestoreReport r =
        new RestoreReport(
            complete(), "postgresql://h/db", 3, 21000, true, List.of("orders: 1 != 2"));
    assertThat(Json.pretty(RestoreJson.of(r)))
        .isEqualTo(
            """
            {
              "name" : "shop",
              "key" : "shop/2026-11-24_02-00-00.sql.gz",
              "target" : "postgresql://h/db",
              "tablesChecked" : 3,
              "rowsChecked" : 21000,
              "countsRecorded" : true,
              "countsMatch" : false,
              "mismatches" : [ "orders: 1 != 2" ]
            }""");
  }

  @Test
  void aPruneReportGivesTheCountsThenEachDecision() {
    RetentionPlan plan =
        new RetentionPlan(
            List.of(
                new Decision(
                    new Backup("shop", T, "shop/2026-11-24_02-00-00.sql.gz"),
                    true,
                    List.of("last 1")),
                new Decision(
                    new Backup(
                        "shop",
                        T.minus(Duration.ofDays(1)),
                        "shop/2026-11-23_02-00-00.sql.gz",
                        false),
                    false,
                    List.of("no rule keeps it"))));
    PruneReport report =
        new PruneReport(plan, true, List.of("shop/2026-11-23_02-00-00.sql.gz"), List.of("x: y"));
    assertThat(Json.pretty(PruneJson.of(report)))
        .isEqualTo(
            """
            {
              "confirmed" : true,
              "keep" : 1,
              "delete" : 1,
              "deleted" : [ "shop/2026-11-23_02-00-00.sql.gz" ],
              "failures" : [ "x: y" ],
              "decisions" : [ {
                "name" : "shop",
                "key" : "shop/2026-11-24_02-00-00.sql.gz",
                "time" : "2026-11-24T02:00:00Z",
                "action" : "keep",
                "complete" : true,
                "reasons" : [ "last 1" ]
              }, {
                "name" : "shop",
                "key" : "shop/2026-11-23_02-00-00.sql.gz",
                "time" : "2026-11-23T02:00:00Z",
                "action" : "delete",
                "complete" : false,
                "reasons" : [ "no rule keeps it" ]
              } ]
            }""");
  }

  @Test
  void asMapsTheFieldsKeepTheirOrderAndLeaveOutWhatIsAbsent() {
    BackupResult r =
        BackupResult.succeeded(
            "shop", "shop/k.sql.gz", "s3://b/k", Duration.ofMillis(7), manifest("15.10"));
    Map<String, Object> map = Json.toMap(ResultJson.of(r));
    assertThat(map.keySet())
        .containsExactly(
            "name",
            "status",
            "path",
            "key",
            "durationMs",
            "rawBytes",
            "storedBytes",
            "sha256",
            "totalRows");
    assertThat(map).containsEntry("status", "succeeded").containsEntry("totalRows", 21000L);
  }

  static Manifest manifest(String serverVersion) {
    return new Manifest(
        1,
        "shop",
        "shop/2026-11-24_02-00-00.sql.gz",
        "2026-11-24T02:00:00Z",
        "2026-11-24T02:00:03Z",
        3000L,
        "gzip",
        6,
        1000,
        400,
        SHA,
        "pg_dump 15",
        serverVersion,
        List.of("--no-owner"),
        21000,
        Map.of("public.orders", 21000L),
        null,
        null);
  }

  static BackupEntry complete() {
    return new BackupEntry(
        new BackupKey("shop", T, Compression.GZIP),
        Optional.of(manifest("15.10")),
        Optional.of(Instant.parse("2026-11-25T03:04:05.123Z")));
  }

  static BackupEntry incomplete() {
    return new BackupEntry(
        new BackupKey("shop", T, Compression.ZSTD), Optional.empty(), Optional.empty());
  }

  @Test
  void aStatusGivesEveryFieldFlagsFirstAndNullsForWhatIsUnknown() {
    Instant now = T.plus(Duration.ofHours(30));
    var newest = dev.neons3backup.health.HealthFixtures.complete("shop", T, 400, 50);
    var previous =
        dev.neons3backup.health.HealthFixtures.complete(
            "shop", T.minus(Duration.ofDays(1)), 1000, 100);
    var h =
        new dev.neons3backup.health.DatabaseHealth(
            "shop",
            Optional.of(newest),
            Optional.of(previous),
            0,
            Optional.empty(),
            Optional.of(dev.neons3backup.health.HealthFixtures.drill("failed", "rows differ")),
            List.of());
    var s = new dev.neons3backup.health.StatusRules(now, 26, 50).assess(h);
    assertThat(Json.pretty(StatusJson.of(s)))
        .isEqualTo(
            """
            {
              "name" : "shop",
              "flags" : [ "STALE", "SHRUNK", "NEVER VERIFIED", "DRILL FAILED" ],
              "reasons" : [ "newest complete backup is 30 h old (limit 26 h)", "raw size fell 60 % since the previous backup (1000 → 400)", "no backup of it was ever verified (run verify --name shop)", "drill of db/k.sql.gz failed at 2026-11-23T03:00:00Z: rows differ" ],
              "newest" : {
                "key" : "shop/2026-11-24_02-00-00.sql.gz",
                "time" : "2026-11-24T02:00:00Z",
                "rawBytes" : 400,
                "storedBytes" : 133,
                "totalRows" : 50
              },
              "previous" : {
                "key" : "shop/2026-11-23_02-00-00.sql.gz",
                "time" : "2026-11-23T02:00:00Z",
                "rawBytes" : 1000,
                "storedBytes" : 333,
                "totalRows" : 100
              },
              "ageHours" : 30,
              "rawBytesChangePercent" : -60.0,
              "totalRowsChangePercent" : -50.0,
              "shrink" : "shop: raw size fell 60 % since the previous backup (1000 → 400)",
              "verifiedAt" : null,
              "drill" : {
                "key" : "db/k.sql.gz",
                "finishedAt" : "2026-11-23T03:00:00Z",
                "outcome" : "failed",
                "reason" : "rows differ"
              },
              "incompleteNewer" : 0
            }""");
  }
}
