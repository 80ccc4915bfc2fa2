package dev.neons3backup.retention;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One decision per backup of the listing, ordered by database name, then newest first (backups with
 * the same database and time stay in listing order).
 */
public record RetentionPlan(List<Decision> decisions) {
  public RetentionPlan {
    decisions = List.copyOf(decisions);
  }

  public List<Backup> toKeep() {
    return backups(true);
  }

  public List<Backup> toDelete() {
    return backups(false);
  }

  /** The decisions of each database, by database name; each list keeps the plan's order. */
  public SortedMap<String, List<Decision>> byDatabase() {
    TreeMap<String, List<Decision>> grouped =
        decisions.stream()
            .collect(
                Collectors.groupingBy(
                    d -> d.backup().database(), TreeMap::new, Collectors.toUnmodifiableList()));
    return Collections.unmodifiableSortedMap(grouped);
  }

  /** The decisions about one database's backups, newest first; empty for an unknown database. */
  public List<Decision> forDatabase(String database) {
    return decisions.stream().filter(d -> d.backup().database().equals(database)).toList();
  }

  private List<Backup> backups(boolean keep) {
    return decisions.stream().filter(d -> d.keep() == keep).map(Decision::backup).toList();
  }
}
