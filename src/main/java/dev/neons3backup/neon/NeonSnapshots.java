package dev.neons3backup.neon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * STUB for the lead to replace with helper N3's class (same signatures, per the N2/N3 contract):
 * snapshot branches, read-only children of a branch at the run's moment, deleted afterwards. Every
 * method throws until then, so snapshot mode fails visibly instead of dumping the primary.
 */
public final class NeonSnapshots {
  /** Every snapshot branch this tool creates is named NAME_PREFIX + something unique per run. */
  public static final String NAME_PREFIX = "neon-s3-backup-snapshot-";

  public NeonSnapshots(NeonApi api, Clock clock, Duration expiry) {}

  /** STUB: see the class comment. */
  public Snapshot take(String projectId, String parentBranchId, Instant at) {
    throw new UnsupportedOperationException("STUB: NeonSnapshots.take comes with helper N3's work");
  }

  /** STUB: see the class comment. */
  public int sweep(String projectId) {
    throw new UnsupportedOperationException(
        "STUB: NeonSnapshots.sweep comes with helper N3's work");
  }
}
