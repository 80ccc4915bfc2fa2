package dev.neons3backup.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a backup of a Neon database came from, recorded in its manifest ({@code "neon"}): the
 * project, branch and database, and when it was dumped from a snapshot branch, that branch, its
 * parent, the parent's timestamp (ISO-8601) and LSN. The snapshot fields are null otherwise; null
 * fields are left out of the JSON. Ids only: no key, no URI, no password.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NeonOrigin(
    String projectId,
    String branchId,
    String database,
    String snapshotBranchId,
    String parentBranchId,
    String parentTimestamp,
    String lsn) {

  /** A database dumped from its branch's own compute. */
  public static NeonOrigin of(String projectId, String branchId, String database) {
    return new NeonOrigin(projectId, branchId, database, null, null, null, null);
  }
}
