package dev.neons3backup.config;

import java.util.List;
import java.util.Optional;

/**
 * The secret's optional {@code neon} object: discover databases through the Neon API, beside (or
 * instead of) the listed ones. The API key is held in memory only; {@code toString} never shows it.
 *
 * @param orgId the organization to list, for a personal key in several (else {@code NEON_ORG_ID})
 * @param projects globs on project name or id ({@code !} excludes); empty: every project
 * @param branches globs on branch name or id; empty: each project's default branch (or every branch
 *     with {@code allBranches})
 * @param databases globs on database name; empty: every database
 * @param snapshot dump each selected branch from a snapshot branch taken at the run's moment
 */
public record NeonSettings(
    String apiKey,
    Optional<String> orgId,
    List<String> projects,
    List<String> branches,
    boolean allBranches,
    List<String> databases,
    boolean snapshot) {

  public NeonSettings {
    projects = List.copyOf(projects);
    branches = List.copyOf(branches);
    databases = List.copyOf(databases);
  }

  @Override
  public String toString() {
    return "NeonSettings[key ****"
        + orgId.map(o -> ", org " + o).orElse("")
        + ", projects "
        + projects
        + ", branches "
        + (branches.isEmpty() ? (allBranches ? "all" : "default") : branches)
        + ", databases "
        + databases
        + ", snapshot "
        + snapshot
        + "]";
  }
}
