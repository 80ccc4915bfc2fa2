package dev.neons3backup.neon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A client of the few Neon API v2 routes discovery and snapshots need, on {@link HttpClient} and
 * Jackson.
 *
 * <p>Routes, parameters and shapes follow Neon's OpenAPI description (the {@code v2.json} of
 * github.com/neondatabase/neon-api-python, and the reference pages under
 * https://neon.com/docs/reference/api/): {@code GET /users/me/organizations}, {@code GET /projects}
 * ({@code limit} 1..400, {@code cursor} from {@code pagination.cursor}, {@code org_id}), {@code GET
 * /projects/{project_id}/branches} ({@code limit} up to 10000, {@code cursor} from {@code
 * pagination.next}), {@code GET /projects/{project_id}/branches/{branch_id}/databases} and {@code
 * GET /projects/{project_id}/connection_uri} ({@code branch_id}, {@code database_name}, {@code
 * role_name}, {@code endpoint_id}, {@code pooled}); for snapshots {@code POST
 * /projects/{project_id}/branches}, {@code GET /projects/{project_id}/operations/{operation_id}}
 * (poll until {@code finished}: https://neon.com/docs/manage/operations) and {@code DELETE
 * /projects/{project_id}/branches/{branch_id}} (200 with operations, 204 when already gone). Errors
 * carry {@code {"code": ..., "message": ...}}.
 *
 * <p>Every listing is followed to its end: a page may hold fewer entries than asked, so only an
 * empty page (or a response without a cursor) ends it. Requests wait for {@link RateLimiter}; a 429
 * is retried after its {@code Retry-After} (or an exponential backoff), a bounded number of times.
 *
 * <p>The API key goes into the {@code Authorization} header and nowhere else: no log line,
 * exception message or {@code toString} holds it. Connection URIs, which hold role passwords, are
 * returned to the caller and never logged.
 */
