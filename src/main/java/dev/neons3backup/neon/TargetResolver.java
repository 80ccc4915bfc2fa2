package dev.neons3backup.neon;

import dev.neons3backup.BackupException;
import dev.neons3backup.catalog.NeonOrigin;
import dev.neons3backup.config.ConnectionUrl;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.NeonSettings;
import dev.neons3backup.config.TargetList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns the listed targets and Neon discovery into the night's targets.
 *
 * <ul>
 *   <li><b>Once each.</b> A listed URL and a discovered database that point at the same direct
 *       host, port and database are the same database: it is backed up once, under its listed name
 *       (its series in the store goes on), with the Neon origin recorded in its manifest.
 *   <li><b>Discovery failing</b> (the API down, the key refused) does not stop the listed
 *       databases: they are backed up, and the run gets one FAILED entry named {@value
 *       #DISCOVERY_ENTRY} with the reason, so the run fails (exit 3, the Lambda invocation fails,
 *       the failed metric counts it) and the alarm fires.
 *   <li><b>Snapshot mode</b>: each selected branch is dumped from a snapshot branch taken at the
 *       run's key time; snapshot branches a crashed run left are swept first, once per project. A
 *       branch whose snapshot cannot be taken fails its databases, not the run.
 * </ul>
 */
public final class TargetResolver {
  private static final Logger LOG = LogManager.getLogger(TargetResolver.class);

  /** The name of the FAILED entry a failed discovery adds to the run. */
  public static final String DISCOVERY_ENTRY = "neon-discovery";

  /** Snapshot branches expire after this even if this run cannot delete them. */
  static final Duration SNAPSHOT_EXPIRY = Duration.ofHours(24);

  private final Map<String, String> env;
  private final Clock clock;
  private final Supplier<Set<String>> storedNames;

  /**
   * @param env where {@code NEON_API_URL} (and {@code NEON_ORG_ID}) are read
   * @param storedNames the database names with backups in the store, for what changed
   */
  public TargetResolver(Map<String, String> env, Clock clock, Supplier<Set<String>> storedNames) {
    this.env = Map.copyOf(env);
    this.clock = clock;
    this.storedNames = storedNames;
  }

  public ResolvedTargets resolve(TargetList listed, Instant keyTime) {
    if (listed.neon().isEmpty()) {
      return ResolvedTargets.listedOnly(listed);
    }
    NeonSettings settings = listed.neon().get();
    NeonConfig config = NeonConfig.withKey(env, settings.apiKey(), settings.orgId());
    NeonApi api = new NeonApi(config);
    List<DiscoveredDatabase> found;
    try {
      found = new NeonDiscovery(api, config).discover(selection(settings));
    } catch (RuntimeException e) {
      return discoveryFailed(listed, e);
    }
    Merged merged = merge(listed, found);
    Changes changes = changes(found, merged.discovered());
    List<TargetList.Rejected> rejected = new ArrayList<>(listed.rejected());
    rejected.addAll(merged.rejected());
    List<Snapshot> snapshots = new ArrayList<>();
    List<DatabaseTarget> discovered;
    try {
      discovered =
          settings.snapshot()
              ? new SnapshotTargets(
                      new NeonSnapshots(api, clock, SNAPSHOT_EXPIRY), snapshotMoment(keyTime))
                  .targets(merged.discovered(), snapshots, rejected)
              : merged.discovered().stream().map(TargetResolver::target).toList();
    } catch (RuntimeException e) {
      // Nobody else holds the snapshots taken so far: delete them before giving up.
      snapshots.forEach(Snapshot::close);
      throw e;
    }
    List<DatabaseTarget> all = new ArrayList<>(merged.listed());
    all.addAll(discovered);
    return new ResolvedTargets(
        new TargetList(all, rejected, Optional.empty()),
        changes.added(),
        changes.removed(),
        snapshots);
  }

  /**
   * The night's targets as references, for the fleet's dispatcher: the listed entries as they are,
   * and the discovered databases without any connection URI (each worker asks for its own). With no
   * URI, a listed and a discovered database cannot be told to be the same one by address: they are
   * matched by name only, and a discovered name that a listed entry has is refused as a clash.
   */
  public References references(TargetList listed) {
    return references(listed, () -> false);
  }

