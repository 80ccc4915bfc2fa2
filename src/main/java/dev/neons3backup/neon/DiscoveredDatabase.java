package dev.neons3backup.neon;

import dev.neons3backup.config.DatabaseTarget;
import java.util.OptionalLong;

/**
 * One database found through the Neon API, with what a backup needs and a report shows. The
 * connection URI holds its owner role's password: it lives in memory only and {@code toString}
 * never prints it. A reference ({@link NeonDiscovery#references}) has an empty connection URI.
 *
 * @param name the backup name ({@link BackupNames}), stable across runs
 * @param branchLogicalSize the branch's logical size in bytes, as the API reports it (Neon reports
 *     size per branch, not per database)
 * @param pgVersion the project's PostgreSQL major version, which chooses the pg_dump major
 */
public record DiscoveredDatabase(
    String name,
    String projectId,
    String projectName,
    String branchId,
    String branchName,
    boolean defaultBranch,
    String database,
    String ownerRole,
    int pgVersion,
    OptionalLong branchLogicalSize,
    String connectionUri) {

  /** The target to back up: this database's name and its connection URI. */
  public DatabaseTarget target() {
    return DatabaseTarget.of(name, connectionUri);
  }

  @Override
  public String toString() {
    return "DiscoveredDatabase["
        + name
        + ", project "
        + projectId
        + " ("
        + projectName
        + "), branch "
        + branchId
        + " ("
        + branchName
        + "), database "
        + database
        + ", owner "
        + ownerRole
        + ", pg "
        + pgVersion
        + "]";
  }
}
