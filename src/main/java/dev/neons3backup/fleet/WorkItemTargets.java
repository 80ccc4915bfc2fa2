package dev.neons3backup.fleet;

import dev.neons3backup.BackupException;
import dev.neons3backup.catalog.NeonOrigin;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.NeonSettings;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.neon.NeonApi;
import dev.neons3backup.neon.NeonConfig;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a {@link WorkItem} (references only) into the {@link DatabaseTarget} to back up: the
 * secret's entry of that name, or the connection URI the Neon API gives with the secret's key. The
 * fleet's Lambda worker and the {@code work} command of its Fargate tasks both use it, so a
 * database is found the same way wherever it is backed up.
 */
public final class WorkItemTargets {
  private final Function<NeonSettings, NeonApi> neonApis;

  /** {@code neonApis} builds the API client from the secret's {@code neon} object. */
  public WorkItemTargets(Function<NeonSettings, NeonApi> neonApis) {
    this.neonApis = neonApis;
  }

  /** The Neon API at {@code NEON_API_URL} of {@code env} (else Neon's public API). */
  public static WorkItemTargets fromEnvironment(Map<String, String> env) {
    return new WorkItemTargets(s -> new NeonApi(NeonConfig.withKey(env, s.apiKey(), s.orgId())));
  }

  /**
   * The item's database, found in {@code list} (the secret, loaded by the caller); a one-line
   * {@link BackupException} naming the database when it cannot be.
   */
  public DatabaseTarget target(WorkItem item, TargetList list) {
    if (item.snapshot()) {
      throw refuseSnapshot(item);
    }
    if (item.source() instanceof WorkItem.Listed listed) {
      return listed(item.name(), listed.entry(), list);
    }
    return neon(item.name(), (WorkItem.Neon) item.source(), list);
  }

  /**
   * Runs {@code backup} on the item's database: for a snapshot item, on a snapshot branch taken
   * before and deleted after it ({@link SnapshotWork}).
   */
  public <T> T backUp(
      WorkItem item, TargetList list, Clock clock, Function<DatabaseTarget, T> backup) {
    if (item.snapshot() && item.source() instanceof WorkItem.Neon) {
      return new SnapshotWork(neonApi(item.name(), list), clock).backup(item, backup);
    }
    return backup.apply(target(item, list));
  }

  /** A snapshot item's target exists only inside {@link #backUp}, around its snapshot branch. */
  private static BackupException refuseSnapshot(WorkItem item) {
    return BackupException.config(
        "database "
            + item.name()
            + ": a snapshot work item needs its snapshot branch; it is backed up through backUp.");
  }

  /** The Neon database's connection URI from the API, with the secret's key. */
  public DatabaseTarget neon(String name, WorkItem.Neon neon, TargetList list) {
    String uri =
        neonApi(name, list)
            .connectionUri(neon.projectId(), neon.branchId(), neon.database(), neon.role());
    return DatabaseTarget.of(name, uri)
        .withOrigin(NeonOrigin.of(neon.projectId(), neon.branchId(), neon.database()));
  }

  /** The Neon API with the secret's key; a one-line error naming the database without one. */
  public NeonApi neonApi(String name, TargetList list) {
    NeonSettings settings =
        list.neon()
            .orElseThrow(
                () ->
                    BackupException.config(
                        "database "
                            + name
                            + ": the secret has no neon object; add one with the API key."));
    return neonApis.apply(settings);
  }

  /** The secret's entry {@code entry}, backed up under {@code name}. */
  public static DatabaseTarget listed(String name, String entry, TargetList list) {
    for (DatabaseTarget t : list.targets()) {
      if (t.name().equals(entry)) {
        return new DatabaseTarget(name, t.url(), t.origin());
      }
    }
    for (TargetList.Rejected r : list.rejected()) {
      if (entry.equals(r.name())) {
        throw BackupException.config(r.reason());
      }
    }
    throw BackupException.config(
        "database "
            + name
            + ": entry '"
            + entry
            + "' is not in the secret's databases list any more; the plan is out of date.");
  }
}
