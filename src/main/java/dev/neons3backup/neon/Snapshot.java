package dev.neons3backup.neon;

import java.time.Instant;
import java.util.Optional;

/**
 * STUB for the lead to replace with helper N3's class (same signatures, per the N2/N3 contract): a
 * snapshot branch, deleted on {@link #close()}.
 */
public final class Snapshot implements AutoCloseable {
  private Snapshot() {}

  public String projectId() {
    throw stub();
  }

  /** The snapshot (child) branch. */
  public String branchId() {
    throw stub();
  }

  public String parentBranchId() {
    throw stub();
  }

  public Instant parentTimestamp() {
    throw stub();
  }

  /** The child's parent_lsn when the API gives it. */
  public Optional<String> lsn() {
    throw stub();
  }

  /** Direct (not pooled) URI of {@code database} as {@code role} on the snapshot's compute. */
  public String connectionUri(String database, String role) {
    throw stub();
  }

  /** Deletes the branch; never throws. */
  @Override
  public void close() {}

  private static UnsupportedOperationException stub() {
    return new UnsupportedOperationException("STUB: Snapshot comes with helper N3's work");
  }
}