  /**
   * As {@link #references(TargetList)}, examining no further Neon project once {@code stop} says
   * so: the projects left out become one refused {@value #DISCOVERY_ENTRY} entry that names them,
   * so the run's report and its alarm say which part of the fleet this night did not reach.
   */
  public References references(TargetList listed, BooleanSupplier stop) {
    References refs = references(listed, Optional.empty(), stop);
    if (refs.unexamined().isEmpty()) {
      return refs;
    }
    List<TargetList.Rejected> rejected = new ArrayList<>(refs.listed().rejected());
    rejected.add(leftOut(refs.unexamined(), OUT_OF_TIME));
    return new References(
        new TargetList(refs.listed().targets(), rejected, Optional.empty()),
        refs.discovered(),
        refs.snapshot(),
        List.of());
  }

  /**
   * As {@link #references(TargetList, BooleanSupplier)}, but the projects left out are only
   * returned ({@link References#unexamined()}), for a caller that goes on with them in another
   * invocation. With {@code projects} given, only those are examined and the listed entries are
   * left out (the run's first part planned them; clashes with them are still refused).
   */
  public References references(
      TargetList listed, Optional<Set<String>> projects, BooleanSupplier stop) {
    TargetList own =
        projects.isEmpty() ? listed : new TargetList(List.of(), List.of(), Optional.empty());
    if (listed.neon().isEmpty()) {
      return new References(own, List.of(), false, List.of());
    }
    NeonSettings settings = listed.neon().get();
    NeonConfig config = NeonConfig.withKey(env, settings.apiKey(), settings.orgId());
    NeonDiscovery.Found result;
    try {
      result =
          new NeonDiscovery(new NeonApi(config), config)
              .references(selection(settings), projects, stop);
    } catch (RuntimeException e) {
      // Not handed on as unexamined: a continuation would meet the same failure, again and again.
      return new References(discoveryFailed(own, e).targets(), List.of(), false, List.of());
    }
    Set<String> listedNames = new TreeSet<>();
    listed.targets().forEach(t -> listedNames.add(t.name()));
    listed.rejected().forEach(r -> listedNames.add(r.name()));
    List<TargetList.Rejected> rejected = new ArrayList<>(own.rejected());
    List<DiscoveredDatabase> rest = new ArrayList<>();
    for (DiscoveredDatabase d : result.databases()) {
      if (listedNames.contains(d.name())) {
        rejected.add(clash(d));
      } else {
        rest.add(d);
      }
    }
    return new References(
        new TargetList(own.targets(), rejected, Optional.empty()),
        rest,
        settings.snapshot(),
        result.unexamined());
  }

  /** Why projects were left out when nothing goes on with them. */
  public static final String OUT_OF_TIME = "Neon discovery ran out of the invocation's time";

  /**
   * The refused {@value #DISCOVERY_ENTRY} entry naming the projects whose databases are not in the
   * run, so its report and alarm say which part of the fleet this night did not reach.
   */
  public static TargetList.Rejected leftOut(List<String> projects, String why) {
    int shown = Math.min(20, projects.size());
    String ids =
        String.join(", ", projects.subList(0, shown))
            + (projects.size() > shown ? " and " + (projects.size() - shown) + " more" : "");
    return new TargetList.Rejected(
        Integer.MAX_VALUE,
        DISCOVERY_ENTRY,
        why
            + ": "
            + projects.size()
            + " project(s) not examined, their databases are not in this run ("
            + ids
            + "); see the README's fleet limits.");
  }

  /**
   * @param listed the listed targets and every refused entry (a failed discovery included)
   * @param discovered Neon databases, with empty connection URIs
   * @param snapshot whether the discovered databases are dumped from snapshot branches
   * @param unexamined ids of the selected projects discovery did not examine
   */
  public record References(
      TargetList listed,
      List<DiscoveredDatabase> discovered,
      boolean snapshot,
      List<String> unexamined) {
    public References {
      discovered = List.copyOf(discovered);
      unexamined = List.copyOf(unexamined);
    }
  }

  static NeonSelection selection(NeonSettings s) {
    return NeonSelection.of(s.projects(), s.branches(), s.allBranches(), s.databases());
  }

  private static ResolvedTargets discoveryFailed(TargetList listed, RuntimeException e) {
    String why =
        e instanceof BackupException
            ? e.getMessage()
            : "an unexpected error (" + e.getClass().getSimpleName() + ")";
    if (!(e instanceof BackupException)) {
      LOG.error("Neon discovery failed unexpectedly", e);
    }
    String reason =
        "Neon discovery failed: "
            + why
            + (listed.targets().isEmpty()
                ? ""
                : "; the " + listed.targets().size() + " listed database(s) were still backed up");
    LOG.error(reason);
    List<TargetList.Rejected> rejected = new ArrayList<>(listed.rejected());
    rejected.add(new TargetList.Rejected(Integer.MAX_VALUE, DISCOVERY_ENTRY, reason));
    return ResolvedTargets.listedOnly(new TargetList(listed.targets(), rejected, Optional.empty()));
  }

