package dev.neons3backup.health;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.DrillRecord;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.io.Compression;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Complete backups and drill records for the status tests, without a store. */
public final class HealthFixtures {
  private HealthFixtures() {}

  public static BackupEntry complete(String db, Instant at, long raw, long rows) {
    BackupKey key = new BackupKey(db, at, Compression.GZIP);
    Manifest m =
        new Manifest(
            1,
            db,
            key.format(),
            null,
            null,
            null,
            "gzip",
            null,
            raw,
            raw / 3,
            "ab".repeat(32),
            "15",
            "15",
            null,
            rows,
            Map.of("public.t", rows),
            null,
            null);
    return new BackupEntry(key, Optional.of(m), Optional.empty());
  }

  public static DrillRecord drill(String outcome, String reason) {
    return new DrillRecord(
        1,
        "db",
        "db/k.sql.gz",
        null,
        "2026-11-23T03:00:00Z",
        1,
        outcome,
        reason,
        null,
        null,
        null,
        null,
        0,
        0,
        null,
        null,
        null);
  }
}
