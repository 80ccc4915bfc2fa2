package dev.neons3backup.health;

import dev.neons3backup.catalog.Manifest;
import java.util.Optional;

/**
 * A backup that is much smaller than the one before it: its raw size or its total rows fell by more
 * than a threshold. The one owner of that rule, used at backup time (warning, metric, alarm) and by
 * {@code status} (the SHRUNK flag), so both always agree.
 *
 * @param database the backup's database
 * @param what {@code "raw size"} or {@code "rows"}, whichever fell further
 * @param before the previous complete backup's value
 * @param after this backup's value
 */
public record Shrink(String database, String what, long before, long after) {

  /** The default threshold: a fall of more than half. */
  public static final int DEFAULT_THRESHOLD_PERCENT = 50;

  /**
   * The shrink from {@code previous} to {@code current}, when either measure fell by more than
   * {@code thresholdPercent} percent; empty otherwise (also when there is no previous backup, or
   * the previous one was empty).
   */
  public static Optional<Shrink> between(
      Optional<Manifest> previous, Manifest current, int thresholdPercent) {
    if (previous.isEmpty()) {
      return Optional.empty();
    }
    Manifest p = previous.get();
    double sizeFall = fall(p.rawBytes(), current.rawBytes());
    double rowFall = fall(p.totalRows(), current.totalRows());
    if (Math.max(sizeFall, rowFall) * 100 <= thresholdPercent) {
      return Optional.empty();
    }
    return Optional.of(
        rowFall > sizeFall
            ? new Shrink(current.database(), "rows", p.totalRows(), current.totalRows())
            : new Shrink(current.database(), "raw size", p.rawBytes(), current.rawBytes()));
  }

  /** The fall in percent, rounded down: 0 when it grew. */
  public long percent() {
    return Math.round(Math.floor(fall(before, after) * 100));
  }

  /** One line naming the database and the drop, for the warning and the alarm. */
  public String describe() {
    return database
        + ": "
        + what
        + " fell "
        + percent()
        + " % since the previous backup ("
        + before
        + " → "
        + after
        + ")";
  }

  private static double fall(long before, long after) {
    if (before <= 0 || after >= before) {
      return 0;
    }
    return (double) (before - after) / before;
  }
}