public final class NeonApi {
  private static final Logger LOG = LogManager.getLogger(NeonApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The documented maxima of {@code limit}: every listing asks for as much as it may. */
  static final int PROJECTS_LIMIT = 400;

  static final int BRANCHES_LIMIT = 10_000;

  static final String ORGANIZATIONS = "GET /users/me/organizations";
  static final String PROJECTS = "GET /projects";
  static final String BRANCHES = "GET /projects/{project_id}/branches";
  static final String DATABASES = "GET /projects/{project_id}/branches/{branch_id}/databases";
  static final String CONNECTION_URI = "GET /projects/{project_id}/connection_uri";
  static final String CREATE_BRANCH = "POST /projects/{project_id}/branches";
  static final String DELETE_BRANCH = "DELETE /projects/{project_id}/branches/{branch_id}";
  static final String OPERATION = "GET /projects/{project_id}/operations/{operation_id}";

  private final NeonConfig config;
  private final HttpClient http;
  private final RateLimiter limiter;
  private final Retries retries;
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

  /** How often and how long to retry a throttled or failed request. */
  record Retries(int throttled, int failed, Duration base, Duration cap) {
    static final Retries DEFAULT =
        new Retries(8, 4, Duration.ofMillis(500), Duration.ofSeconds(30));
  }

  public NeonApi(NeonConfig config) {
    this(config, RateLimiter.forNeon(), Retries.DEFAULT);
  }

  NeonApi(NeonConfig config, RateLimiter limiter, Retries retries) {
    this.config = config;
    this.limiter = limiter;
    this.retries = retries;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** An organization the key's user belongs to. */
  public record Organization(String id, String name) {}

  /** A project as {@code GET /projects} lists it. */
  public record Project(String id, String name, int pgVersion, Optional<String> orgId) {}

  /** A branch; {@code logicalSize} in bytes when the API reports it. */
  public record Branch(String id, String name, boolean isDefault, OptionalLong logicalSize) {}

  /** A database of a branch and the role that owns it. */
  public record Database(String name, String ownerName) {}

  /** The organizations of the key's user; fails (403) for organization and project keys. */
  public List<Organization> organizations() {
    JsonNode body =
        get(ORGANIZATIONS, "/users/me/organizations", Map.of(), "list your organizations");
    List<Organization> orgs = new ArrayList<>();
    for (JsonNode o : body.path("organizations")) {
      orgs.add(new Organization(o.path("id").asText(), o.path("name").asText()));
    }
    return orgs;
  }

  /** Every project the key sees, in {@code orgId} when given (a personal key needs one). */
  public List<Project> projects(Optional<String> orgId) {
    Map<String, String> query = new LinkedHashMap<>();
    orgId.ifPresent(o -> query.put("org_id", o));
    return listAll(
        PROJECTS,
        "/projects",
        query,
        PROJECTS_LIMIT,
        "projects",
        "/pagination/cursor",
        "list projects",
        p ->
            new Project(
                p.path("id").asText(),
                p.path("name").asText(),
                p.path("pg_version").asInt(0),
                text(p, "org_id")));
  }

  /** Every branch of a project. */
  public List<Branch> branches(String projectId) {
    return listBranches(
        projectId,
        b ->
            new Branch(
                b.path("id").asText(),
                b.path("name").asText(),
                b.path("default").asBoolean(false),
                b.hasNonNull("logical_size")
                    ? OptionalLong.of(b.path("logical_size").asLong())
                    : OptionalLong.empty()));
  }

  /** The databases of a branch (the route is not paginated). */
  public List<Database> databases(String projectId, String branchId) {
    JsonNode body =
        get(
            DATABASES,
            "/projects/" + segment(projectId) + "/branches/" + segment(branchId) + "/databases",
            Map.of(),
            "list the databases of branch " + branchId + " of project " + projectId);
    List<Database> dbs = new ArrayList<>();
    for (JsonNode d : body.path("databases")) {
      dbs.add(new Database(d.path("name").asText(), d.path("owner_name").asText()));
    }
    return dbs;
  }

  /**
   * A direct (not pooled) connection URI for {@code role} on {@code database}; it holds the role's
   * password, so it is returned and never logged.
   */
  public String connectionUri(String projectId, String branchId, String database, String role) {
    return connectionUri(projectId, branchId, Optional.empty(), database, role);
  }

  /**
   * A direct URI for {@code role} on {@code database} through one given compute: without {@code
   * endpoint_id} the API answers for the branch's read-write compute, which a snapshot branch does
   * not have (the description of {@code GET /projects/{project_id}/connection_uri}: "endpoint_id
   * ... Defaults to the read-write endpoint_id associated with the branch_id if not specified").
   */
  public String connectionUri(
      String projectId, String branchId, String endpointId, String database, String role) {
    return connectionUri(projectId, branchId, Optional.of(endpointId), database, role);
  }

  private String connectionUri(
      String projectId,
      String branchId,
      Optional<String> endpointId,
      String database,
      String role) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("branch_id", branchId);
    endpointId.ifPresent(id -> query.put("endpoint_id", id));
    query.put("database_name", database);
    query.put("role_name", role);
    query.put("pooled", "false");
    String where = "database " + database + " of branch " + branchId + " of project " + projectId;
    JsonNode body =
        get(
            CONNECTION_URI,
            "/projects/" + segment(projectId) + "/connection_uri",
            query,
            "get a connection URI for " + where);
    String uri = body.path("uri").asText("");
    if (uri.isEmpty()) {
      throw new NeonApiException(
          200,
          ErrorCode.DATABASE,
          "the Neon API returned no connection URI for "
              + where
              + "; check that role "
              + role
              + " exists there.");
    }
    return uri;
  }

  /** A branch as a listing gives it, with what snapshot housekeeping needs. */
  public record BranchDetail(
      String id,
      String name,
      Optional<String> parentId,
      Optional<Instant> createdAt,
      Optional<Instant> expiresAt) {}

  /** A compute endpoint; {@code type} is {@code read_write} or {@code read_only}. */
  public record Endpoint(String id, String host, String type) {}

  /**
   * A control-plane operation. {@code status}: scheduling, running, finished, failed, error,
   * cancelling, cancelled, skipped (the {@code OperationStatus} schema).
   */
  public record Operation(String id, String action, String status) {}

  /** What {@code POST /projects/{project_id}/branches} answered (201, the CreatedBranch shape). */
  public record CreatedBranch(
      String id,
      String name,
      Optional<String> parentId,
      Optional<String> parentLsn,
      Optional<Instant> parentTimestamp,
      Optional<Instant> expiresAt,
      List<Endpoint> endpoints,
      List<Operation> operations) {}

  /** Every branch of a project with its parent, creation and expiry times. */
  public List<BranchDetail> branchDetails(String projectId) {
    return listBranches(
        projectId,
        b ->
            new BranchDetail(
                b.path("id").asText(),
                b.path("name").asText(),
                text(b, "parent_id"),
                instant(b, "created_at"),
                instant(b, "expires_at")));
  }

  /** Every page of a project's branches, each read by {@code read}. */
  private <T> List<T> listBranches(String projectId, Function<JsonNode, T> read) {
    return listAll(
        BRANCHES,
        "/projects/" + segment(projectId) + "/branches",
        Map.of(),
        BRANCHES_LIMIT,
        "branches",
        "/pagination/next",
        "list the branches of project " + projectId,
        read);
  }

  /**
   * Creates {@code name}, a child of {@code parentId} at {@code parentTimestamp}, expiring at
   * {@code expiresAt}, with one read-only compute. The body follows {@code BranchCreateRequest}:
   * {@code branch} {parent_id, name, parent_timestamp, expires_at} and {@code endpoints} [{type}];
   * {@code expires_at} is RFC 3339 with seconds, in the future, at most 30 days ahead
   * (https://neon.com/docs/guides/branch-expiration).
   *
   * <p>Not retried after a 5xx or a broken connection: the branch may have been created, and a
   * second request would make a second one. Only a 429 (refused before anything was done) is.
   */
  public CreatedBranch createBranch(
      String projectId, String parentId, String name, Instant parentTimestamp, Instant expiresAt) {
    Map<String, Object> branch = new LinkedHashMap<>();
    branch.put("parent_id", parentId);
    branch.put("name", name);
    branch.put("parent_timestamp", parentTimestamp.toString());
    branch.put("expires_at", expiresAt.truncatedTo(ChronoUnit.SECONDS).toString());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("branch", branch);
    body.put("endpoints", List.of(Map.of("type", "read_only")));
    JsonNode r =
        send(
            new Call(
                CREATE_BRANCH,
                "POST",
                "/projects/" + segment(projectId) + "/branches",
                Map.of(),
                json(body),
                false,
                "create a snapshot of branch " + parentId + " of project " + projectId));
    JsonNode b = r.path("branch");
    List<Endpoint> endpoints = new ArrayList<>();
    for (JsonNode e : r.path("endpoints")) {
      endpoints.add(
          new Endpoint(e.path("id").asText(), e.path("host").asText(), e.path("type").asText()));
    }
    return new CreatedBranch(
        b.path("id").asText(),
        b.path("name").asText(),
        text(b, "parent_id"),
        text(b, "parent_lsn"),
        instant(b, "parent_timestamp"),
        instant(b, "expires_at"),
        endpoints,
        operations(r));
  }

  /** One operation's current state ({@code GET /projects/{project_id}/operations/{id}}). */
  public Operation operation(String projectId, String operationId) {
    JsonNode r =
        get(
            OPERATION,
            "/projects/" + segment(projectId) + "/operations/" + segment(operationId),
            Map.of(),
            "check operation " + operationId + " of project " + projectId);
    JsonNode o = r.path("operation");
    return new Operation(
        o.path("id").asText(), o.path("action").asText(), o.path("status").asText());
  }

  /**
   * Deletes a branch; returns the operations that carry the deletion out (empty when the branch was
   * already gone: Neon answers 204, or 404). Deleting is idempotent, so it is retried like a read.
   */
  public List<Operation> deleteBranch(String projectId, String branchId) {
    try {
      JsonNode r =
          send(
              new Call(
                  DELETE_BRANCH,
                  "DELETE",
                  "/projects/" + segment(projectId) + "/branches/" + segment(branchId),
                  Map.of(),
                  null,
                  true,
                  "delete branch " + branchId + " of project " + projectId));
      return operations(r);
    } catch (NeonApiException e) {
      if (e.status() == 404) {
        return List.of();
      }
      throw e;
    }
  }

  private static List<Operation> operations(JsonNode r) {
    List<Operation> ops = new ArrayList<>();
    for (JsonNode o : r.path("operations")) {
      ops.add(
          new Operation(
              o.path("id").asText(), o.path("action").asText(), o.path("status").asText()));
    }
    return ops;
  }

  /** Requests made so far, per route (e.g. {@code GET /projects}), retries included. */
  public Map<String, Long> calls() {
    Map<String, Long> m = new TreeMap<>();
    calls.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  /** All requests made so far, retries included. */
  public long totalCalls() {
    return calls.values().stream().mapToLong(AtomicLong::get).sum();
  }

  private <T> List<T> listAll(
      String route,
      String path,
      Map<String, String> query,
      int limit,
      String field,
      String cursorPointer,
      String what,
      Function<JsonNode, T> item) {
    List<T> all = new ArrayList<>();
    Set<String> cursors = new HashSet<>();
    String cursor = null;
    for (int page = 1; ; page++) {
      Map<String, String> q = new LinkedHashMap<>(query);
      q.put("limit", Integer.toString(limit));
      if (cursor != null) {
        q.put("cursor", cursor);
      }
      JsonNode body = get(route, path, q, what);
      JsonNode items = body.path(field);
      LOG.debug("{} page {}: {} {}", route, page, items.size(), field);
      if (items.isEmpty()) {
        return all;
      }
      items.forEach(i -> all.add(item.apply(i)));
      Optional<String> next = text(body.at(cursorPointer));
      // No cursor: the API gave no way on. A cursor seen before would loop for ever.
      if (next.isEmpty() || !cursors.add(next.get())) {
        return all;
      }
      cursor = next.get();
    }
  }

  private JsonNode get(String route, String path, Map<String, String> query, String what) {
    return send(new Call(route, "GET", path, query, null, true, what));
  }

  /**
   * One request: {@code body} is JSON or null; {@code idempotent} says whether a 5xx, a 423 (the
   * project is locked by another operation) or a broken connection may be retried.
   */
  private record Call(
      String route,
      String method,
      String path,
      Map<String, String> query,
      String body,
      boolean idempotent,
      String what) {}

  private HttpRequest request(Call call) {
    URI uri = URI.create(config.baseUrl() + call.path() + queryString(call.query()));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + config.apiKey())
            .header("Accept", "application/json")
            .header("User-Agent", "neon-s3-backup");
    if (call.body() == null) {
      return b.method(call.method(), HttpRequest.BodyPublishers.noBody()).build();
    }
    return b.header("Content-Type", "application/json")
        .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body()))
        .build();
  }

  private JsonNode send(Call call) {
    HttpRequest request = request(call);
    String route = call.route();
    String what = call.what();
    int throttled = 0;
    int failed = 0;
    while (true) {
      HttpResponse<String> response;
      try {
        limiter.acquire(route);
        calls.computeIfAbsent(route, r -> new AtomicLong()).incrementAndGet();
        response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        if (!call.idempotent() || ++failed >= retries.failed()) {
          throw unreachable(what, e);
        }
        pause(backoff(failed), what);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BackupException(ErrorCode.INTERNAL, "interrupted while trying to " + what + ".");
      }
      int status = response.statusCode();
      if (status == 200 || status == 201) {
        return parse(response.body(), what);
      }
      if (status == 204) {
        return JSON.createObjectNode();
      }
      if (status == 429) {
        if (++throttled >= retries.throttled()) {
          throw NeonErrors.throttled(what, throttled);
        }
        Duration wait = retryAfter(response).orElse(backoff(throttled));
        LOG.debug("{}: 429, retrying in {} ms", route, wait.toMillis());
        pause(wait, what);
        continue;
      }
      boolean transient_ = status >= 500 || status == 423;
      if (transient_ && call.idempotent() && ++failed < retries.failed()) {
        LOG.debug("{}: {}, retrying", route, status);
        pause(backoff(failed), what);
        continue;
      }
      throw NeonErrors.of(status, response.body(), what, config);
    }
  }

  private BackupException unreachable(String what, IOException e) {
    return new BackupException(
        ErrorCode.DATABASE,
        "could not reach the Neon API at "
            + config.baseUrl()
            + " to "
            + what
            + " ("
            + NeonErrors.scrub(String.valueOf(e.getMessage()), config)
            + "); check NEON_API_URL and the network, then run again.");
  }

  private static JsonNode parse(String body, String what) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      // The body is not quoted: a connection URI response holds a password.
      throw new BackupException(
          ErrorCode.DATABASE,
          "the Neon API answered with something that is not JSON when asked to "
              + what
              + "; check NEON_API_URL points at the API (…/api/v2).");
    }
  }

  private Duration backoff(int attempt) {
    long millis = retries.base().toMillis() << Math.min(attempt - 1, 16);
    return Duration.ofMillis(Math.min(millis, retries.cap().toMillis()));
  }

  /** {@code Retry-After} in seconds (or an HTTP date, read as "a while"), bounded by the cap. */
  private Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(String::trim)
        .map(
            v -> {
              try {
                long s = Long.parseLong(v);
                return Duration.ofSeconds(Math.max(0, s));
              } catch (NumberFormatException e) {
                return retries.cap();
              }
            })
        .map(d -> d.compareTo(retries.cap()) > 0 ? retries.cap() : d);
  }

  private static void pause(Duration d, String what) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException(ErrorCode.INTERNAL, "interrupted while trying to " + what + ".");
    }
  }

  private static String queryString(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    query.forEach(
        (k, v) ->
            b.append(b.length() == 0 ? '?' : '&')
                .append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")));
    return b.toString();
  }

  /** A path segment: ids match {@code ^[a-z0-9-]{1,60}$}, but never trust that into a path. */
  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Optional<Instant> instant(JsonNode node, String field) {
    return text(node, field)
        .flatMap(
            t -> {
              try {
                return Optional.of(OffsetDateTime.parse(t).toInstant());
              } catch (DateTimeParseException e) {
                return Optional.empty();
              }
            });
  }

  private static String json(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<String> text(JsonNode node, String field) {
    return text(node.path(field));
  }

  private static Optional<String> text(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty()
        ? Optional.of(node.asText())
        : Optional.empty();
  }

  @Override
  public String toString() {
    return "NeonApi[" + config.baseUrl() + "]";
  }
}
