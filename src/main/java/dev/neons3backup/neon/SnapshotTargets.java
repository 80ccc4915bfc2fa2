package dev.neons3backup.neon;

import dev.neons3backup.BackupException;
import dev.neons3backup.catalog.NeonOrigin;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.TargetList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Snapshot mode: one snapshot branch per selected branch, taken at the run's key time, whose
 * read-only compute serves every database of that branch (so their dumps are consistent with each
 * other and the primary's compute is left alone).
 */
final class SnapshotTargets {
  private static final Logger LOG = LogManager.getLogger(SnapshotTargets.class);

  private final NeonSnapshots snapshots;
  private final Instant at;

  SnapshotTargets(NeonSnapshots snapshots, Instant at) {
    this.snapshots = snapshots;
    this.at = at;
  }

  /**
   * The targets of {@code found}, dumped from snapshots; each snapshot taken is added to {@code
   * taken} (to be closed by the caller whatever happens), each branch that could not be snapshot
   * fails its databases in {@code rejected}.
   */
  List<DatabaseTarget> targets(
      List<DiscoveredDatabase> found, List<Snapshot> taken, List<TargetList.Rejected> rejected) {
    Map<String, List<DiscoveredDatabase>> byBranch = new LinkedHashMap<>();
    Set<String> projects = new LinkedHashSet<>();
    for (DiscoveredDatabase d : found) {
      projects.add(d.projectId());
      byBranch.computeIfAbsent(d.projectId() + "/" + d.branchId(), k -> new ArrayList<>()).add(d);
    }
    projects.forEach(this::sweep);
    List<DatabaseTarget> targets = new ArrayList<>();
    for (List<DiscoveredDatabase> branch : byBranch.values()) {
      DiscoveredDatabase first = branch.get(0);
      Snapshot snapshot;
      try {
        snapshot = snapshots.take(first.projectId(), first.branchId(), at);
      } catch (BackupException e) {
        branch.forEach(d -> rejected.add(failed(d, e.getMessage())));
        continue;
      }
      taken.add(snapshot);
      branch.forEach(d -> targets.add(target(d, snapshot)));
    }
    return targets;
  }

  private void sweep(String projectId) {
    int deleted;
    try {
      deleted = snapshots.sweep(projectId);
    } catch (BackupException e) {
      // Their expiry deletes them anyway; this run's own snapshots do not depend on it.
      LOG.warn("Neon: could not look for leftover snapshot branches: {}", e.getMessage());
      return;
    }
    if (deleted > 0) {
      LOG.info(
          "Neon: deleted {} snapshot branch(es) an earlier run left in project {}",
          deleted,
          projectId);
    }
  }

  private static DatabaseTarget target(DiscoveredDatabase d, Snapshot s) {
    NeonOrigin origin =
        new NeonOrigin(
            d.projectId(),
            d.branchId(),
            d.database(),
            s.branchId(),
            s.parentBranchId(),
            s.parentTimestamp().toString(),
            s.lsn().orElse(null));
    return DatabaseTarget.of(d.name(), s.connectionUri(d.database(), d.ownerRole()))
        .withOrigin(origin);
  }

  private static TargetList.Rejected failed(DiscoveredDatabase d, String why) {
    return new TargetList.Rejected(
        Integer.MAX_VALUE,
        d.name(),
        "database '" + d.name() + "': no snapshot of its branch could be taken: " + why);
  }
}
