package dev.neons3backup.retention;

import java.time.Instant;
import java.util.Objects;

/** One stored backup as the retention planner sees it: which database, when, and its key. */
public record Backup(String database, Instant time, String key) {
  public Backup {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(key, "key");
  }
}
