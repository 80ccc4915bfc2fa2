package dev.neons3backup.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in for the Neon API v2, built from Neon's public OpenAPI description (the {@code
 * v2.json} of github.com/neondatabase/neon-api-python; https://neon.com/docs/reference/api/) for
 * the routes discovery uses: {@code GET /users/me/organizations}, {@code GET /projects} ({@code
 * limit} 1..400, {@code pagination.cursor}), {@code GET /projects/{id}/branches} ({@code limit}
 * 1..10000, {@code pagination.next}), {@code GET /projects/{id}/branches/{id}/databases} and {@code
 * GET /projects/{id}/connection_uri}. Errors are {@code {"code": ..., "message": ...}}.
 *
 * <p>What it adds for tests: pages are cut at {@link #pageCap} (and vary below it), so a page may
 * be shorter than asked; the account's rate limit (700 per minute, 40 per second per route, sliding
 * windows) is enforced with 429 and {@code Retry-After} and counted; {@link #throttleNext} starts a
 * storm of 429s; keys are personal (several organizations), organization or project-scoped.
 *
 * <p>Its "computes" are databases of a local PostgreSQL cluster: a connection URI points at {@code
 * host:port} with the role's password and the database's own name, so a database's Neon name is its
 * local name (declare distinct names across projects when a test connects). {@link
 * #createInCluster} creates the roles and databases.
 *
 * <p>To extend (branch creation, operations, deletion): add a handler with {@link #route}; the
 * model classes are mutable and guarded by the emulator's lock.
 */
public final class NeonApiEmulator implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What an API key may see. */
  public enum KeyKind {
    PERSONAL,
    ORGANIZATION,
    PROJECT
  }

  public record Key(KeyKind kind, Set<String> orgIds, String projectId) {}

  public record Org(String id, String name) {}

  public record Database(String name, String owner) {}

  public static final class Branch {
    public final String id;
    public final String name;
    public final boolean isDefault;
    public final long logicalSize;
    public final List<Database> databases = new CopyOnWriteArrayList<>();

    /** Snapshot housekeeping: set on created branches; {@code createdAt} a test may age. */
    public volatile String parentId;

    public volatile Instant createdAt = Instant.now();
    public volatile Instant expiresAt;
    public volatile Instant parentTimestamp;
    public volatile String parentLsn;

    /** The read-only compute of a created branch. */
    public volatile String endpointId;

    /** Neon database name → local database; a name not here is its own local name. */
    public final Map<String, String> local = new ConcurrentHashMap<>();

    Branch(String id, String name, boolean isDefault, long logicalSize) {
      this.id = id;
      this.name = name;
      this.isDefault = isDefault;
      this.logicalSize = logicalSize;
    }

    /** The local cluster database that holds {@code database} of this branch. */
    public String localName(String database) {
      return local.getOrDefault(database, database);
    }

    public Branch database(String name, String owner) {
      databases.add(new Database(name, owner));
      return this;
    }
  }

  public static final class Project {
    public final String id;
    public volatile String name;
    public final String orgId;
    public final int pgVersion;
    public final List<Branch> branches = new CopyOnWriteArrayList<>();

    Project(String id, String name, String orgId, int pgVersion) {
      this.id = id;
      this.name = name;
      this.orgId = orgId;
      this.pgVersion = pgVersion;
    }

    public Branch branch(String id, String name, boolean isDefault, long logicalSize) {
      Branch b = new Branch(id, name, isDefault, logicalSize);
      branches.add(b);
      return b;
    }
  }

  /** A handler of one route: its path parameters, query, and the caller's key. */
  public interface Handler {
    Response handle(Map<String, String> path, Map<String, String> query, Key key) throws Exception;
  }

  /** A handler that also reads the request's JSON body (null when there is none). */
  public interface BodyHandler {
    Response handle(Map<String, String> path, Map<String, String> query, JsonNode body, Key key)
        throws Exception;
  }

  public record Response(int status, Object body, Map<String, String> headers) {
    public static Response ok(Object body) {
      return new Response(200, body, Map.of());
    }

    public static Response error(int status, String message) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("code", "");
      b.put("message", message);
      b.put("request_id", "req-emulated");
      return new Response(status, b, Map.of());
    }
  }

  private record Route(
      String method, String template, Pattern pattern, List<String> names, BodyHandler h) {}

  private final HttpServer server;
  private final String pgHost;
  private final int pgPort;
  private final List<Route> routes = new CopyOnWriteArrayList<>();
  public final Map<String, Org> orgs = new ConcurrentHashMap<>();
  public final List<Project> projects = new CopyOnWriteArrayList<>();
  private final Map<String, Key> keys = new ConcurrentHashMap<>();
  private final Map<String, String> rolePasswords = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> limited = new ConcurrentHashMap<>();
  private final ArrayDeque<Long> accountWindow = new ArrayDeque<>();
  private final Map<String, ArrayDeque<Long>> routeWindows = new HashMap<>();
  private final AtomicInteger storm = new AtomicInteger();

  /** Entries per page at most, whatever {@code limit} asks: short pages are the norm here. */
  public volatile int pageCap = 400;

  /** Neon's documented limits; 0 turns a limit off. */
  public volatile int perMinute = 700;

  public volatile int perRouteSecond = 40;
  public volatile Duration latency = Duration.ZERO;

  /**
   * Whether a branch listing's last page still carries {@code pagination.next}. The description
   * makes {@code next} optional (a project listing's {@code cursor} is required), so by default it
   * is left out once nothing follows; true makes the client end on an empty page instead.
   */
  public volatile boolean branchCursorOnLastPage = false;

  private volatile String stormRetryAfter = "1";

  public NeonApiEmulator(String pgHost, int pgPort) {
    this.pgHost = pgHost;
    this.pgPort = pgPort;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(
        Executors.newFixedThreadPool(
            16,
            r -> {
              Thread t = new Thread(r, "neon-api-emulator");
              t.setDaemon(true);
              return t;
            }));
    server.createContext("/api/v2/", this::serve);
    neonRoutes();
    server.start();
  }

  /** An emulator whose computes are databases of {@code pg}. */
  public static NeonApiEmulator on(PostgresCluster pg) {
    NeonApiEmulator e = new NeonApiEmulator("127.0.0.1", pg.port());
    e.snapshots = new EmulatedSnapshots(e, pg);
    e.snapshots.register();
    return e;
  }

  /** Branch creation, operations and deletion (only with a cluster: {@link #on}). */
  private volatile EmulatedSnapshots snapshots;

  /** Every branch of every project, as the emulator holds it now. */
  public List<Branch> branches() {
    List<Branch> all = new ArrayList<>();
    projects.forEach(p -> all.addAll(p.branches));
    return all;
  }

  /** The snapshot part of the emulator: failure switches and what it created. */
  public EmulatedSnapshots snapshots() {
    return snapshots;
  }

  Optional<Project> project(String id, Key key) {
    return visibleProject(id, key);
  }

  Response missingProject(String id, Key key) {
    return notFound(id, key);
  }

  String pgHost() {
    return pgHost;
  }

  int pgPort() {
    return pgPort;
  }

  String password(String role) {
    return rolePasswords.getOrDefault(role, "no-password");
  }

  /** The value for {@code NEON_API_URL}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2";
  }

  public Org org(String id, String name) {
    Org o = new Org(id, name);
    orgs.put(id, o);
    return o;
  }

  public Project project(String orgId, String id, String name, int pgVersion) {
    Project p = new Project(id, name, orgId, pgVersion);
    projects.add(p);
    return p;
  }

  public void key(String token, KeyKind kind, Set<String> orgIds, String projectId) {
    keys.put(token, new Key(kind, orgIds, projectId));
  }

  public void role(String name, String password) {
    rolePasswords.put(name, password);
  }

  /** The next {@code count} requests answer 429 with this {@code Retry-After}. */
  public void throttleNext(int count, String retryAfter) {
    stormRetryAfter = retryAfter;
    storm.set(count);
  }

  /** Requests received per route template (e.g. {@code GET /projects}), refused ones included. */
  public Map<String, Long> calls() {
    Map<String, Long> m = new TreeMap<>();
    calls.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  public long totalCalls() {
    return calls.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Requests refused with 429 per route, by the rate limit or a storm. */
  public Map<String, Long> rateLimited() {
    Map<String, Long> m = new TreeMap<>();
    limited.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  /**
   * Adds (or replaces, when registered later) a route such as {@code POST
   * /projects/{project_id}/branches}.
   */
  public void route(String method, String template, Handler handler) {
    routeWithBody(method, template, (path, q, body, key) -> handler.handle(path, q, key));
  }

  /** Adds a route whose handler reads the JSON body. */
  public void routeWithBody(String method, String template, BodyHandler handler) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("\\{([a-z_]+)}").matcher(template);
    StringBuilder re = new StringBuilder();
    int last = 0;
    while (m.find()) {
      re.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
      names.add(m.group(1));
      last = m.end();
    }
    re.append(Pattern.quote(template.substring(last)));
    routes.add(
        0,
        new Route(method, method + " " + template, Pattern.compile(re.toString()), names, handler));
  }

  /** Creates every emulated role (LOGIN, its password) and database (owned by it) in {@code pg}. */
  public void createInCluster(PostgresCluster pg) {
    rolePasswords.forEach(
        (role, pw) ->
            pg.psql(
                "postgres",
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                    + PostgresCluster.quoteLiteral(role)
                    + ") THEN CREATE ROLE "
                    + PostgresCluster.quoteIdent(role)
                    + " LOGIN; END IF; END$$; ALTER ROLE "
                    + PostgresCluster.quoteIdent(role)
                    + " PASSWORD "
                    + PostgresCluster.quoteLiteral(pw)));
    for (Project p : projects) {
      for (Branch b : p.branches) {
        for (Database d : b.databases) {
          pg.createDatabase(d.name());
          pg.psql(
              "postgres",
              "ALTER DATABASE "
                  + PostgresCluster.quoteIdent(d.name())
                  + " OWNER TO "
                  + PostgresCluster.quoteIdent(d.owner()));
        }
      }
    }
  }

  private void neonRoutes() {
    route("GET", "/users/me/organizations", this::organizations);
    route("GET", "/projects", this::listProjects);
    route("GET", "/projects/{project_id}/branches", this::listBranches);
    route("GET", "/projects/{project_id}/branches/{branch_id}/databases", this::listDatabases);
    route("GET", "/projects/{project_id}/connection_uri", this::connectionUri);
  }

  private Response organizations(Map<String, String> path, Map<String, String> q, Key key) {
    if (key.kind() != KeyKind.PERSONAL) {
      return Response.error(403, "this action is not allowed for organization API keys");
    }
    List<Map<String, Object>> list = new ArrayList<>();
    for (String id : key.orgIds()) {
      Org o = orgs.get(id);
      list.add(Map.of("id", o.id(), "name", o.name(), "handle", o.id(), "plan", "scale"));
    }
    return Response.ok(Map.of("organizations", list));
  }

  private Response listProjects(Map<String, String> path, Map<String, String> q, Key key) {
    Optional<Response> bad = limit(q, 400);
    if (bad.isPresent()) {
      return bad.get();
    }
    String org = q.get("org_id");
    List<Project> visible = new ArrayList<>();
    switch (key.kind()) {
      case PERSONAL -> {
        if (org == null) {
          return Response.error(400, "org_id is required");
        }
        if (!key.orgIds().contains(org)) {
          return Response.error(403, "you are not a member of organization " + org);
        }
        projects.stream().filter(p -> org.equals(p.orgId)).forEach(visible::add);
      }
      case ORGANIZATION -> {
        String own = key.orgIds().iterator().next();
        if (org != null && !org.equals(own)) {
          return Response.error(403, "the key does not belong to organization " + org);
        }
        projects.stream().filter(p -> own.equals(p.orgId)).forEach(visible::add);
      }
      case PROJECT ->
          projects.stream().filter(p -> p.id.equals(key.projectId())).forEach(visible::add);
    }
    Page<Project> page = page(visible, q, Integer.parseInt(q.getOrDefault("limit", "10")));
    List<Map<String, Object>> items = new ArrayList<>();
    for (Project p : page.items) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", p.id);
      m.put("platform_id", "aws");
      m.put("region_id", "aws-us-east-2");
      m.put("name", p.name);
      m.put("pg_version", p.pgVersion);
      m.put("proxy_host", "us-east-2.aws.neon.tech");
      m.put("org_id", p.orgId);
      m.put("created_at", "2024-01-01T00:00:00Z");
      items.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("projects", items);
    body.put("pagination", Map.of("cursor", page.cursor));
    return Response.ok(body);
  }

  private Response listBranches(Map<String, String> path, Map<String, String> q, Key key) {
    Optional<Response> bad = limit(q, 10_000);
    if (bad.isPresent()) {
      return bad.get();
    }
    Optional<Project> p = visibleProject(path.get("project_id"), key);
    if (p.isEmpty()) {
      return notFound(path.get("project_id"), key);
    }
    int limit = Integer.parseInt(q.getOrDefault("limit", "10000"));
    Page<Branch> page = page(p.get().branches, q, limit);
    List<Map<String, Object>> items = new ArrayList<>();
    for (Branch b : page.items) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", b.id);
      m.put("project_id", p.get().id);
      m.put("name", b.name);
      m.put("current_state", "ready");
      m.put("logical_size", b.logicalSize);
      m.put("default", b.isDefault);
      m.put("protected", false);
      m.put("created_at", b.createdAt.toString());
      if (b.parentId != null) {
        m.put("parent_id", b.parentId);
      }
      if (b.expiresAt != null) {
        m.put("expires_at", b.expiresAt.toString());
      }
      items.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("branches", items);
    body.put("annotations", Map.of());
    Map<String, Object> pagination = new LinkedHashMap<>();
    if (page.end < p.get().branches.size() || branchCursorOnLastPage) {
      pagination.put("next", page.cursor);
    }
    pagination.put("sort_by", "updated_at");
    pagination.put("sort_order", "desc");
    body.put("pagination", pagination);
    return Response.ok(body);
  }

  private Response listDatabases(Map<String, String> path, Map<String, String> q, Key key) {
    Optional<Project> p = visibleProject(path.get("project_id"), key);
    if (p.isEmpty()) {
      return notFound(path.get("project_id"), key);
    }
    Optional<Branch> b = branch(p.get(), path.get("branch_id"));
    if (b.isEmpty()) {
      return Response.error(404, "branch " + path.get("branch_id") + " not found");
    }
    List<Map<String, Object>> items = new ArrayList<>();
    long id = 1;
    for (Database d : b.get().databases) {
      items.add(
          Map.of("id", id++, "branch_id", b.get().id, "name", d.name(), "owner_name", d.owner()));
    }
    return Response.ok(Map.of("databases", items));
  }

  private Response connectionUri(Map<String, String> path, Map<String, String> q, Key key) {
    Optional<Project> p = visibleProject(path.get("project_id"), key);
    if (p.isEmpty()) {
      return notFound(path.get("project_id"), key);
    }
    if (q.get("database_name") == null || q.get("role_name") == null) {
      return Response.error(400, "database_name and role_name are required");
    }
    Optional<Branch> b =
        q.containsKey("branch_id")
            ? branch(p.get(), q.get("branch_id"))
            : p.get().branches.stream().filter(x -> x.isDefault).findFirst();
    if (b.isEmpty()) {
      return Response.error(404, "branch not found");
    }
    // Without endpoint_id the API answers for the branch's read-write compute; a snapshot branch
    // has only a read-only one.
    String endpoint = q.get("endpoint_id");
    if (b.get().endpointId != null && !b.get().endpointId.equals(endpoint)) {
      return Response.error(404, "branch " + b.get().id + " has no read-write endpoint");
    }
    String db = q.get("database_name");
    String role = q.get("role_name");
    boolean known =
        b.get().databases.stream().anyMatch(d -> d.name().equals(db))
            && b.get().databases.stream().anyMatch(d -> d.owner().equals(role));
    if (!known) {
      return Response.error(404, "database or role not found on branch " + b.get().id);
    }
    String host = "true".equals(q.get("pooled")) ? pgHost + "-pooler" : pgHost;
    String uri =
        "postgresql://"
            + TestEnv.percentEncode(role)
            + ":"
            + TestEnv.percentEncode(rolePasswords.getOrDefault(role, "no-password"))
            + "@"
            + host
            + ":"
            + pgPort
            + "/"
            + TestEnv.percentEncode(b.get().localName(db))
            + "?sslmode=disable";
    return Response.ok(Map.of("uri", uri));
  }

  private Optional<Project> visibleProject(String id, Key key) {
    if (key.kind() == KeyKind.PROJECT && !id.equals(key.projectId())) {
      return Optional.empty();
    }
    return projects.stream()
        .filter(p -> p.id.equals(id))
        .filter(p -> key.kind() == KeyKind.PROJECT || key.orgIds().contains(p.orgId))
        .findFirst();
  }

  private Response notFound(String projectId, Key key) {
    return key.kind() == KeyKind.PROJECT
        ? Response.error(403, "the API key is scoped to another project")
        : Response.error(404, "project " + projectId + " not found");
  }

  static Optional<Branch> branch(Project p, String id) {
    return p.branches.stream().filter(b -> b.id.equals(id)).findFirst();
  }

  private static Optional<Response> limit(Map<String, String> q, int max) {
    if (!q.containsKey("limit")) {
      return Optional.empty();
    }
    try {
      int n = Integer.parseInt(q.get("limit"));
      if (n >= 1 && n <= max) {
        return Optional.empty();
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    return Optional.of(Response.error(400, "limit must be between 1 and " + max));
  }

  private record Page<T>(List<T> items, String cursor, int end) {}

  /**
   * A keyset-like page: the cursor encodes the offset after this page. Pages are cut at {@link
   * #pageCap} and, every other page, one shorter, so a client cannot take a short page for the last
   * one; the page after the last entry is empty and still carries a cursor, as Neon's does.
   */
  private <T> Page<T> page(List<T> all, Map<String, String> q, int limit) {
    int from = 0;
    int pageNo = 0;
    if (q.containsKey("cursor")) {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(q.get("cursor")), StandardCharsets.UTF_8)
              .split(":");
      from = Integer.parseInt(parts[0]);
      pageNo = Integer.parseInt(parts[1]);
    }
    int size = Math.min(limit, pageCap);
    if (pageNo % 2 == 1 && size > 1) {
      size--;
    }
    int to = Math.min(all.size(), from + size);
    List<T> items = from >= all.size() ? List.of() : List.copyOf(all.subList(from, to));
    String cursor =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                (Math.max(to, from) + ":" + (pageNo + 1)).getBytes(StandardCharsets.UTF_8));
    return new Page<>(items, cursor, Math.max(to, from));
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      if (!latency.isZero()) {
        Thread.sleep(latency.toMillis());
      }
      Response r = dispatch(ex);
      byte[] body = JSON.writeValueAsBytes(r.body());
      ex.getResponseHeaders().set("Content-Type", "application/json");
      r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      if (r.status() == 204) {
        ex.sendResponseHeaders(204, -1);
        return;
      }
      ex.sendResponseHeaders(r.status(), body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      byte[] body = JSON.writeValueAsBytes(Map.of("code", "", "message", "emulator: " + e));
      ex.sendResponseHeaders(500, body.length);
      ex.getResponseBody().write(body);
    }
  }

  private Response dispatch(HttpExchange ex) throws Exception {
    String path = ex.getRequestURI().getRawPath().substring("/api/v2".length());
    for (Route route : routes) {
      Matcher m = route.pattern().matcher(path);
      if (!route.method().equals(ex.getRequestMethod()) || !m.matches()) {
        continue;
      }
      calls.computeIfAbsent(route.template(), t -> new AtomicLong()).incrementAndGet();
      String auth =
          Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization")).orElse("");
      Key key = auth.startsWith("Bearer ") ? keys.get(auth.substring(7)) : null;
      if (key == null) {
        return Response.error(401, "authentication failed");
      }
      Optional<Response> throttled = throttle(route.template());
      if (throttled.isPresent()) {
        return throttled.get();
      }
      Map<String, String> params = new HashMap<>();
      for (int i = 0; i < route.names().size(); i++) {
        params.put(route.names().get(i), URLDecoder.decode(m.group(i + 1), StandardCharsets.UTF_8));
      }
      byte[] raw = ex.getRequestBody().readAllBytes();
      JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
      return route.h().handle(params, query(ex.getRequestURI()), body, key);
    }
    return Response.error(404, "no route " + ex.getRequestMethod() + " " + path);
  }

  /** A storm, then the sliding windows: 429 with Retry-After, counted per route. */
  private Optional<Response> throttle(String template) {
    if (storm.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      return Optional.of(tooMany(template, stormRetryAfter));
    }
    long now = System.nanoTime();
    synchronized (accountWindow) {
      expire(accountWindow, now - Duration.ofMinutes(1).toNanos());
      ArrayDeque<Long> route = routeWindows.computeIfAbsent(template, t -> new ArrayDeque<>());
      expire(route, now - Duration.ofSeconds(1).toNanos());
      if ((perMinute > 0 && accountWindow.size() >= perMinute)
          || (perRouteSecond > 0 && route.size() >= perRouteSecond)) {
        return Optional.of(tooMany(template, "1"));
      }
      accountWindow.addLast(now);
      route.addLast(now);
    }
    return Optional.empty();
  }

  private Response tooMany(String template, String retryAfter) {
    limited.computeIfAbsent(template, t -> new AtomicLong()).incrementAndGet();
    Response e = Response.error(429, "too many requests");
    return new Response(429, e.body(), Map.of("Retry-After", retryAfter));
  }

  private static void expire(ArrayDeque<Long> w, long oldestKept) {
    while (!w.isEmpty() && w.peekFirst() <= oldestKept) {
      w.removeFirst();
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.put(k, v);
    }
    return q;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
