package dev.neons3backup.retention;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored backup as the retention planner sees it: which database, when, its key, and whether it
 * is complete (its object and a readable manifest both exist). Only complete backups count.
 */
public record Backup(String database, Instant time, String key, boolean complete) {
  public Backup {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(key, "key");
  }

  /** A complete backup. */
  public Backup(String database, Instant time, String key) {
    this(database, time, key, true);
  }
}