  /** The listed targets (with the origin of those also discovered) and the discovered rest. */
  record Merged(
      List<DatabaseTarget> listed,
      List<DiscoveredDatabase> discovered,
      List<TargetList.Rejected> rejected) {}

  static Merged merge(TargetList listed, List<DiscoveredDatabase> found) {
    Map<String, DiscoveredDatabase> byAddress = new LinkedHashMap<>();
    for (DiscoveredDatabase d : found) {
      byAddress.put(address(ConnectionUrl.parse(d.name(), d.connectionUri())), d);
    }
    List<DatabaseTarget> kept = new ArrayList<>();
    for (DatabaseTarget t : listed.targets()) {
      DiscoveredDatabase same = byAddress.remove(address(t.url()));
      if (same == null) {
        kept.add(t);
        continue;
      }
      LOG.info(
          "database '{}' is listed and also discovered as {}; backed up once, as '{}'",
          t.name(),
          same.name(),
          t.name());
      kept.add(t.withOrigin(origin(same)));
    }
    Set<String> listedNames = new TreeSet<>();
    listed.targets().forEach(t -> listedNames.add(t.name()));
    listed.rejected().forEach(r -> listedNames.add(r.name()));
    List<DiscoveredDatabase> rest = new ArrayList<>();
    List<TargetList.Rejected> clashes = new ArrayList<>();
    for (DiscoveredDatabase d : byAddress.values()) {
      if (listedNames.contains(d.name())) {
        clashes.add(clash(d));
      } else {
        rest.add(d);
      }
    }
    return new Merged(kept, rest, clashes);
  }

  private static TargetList.Rejected clash(DiscoveredDatabase d) {
    return new TargetList.Rejected(
        Integer.MAX_VALUE,
        d.name(),
        "database '"
            + d.name()
            + "': discovered in project "
            + d.projectId()
            + ", but a listed database of another address has this name; rename the listed one.");
  }

  /**
   * What identifies a database across a listed URL and a discovered one: the direct host (a pooler
   * host was rewritten when parsed), the port (5432 when none) and the database name.
   */
  static String address(ConnectionUrl url) {
    String hosts = url.hosts().toLowerCase(Locale.ROOT);
    boolean hasPort = hosts.contains(":") && !hosts.endsWith("]");
    return (hasPort ? hosts : hosts + ":5432") + "/" + url.database();
  }

  static NeonOrigin origin(DiscoveredDatabase d) {
    return NeonOrigin.of(d.projectId(), d.branchId(), d.database());
  }

  private static DatabaseTarget target(DiscoveredDatabase d) {
    return d.target().withOrigin(origin(d));
  }

  record Changes(List<String> added, List<String> removed) {}

  /**
   * Newly discovered: backed up under a discovered name (not a listed one) for the first time. No
   * longer discovered: a series named by {@link BackupNames} that nothing discovered now has.
   * Nothing when the store cannot be listed.
   */
  private Changes changes(List<DiscoveredDatabase> found, List<DiscoveredDatabase> backedUp) {
    Set<String> stored;
    try {
      stored = storedNames.get();
    } catch (RuntimeException e) {
      LOG.warn("cannot tell which Neon databases are new or gone: {}", e.getMessage());
      return new Changes(List.of(), List.of());
    }
    Set<String> names = found.stream().map(DiscoveredDatabase::name).collect(Collectors.toSet());
    List<String> added =
        backedUp.stream()
            .map(DiscoveredDatabase::name)
            .filter(n -> !stored.contains(n))
            .sorted()
            .toList();
    List<String> removed =
        stored.stream()
            .filter(BackupNames::looksDiscovered)
            .filter(n -> !names.contains(n))
            .sorted()
            .toList();
    if (!added.isEmpty()) {
      LOG.info("newly discovered: {}", String.join(", ", added));
    }
    if (!removed.isEmpty()) {
      LOG.warn("no longer discovered: {}", String.join(", ", removed));
    }
    return new Changes(added, removed);
  }

  /**
   * The moment a snapshot is taken at: the run's key time, or now when that is later (a key time
   * given for the future with {@code backup --at}); Neon refuses a parent timestamp ahead of its
   * clock.
   */
  private Instant snapshotMoment(Instant keyTime) {
    Instant now = clock.instant();
    return keyTime.isAfter(now) ? now : keyTime;
  }
}
