package dev.neons3backup.fleet;

import dev.neons3backup.BackupException;
import dev.neons3backup.catalog.NeonOrigin;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.neon.NeonApi;
import dev.neons3backup.neon.NeonSnapshots;
import dev.neons3backup.neon.Snapshot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A snapshot work item: its database is dumped from a snapshot branch of its branch taken at the
 * run's moment (clamped to now: Neon refuses a parent timestamp ahead of its clock), and the branch
 * is deleted afterwards whatever the dump did.
 *
 * <p>One branch per item, named from the run and the backup name ({@link #branchName}), so a
 * redelivery of the item knows the branch an earlier delivery left (its worker was killed before it
 * could delete it) and <b>replaces</b> it: deletes it, then takes a fresh one at the same moment.
 * Replacing rather than reusing means the worker never dumps from a branch whose creation an
 * earlier worker may not have seen through. Two workers on the same item at the same moment (a
 * duplicate message) may delete each other's branch: one dump fails, its message comes back, and by
 * then the backup is complete and is skipped. Stale snapshot branches of crashed runs are swept in
 * the same listing, as the single-function run does.
 */
public final class SnapshotWork {
  private static final Logger LOG = LogManager.getLogger(SnapshotWork.class);

  /** As the single-function run: a branch this worker cannot delete is gone within a day. */
  static final Duration EXPIRY = Duration.ofHours(24);

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final NeonSnapshots snapshots;
  private final Clock clock;

  public SnapshotWork(NeonApi api, Clock clock) {
    this.snapshots = new NeonSnapshots(api, clock, EXPIRY);
    this.clock = clock;
  }

  /**
   * Takes the item's snapshot, runs {@code backup} on the target that dumps from it, and deletes
   * the snapshot, also when the backup throws. A snapshot that cannot be taken is a one-line
   * BackupException naming the database.
   */
  public <T> T backup(WorkItem item, Function<DatabaseTarget, T> backup) {
    if (!(item.source() instanceof WorkItem.Neon neon)) {
      throw BackupException.config(
          "database "
              + item.name()
              + ": a snapshot work item must be a Neon database; the plan is wrong.");
    }
    String name = branchName(item);
    sweep(neon.projectId(), name);
    Snapshot snapshot;
    try {
      snapshot = snapshots.take(neon.projectId(), neon.branchId(), moment(item.run()), name);
    } catch (BackupException e) {
      throw new BackupException(
          e.code(), "database " + item.name() + ": no snapshot could be taken: " + e.getMessage());
    }
    try (snapshot) {
      return backup.apply(target(item, neon, snapshot));
    }
  }

  /** The same for every delivery of the item; unique among the run's items (their names are). */
  public static String branchName(WorkItem item) {
    return NeonSnapshots.NAME_PREFIX
        + "w-"
        + STAMP.format(item.run())
        + "-"
        + HexFormat.of().formatHex(sha256(item.name()), 0, 8);
  }

  private void sweep(String projectId, String replacing) {
    try {
      snapshots.sweep(projectId, replacing);
    } catch (BackupException e) {
      // Leftovers expire by themselves; a branch of the same name makes the take fail, and the
      // message comes back.
      LOG.warn("Neon: could not look for leftover snapshot branches: {}", e.getMessage());
    }
  }

  private Instant moment(Instant run) {
    Instant now = clock.instant();
    return run.isAfter(now) ? now : run;
  }

  private static DatabaseTarget target(WorkItem item, WorkItem.Neon neon, Snapshot s) {
    NeonOrigin origin =
        new NeonOrigin(
            neon.projectId(),
            neon.branchId(),
            neon.database(),
            s.branchId(),
            s.parentBranchId(),
            s.parentTimestamp().toString(),
            s.lsn().orElse(null));
    return DatabaseTarget.of(item.name(), s.connectionUri(neon.database(), neon.role()))
        .withOrigin(origin);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
