package dev.neons3backup.restore;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.Catalog;
import dev.neons3backup.catalog.DrillRecord;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.json.Json;
import dev.neons3backup.pg.PgClient;
import dev.neons3backup.store.BackupStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A run of drills: the newest complete backup of each database (or of a rotating sample), one after
 * the other on one scratch server, each result recorded beside its backup as {@code .drill.json}.
 */
public final class Drills {
  private static final Logger LOG = LogManager.getLogger(Drills.class);

  private final BackupStore store;
  private final Drill drill;

  public Drills(BackupStore store, PgClient pg, Clock clock) {
    this(store, new Drill(store, pg, clock));
  }

  Drills(BackupStore store, Drill drill) {
    this.store = store;
    this.drill = drill;
  }

  /**
   * Drills the databases chosen: {@code sample} of them when above 0, those drilled longest ago
   * first (never drilled before all others), so every database is drilled within ceil(total /
   * sample) runs. Throws (storage) only when the store cannot be listed or a record not written.
   */
  public List<DrillResult> run(Optional<String> database, int sample, DatabaseTarget scratch)
      throws IOException {
    return run(database, sample, scratch, DrillLimits.NONE).results();
  }

  /**
   * As above within {@code limits}: first drops scratch databases left behind by killed drills; the
   * first drill always starts (so every run makes progress), later ones only while at least the
   * margin is left; the rest are returned as not drilled.
   */
  public DrillRun run(
      Optional<String> database, int sample, DatabaseTarget scratch, DrillLimits limits)
      throws IOException {
    List<BackupEntry> all = new Catalog(store).list(database);
    if (all.isEmpty()) {
      throw BackupException.config(
          "no backups to drill in "
              + store.describe("")
              + database.map(d -> " for " + d).orElse("")
              + ".");
    }
    Map<String, Optional<BackupEntry>> newest = newestComplete(all);
    // Always this order: a run stopped for time leaves the rest to be drilled first next time.
    List<String> chosen = oldestDrilledFirst(all, new ArrayList<>(newest.keySet()));
    if (sample > 0 && sample < chosen.size()) {
      chosen = chosen.subList(0, sample);
    }
    dropLeftovers(scratch, limits);
    List<DrillResult> results = new ArrayList<>();
    for (String db : chosen) {
      if (!results.isEmpty() && limits.deadline().remainingMillis() < limits.margin().toMillis()) {
        List<String> rest = chosen.subList(results.size(), chosen.size());
        LOG.warn(
            "Drill stopped for time: {} of {} databases not drilled this run (they come first in"
                + " the next): {}",
            rest.size(),
            chosen.size(),
            String.join(", ", rest));
        return new DrillRun(results, List.copyOf(rest));
      }
      results.add(drillOne(db, newest.get(db), scratch));
    }
    return new DrillRun(results, List.of());
  }

  private void dropLeftovers(DatabaseTarget scratch, DrillLimits limits) {
    try {
      drill.dropLeftovers(scratch, limits.leftoverAge());
    } catch (RuntimeException e) {
      // The drills that follow report an unreachable scratch server, each naming its database.
      LOG.warn("could not look for scratch databases left by killed drills: {}", e.getMessage());
    }
  }

  private DrillResult drillOne(String db, Optional<BackupEntry> entry, DatabaseTarget scratch)
      throws IOException {
    if (entry.isEmpty()) {
      return DrillResult.notStarted(
          db, "", "database '" + db + "' has no complete backup to drill; see list and verify");
    }
    DrillRecord record;
    try {
      record = drill.run(entry.get(), scratch);
    } catch (BackupException e) {
      LOG.error(e.getMessage());
      return DrillResult.notStarted(db, entry.get().key(), e.getMessage());
    }
    save(record);
    if (record.passed()) {
      LOG.info("database '{}': drill passed ({})", db, entry.get().key());
    } else {
      LOG.error(record.reason());
    }
    return DrillResult.of(record);
  }

  /** The newest drill replaces the one before. */
  private void save(DrillRecord record) throws IOException {
    String key = BackupKey.parse(record.key()).orElseThrow().drillKey();
    store.replace(key, Json.bytes(record), "application/json");
  }

  private static Map<String, Optional<BackupEntry>> newestComplete(List<BackupEntry> all) {
    Map<String, Optional<BackupEntry>> newest = new LinkedHashMap<>();
    for (BackupEntry e : all) {
      newest.putIfAbsent(e.database(), Optional.empty());
      if (e.complete() && newest.get(e.database()).isEmpty()) {
        newest.put(e.database(), Optional.of(e));
      }
    }
    return newest;
  }

  /** Databases by the time of their newest recorded drill, never drilled first, then by name. */
  private List<String> oldestDrilledFirst(List<BackupEntry> all, List<String> databases)
      throws IOException {
    Set<String> keys = new HashSet<>(store.list(""));
    Map<String, Instant> lastDrill = new LinkedHashMap<>();
    for (String db : databases) {
      lastDrill.put(db, Instant.MIN);
    }
    // Entries are newest first per database: the first with a record holds its newest drill.
    Set<String> found = new HashSet<>();
    for (BackupEntry e : all) {
      String drillKey = BackupKey.parse(e.key()).orElseThrow().drillKey();
      if (lastDrill.containsKey(e.database())
          && keys.contains(drillKey)
          && found.add(e.database())) {
        lastDrill.put(e.database(), finishedAt(drillKey));
      }
    }
    return databases.stream()
        .sorted(Comparator.comparing((String db) -> lastDrill.get(db)).thenComparing(db -> db))
        .toList();
  }

  private Instant finishedAt(String drillKey) {
    try (var in = store.open(drillKey)) {
      return Instant.parse(Json.read(in.readAllBytes(), DrillRecord.class).finishedAt());
    } catch (IOException | RuntimeException e) {
      // An unreadable record counts as no drill: that database is drilled sooner, not later.
      return Instant.MIN;
    }
  }
}
