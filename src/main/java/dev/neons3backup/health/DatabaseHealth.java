package dev.neons3backup.health;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.catalog.DrillRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the store says of one database's backups, as {@code status} reads it: the facts, before any
 * rule judges them (see {@link StatusRules}).
 *
 * @param database the database
 * @param newest its newest complete backup
 * @param previous the complete backup before that one
 * @param notComplete backups newer than the newest complete one (all of them when none is complete)
 *     that are incomplete or whose manifest is corrupt
 * @param lastVerified when {@code verify} confirmed the newest of its verified backups
 * @param drill the record of the newest drilled backup
 * @param history every complete backup, oldest first; only when the caller asked for it
 */
public record DatabaseHealth(
    String database,
    Optional<BackupEntry> newest,
    Optional<BackupEntry> previous,
    int notComplete,
    Optional<Instant> lastVerified,
    Optional<DrillRecord> drill,
    List<Point> history) {

  public DatabaseHealth {
    history = List.copyOf(history);
  }

  /** One complete backup on the chart. */
  public record Point(Instant time, long rawBytes, long totalRows) {}
}
