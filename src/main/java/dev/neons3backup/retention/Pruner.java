package dev.neons3backup.retention;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.PruneReport;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.Catalog;
import dev.neons3backup.store.BackupStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies a retention policy to a store: plans with the pure planner, and deletes only when asked.
 * Keys that are not backups (see {@link BackupKey#parse}) are never listed, so never deleted. A
 * backup's object goes first, then its side files, so a failure never leaves an object whose
 * manifest is gone.
 */
public final class Pruner {
  private final BackupStore store;
  private final Catalog catalog;

  public Pruner(BackupStore store) {
    this.store = store;
    this.catalog = new Catalog(store);
  }

  public PruneReport prune(
      Optional<String> database, RetentionPolicy policy, Instant now, boolean confirm)
      throws IOException {
    List<Backup> backups = new ArrayList<>();
    for (BackupEntry e : catalog.list(database)) {
      backups.add(new Backup(e.database(), e.time(), e.key(), e.complete()));
    }
    RetentionPlan plan = RetentionPlanner.plan(backups, policy, now);
    List<String> deleted = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    if (confirm) {
      for (Backup b : plan.toDelete()) {
        try {
          store.delete(b.key());
          for (String side : BackupKey.parse(b.key()).orElseThrow().sideFiles()) {
            store.delete(side);
          }
          deleted.add(b.key());
        } catch (IOException e) {
          failures.add(store.describe(b.key()) + ": " + e.getMessage());
        }
      }
    }
    return new PruneReport(plan, confirm, deleted, failures);
  }
}
