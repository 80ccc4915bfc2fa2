package dev.neons3backup.health;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.catalog.DrillRecord;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.catalog.Manifest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules {@code status} judges a database's facts by: pure, so every flag is tested without a
 * store.
 *
 * @param now the time ages are measured at
 * @param staleHours a newest complete backup older than this many hours is STALE
 * @param shrinkThresholdPercent the {@link Shrink} threshold; 0 turns SHRUNK off
 */
public record StatusRules(Instant now, int staleHours, int shrinkThresholdPercent) {
  /**
   * A daily schedule plus two hours for a late or long run: one missed night shows the next
   * morning.
   */
  public static final int DEFAULT_STALE_HOURS = 26;

  public DatabaseStatus assess(DatabaseHealth h) {
    List<Flag> flags = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    Optional<Duration> age = h.newest().map(e -> Duration.between(e.time(), now));
    if (age.isEmpty() || age.get().compareTo(Duration.ofHours(staleHours)) > 0) {
      flags.add(Flag.STALE);
      reasons.add(
          age.map(
                  a ->
                      "newest complete backup is "
                          + a.toHours()
                          + " h old (limit "
                          + staleHours
                          + " h)")
              .orElse("no complete backup"));
    }
    Optional<Shrink> shrink = shrink(h);
    shrink.ifPresent(
        s -> {
          flags.add(Flag.SHRUNK);
          // The table and the page name the database already; the alarm's line (describe) does not.
          reasons.add(
              s.what()
                  + " fell "
                  + s.percent()
                  + " % since the previous backup ("
                  + s.before()
                  + " → "
                  + s.after()
                  + ")");
        });
    if (h.lastVerified().isEmpty()) {
      flags.add(Flag.NEVER_VERIFIED);
      reasons.add("no backup of it was ever verified (run verify --name " + h.database() + ")");
    }
    h.drill().filter(d -> !d.passed()).ifPresent(d -> addDrillFailed(d, flags, reasons));
    if (h.notComplete() > 0 || h.newest().isEmpty()) {
      flags.add(Flag.INCOMPLETE);
      reasons.add(incomplete(h));
    }
    return new DatabaseStatus(h, age, shrink, flags, reasons);
  }

  private Optional<Shrink> shrink(DatabaseHealth h) {
    if (shrinkThresholdPercent <= 0 || h.newest().isEmpty()) {
      return Optional.empty();
    }
    Optional<Manifest> previous = h.previous().flatMap(BackupEntry::manifest);
    return Shrink.between(
        previous, h.newest().get().manifest().orElseThrow(), shrinkThresholdPercent);
  }

  private static void addDrillFailed(DrillRecord d, List<Flag> flags, List<String> reasons) {
    flags.add(Flag.DRILL_FAILED);
    if (DrillRecord.UNREADABLE.equals(d.outcome())) {
      // Whether that drill passed is unknown: its reason says which record and what to do.
      reasons.add(d.reason());
      return;
    }
    reasons.add(
        "drill of "
            + d.key()
            + " failed"
            + (d.finishedAt() == null ? "" : " at " + d.finishedAt())
            + (d.reason() == null ? "" : ": " + d.reason()));
  }

  private static String incomplete(DatabaseHealth h) {
    if (h.newest().isEmpty()) {
      return h.notComplete() + " backup(s), none complete (run list --name " + h.database() + ")";
    }
    return h.notComplete()
        + " backup(s) newer than "
        + KeyTime.format(h.newest().get().time())
        + " are incomplete or have a corrupt manifest (run list --name "
        + h.database()
        + ")";
  }
}
