package dev.neons3backup.neon;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A snapshot branch: a read-only child of a branch at one moment, with one read-only compute, held
 * for the time of a run's dumps and deleted by {@link #close}.
 *
 * <p>{@link #close} asks Neon to delete the branch and does not wait for the deletion's operations:
 * once Neon accepted the request (200) the branch is going, and nothing this run does depends on
 * when it is gone; waiting would only spend the run's time. Should the deletion fail, the branch's
 * {@code expires_at} and the next run's {@link NeonSnapshots#sweep} remove it.
 */
public final class Snapshot implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(Snapshot.class);

  private final NeonApi api;
  private final String projectId;
  private final String branchId;
  private final String name;
  private final String parentBranchId;
  private final Instant parentTimestamp;
  private final Optional<String> lsn;
  private final String endpointId;
  private final AtomicBoolean closed = new AtomicBoolean();

  Snapshot(
      NeonApi api,
      String projectId,
      String branchId,
      String name,
      String parentBranchId,
      Instant parentTimestamp,
      Optional<String> lsn,
      String endpointId) {
    this.api = api;
    this.projectId = projectId;
    this.branchId = branchId;
    this.name = name;
    this.parentBranchId = parentBranchId;
    this.parentTimestamp = parentTimestamp;
    this.lsn = lsn;
    this.endpointId = endpointId;
  }

  public String projectId() {
    return projectId;
  }

  /** The snapshot (child) branch. */
  public String branchId() {
    return branchId;
  }

  public String parentBranchId() {
    return parentBranchId;
  }

  public Instant parentTimestamp() {
    return parentTimestamp;
  }

  /** The child's {@code parent_lsn} when the API gives it. */
  public Optional<String> lsn() {
    return lsn;
  }

  /** The branch's name: {@link NeonSnapshots#NAME_PREFIX} and what makes it unique. */
  String name() {
    return name;
  }

  /**
   * Direct (not pooled) URI of {@code database} as {@code role} on the snapshot's read-only
   * compute. It holds the role's password: keep it in memory only.
   */
  public String connectionUri(String database, String role) {
    return api.connectionUri(projectId, branchId, endpointId, database, role);
  }

  /** Deletes the branch; never throws; logs one line naming the branch when it cannot. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      api.deleteBranch(projectId, branchId);
      LOG.info("Neon: deleted snapshot branch {} ({}) of project {}", name, branchId, projectId);
    } catch (RuntimeException e) {
      LOG.warn(
          "Neon: could not delete snapshot branch {} ({}) of project {}: {}; it expires by itself,"
              + " and the next run deletes it",
          name,
          branchId,
          projectId,
          oneLine(e.getMessage()));
    }
  }

  static String oneLine(String s) {
    return String.valueOf(s).replaceAll("\\s+", " ").trim();
  }

  @Override
  public String toString() {
    return "Snapshot[" + projectId + "/" + branchId + " of " + parentBranchId + "]";
  }
}
