package dev.neons3backup.neon;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.concurrent.Threads;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Finds the databases to back up: projects → branches → databases → a direct connection URI for
 * each database's owner role, all in memory.
 *
 * <p>Fetches no more than the selection needs: branches are listed only for selected projects,
 * databases only for selected branches, and connection URIs only for selected databases. One {@code
 * connection_uri} call serves every database of a branch owned by the same role: the URIs differ
 * only in their path (the database), so the others are derived from it. With 2 databases per
 * project that is 1.5 calls per database (a listing of branches, one of databases, one URI per
 * project, and a page of 400 projects), which keeps 1,000 projects inside Neon's 700 requests per
 * minute in well under 5 minutes.
 *
 * <p>The organization: {@code NEON_ORG_ID} when set; else, when the key's user belongs to exactly
 * one organization, that one ({@code GET /users/me/organizations}); several need {@code
 * NEON_ORG_ID}. Organization and project-scoped keys may not list organizations (Neon answers 4xx;
 * see neonctl's {@code link} command); their projects are listed without {@code org_id}, which the
 * key implies (https://neon.com/docs/manage/orgs-api).
 */
public final class NeonDiscovery {
  private static final Logger LOG = LogManager.getLogger(NeonDiscovery.class);

  /** Requests in flight: enough to keep Neon's per-account rate busy at ~300 ms per request. */
  static final int PARALLEL = 8;

  private final NeonApi api;
  private final Optional<String> configuredOrg;

  public NeonDiscovery(NeonApi api, NeonConfig config) {
    this.api = api;
    this.configuredOrg = config.orgId();
  }

  /** Every selected database, sorted by name; names are unique. */
  public List<DiscoveredDatabase> discover(NeonSelection selection) {
    return find(selection, true);
  }

  /**
   * Every selected database as a reference only: no {@code connection_uri} call at all, and an
   * empty {@link DiscoveredDatabase#connectionUri()}. The fleet's dispatcher plans with these; each
   * worker asks for its own database's URI.
   */
  public List<DiscoveredDatabase> references(NeonSelection selection) {
    return references(selection, () -> false).databases();
  }

  /**
   * As {@link #references(NeonSelection)}, examining no further project once {@code stop} says so
   * (the invocation is running out of time): what was found, and the ids of the projects not
   * examined, so that the caller can name them instead of losing the whole night.
   */
  public Found references(NeonSelection selection, BooleanSupplier stop) {
    return references(selection, Optional.empty(), stop);
  }

  /**
   * As {@link #references(NeonSelection, BooleanSupplier)}, among the selected projects only those
   * in {@code projects} when given: the ones an earlier invocation of the same run left (a project
   * deleted since is simply not found).
   */
  public Found references(
      NeonSelection selection, Optional<Set<String>> projects, BooleanSupplier stop) {
    return find(selection, false, projects, stop);
  }

  /** Discovered databases, and the selected projects that were not examined. */
  public record Found(List<DiscoveredDatabase> databases, List<String> unexamined) {
    public Found {
      databases = List.copyOf(databases);
      unexamined = List.copyOf(unexamined);
    }
  }

  private List<DiscoveredDatabase> find(NeonSelection selection, boolean uris) {
    return find(selection, uris, Optional.empty(), () -> false).databases();
  }

  private Found find(
      NeonSelection selection, boolean uris, Optional<Set<String>> scope, BooleanSupplier stop) {
    Optional<String> org = organization();
    List<NeonApi.Project> projects =
        api.projects(org).stream()
            .filter(selection::project)
            .filter(p -> scope.map(ids -> ids.contains(p.id())).orElse(true))
            .collect(Collectors.toList());
    LOG.info("Neon: {} project(s) selected", projects.size());
    List<DiscoveredDatabase> found = new ArrayList<>();
    List<String> unexamined = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool =
        Executors.newFixedThreadPool(PARALLEL, Threads.daemons("neon-discovery"));
    try {
      List<Future<List<DiscoveredDatabase>>> work = new ArrayList<>();
      for (NeonApi.Project p : projects) {
        work.add(
            pool.submit(
                () -> {
                  if (stop.getAsBoolean()) {
                    unexamined.add(p.id());
                    return List.<DiscoveredDatabase>of();
                  }
                  return project(p, selection, uris);
                }));
      }
      for (Future<List<DiscoveredDatabase>> f : work) {
        found.addAll(Threads.await(f));
      }
    } finally {
      pool.shutdownNow();
    }
    found.sort(Comparator.comparing(DiscoveredDatabase::name));
    checkUnique(found);
    LOG.info("Neon: {} database(s) discovered with {} API call(s)", found.size(), api.totalCalls());
    if (!unexamined.isEmpty()) {
      LOG.error("Neon: out of time, {} project(s) not examined", unexamined.size());
    }
    List<String> skipped = new ArrayList<>(unexamined);
    Collections.sort(skipped);
    return new Found(found, skipped);
  }

  /** The {@code org_id} to list projects with, if any. */
  Optional<String> organization() {
    if (configuredOrg.isPresent()) {
      return configuredOrg;
    }
    List<NeonApi.Organization> orgs;
    try {
      orgs = api.organizations();
    } catch (NeonApiException e) {
      if (e.status() == 403 || e.status() == 404) {
        // An organization or project-scoped key: the key implies its organization.
        LOG.debug("Neon: the key may not list organizations; listing its projects without org_id");
        return Optional.empty();
      }
      throw e;
    }
    if (orgs.size() > 1) {
      String ids =
          orgs.stream().map(o -> o.id() + " (" + o.name() + ")").collect(Collectors.joining(", "));
      throw BackupException.config(
          "the Neon API key belongs to "
              + orgs.size()
              + " organizations: "
              + ids
              + "; set NEON_ORG_ID to the one to back up.");
    }
    return orgs.stream().findFirst().map(NeonApi.Organization::id);
  }

  private List<DiscoveredDatabase> project(
      NeonApi.Project p, NeonSelection selection, boolean uris) {
    List<DiscoveredDatabase> found = new ArrayList<>();
    for (NeonApi.Branch b : api.branches(p.id())) {
      if (selection.branch(b)) {
        found.addAll(branch(p, b, selection, uris));
      }
    }
    return found;
  }

  private List<DiscoveredDatabase> branch(
      NeonApi.Project p, NeonApi.Branch b, NeonSelection selection, boolean uris) {
    Map<String, List<NeonApi.Database>> byOwner = new LinkedHashMap<>();
    for (NeonApi.Database d : api.databases(p.id(), b.id())) {
      if (selection.database(d.name())) {
        byOwner.computeIfAbsent(d.ownerName(), o -> new ArrayList<>()).add(d);
      }
    }
    List<DiscoveredDatabase> found = new ArrayList<>();
    byOwner.forEach(
        (owner, dbs) -> {
          String first = uris ? api.connectionUri(p.id(), b.id(), dbs.get(0).name(), owner) : "";
          for (NeonApi.Database d : dbs) {
            String uri = !uris || d == dbs.get(0) ? first : withDatabase(first, d.name());
            found.add(
                new DiscoveredDatabase(
                    BackupNames.of(p.id(), b.id(), d.name()),
                    p.id(),
                    p.name(),
                    b.id(),
                    b.name(),
                    b.isDefault(),
                    d.name(),
                    owner,
                    p.pgVersion(),
                    b.logicalSize(),
                    uri));
          }
        });
    return found;
  }

  /**
   * {@code uri} with its path replaced by {@code database}: same endpoint, role and password, same
   * parameters ({@code sslmode}, {@code channel_binding}).
   */
  static String withDatabase(String uri, String database) {
    int authority = uri.indexOf("://") + 3;
    int end = authority;
    while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
      end++;
    }
    int query = end;
    while (query < uri.length() && "?#".indexOf(uri.charAt(query)) < 0) {
      query++;
    }
    String encoded = URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    return uri.substring(0, end) + "/" + encoded + uri.substring(query);
  }

  private static void checkUnique(List<DiscoveredDatabase> found) {
    Set<String> names = new HashSet<>();
    for (DiscoveredDatabase d : found) {
      if (!names.add(d.name())) {
        throw new BackupException(
            ErrorCode.INTERNAL, "two discovered databases share the backup name " + d.name() + ".");
      }
    }
  }
}
