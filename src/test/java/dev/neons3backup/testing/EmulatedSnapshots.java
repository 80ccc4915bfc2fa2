package dev.neons3backup.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neons3backup.testing.NeonApiEmulator.Branch;
import dev.neons3backup.testing.NeonApiEmulator.Database;
import dev.neons3backup.testing.NeonApiEmulator.Key;
import dev.neons3backup.testing.NeonApiEmulator.Project;
import dev.neons3backup.testing.NeonApiEmulator.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The emulator's snapshot routes, from Neon's OpenAPI description: {@code POST
 * /projects/{project_id}/branches} (201, the CreatedBranch shape: branch, endpoints, operations),
 * {@code GET /projects/{project_id}/operations/{operation_id}} and {@code DELETE
 * /projects/{project_id}/branches/{branch_id}} (200 with operations; 204 when already gone).
 *
 * <p>A created branch's databases are copies of its parent's in the local cluster ({@code CREATE
 * DATABASE … TEMPLATE …}), made when the request arrives — the emulator cannot go back in time, so
 * {@code parent_timestamp} is recorded, not honoured. The copies refuse writes by default ({@code
 * default_transaction_read_only}), as a read-only compute does. Operations go scheduling → running
 * → finished over {@link #pollsToFinish} polls, or end {@code failed} when {@link #failOperations}
 * is set. Deleting a branch drops its copies.
 */
public final class EmulatedSnapshots {
  private final NeonApiEmulator neon;
  private final PostgresCluster pg;
  private final Map<String, Operation> operations = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  /** An HTTP status that branch creation answers with, instead of creating; 0: none. */
  public volatile int failCreation = 0;

  /** Operations of created branches end {@code failed}. */
  public volatile boolean failOperations = false;

  /** An HTTP status that branch deletion answers with, instead of deleting; 0: none. */
  public volatile int failDeletion = 0;

  /** Polls an operation takes to finish (scheduling, then running, then finished). */
  public volatile int pollsToFinish = 3;

  /** Branches deleted through the API, by id. */
  public final List<String> deleted = new java.util.concurrent.CopyOnWriteArrayList<>();

  private static final class Operation {
    final String id;
    final String projectId;
    final String branchId;
    final String action;
    final boolean fails;
    int polls;

    Operation(String id, String projectId, String branchId, String action, boolean fails) {
      this.id = id;
      this.projectId = projectId;
      this.branchId = branchId;
      this.action = action;
      this.fails = fails;
    }

    synchronized String status() {
      return polls == 0 ? "scheduling" : "running";
    }

    synchronized String poll(int toFinish) {
      polls++;
      if (polls < toFinish) {
        return polls == 1 ? "scheduling" : "running";
      }
      return fails ? "failed" : "finished";
    }
  }

  EmulatedSnapshots(NeonApiEmulator neon, PostgresCluster pg) {
    this.neon = neon;
    this.pg = pg;
  }

  void register() {
    neon.routeWithBody("POST", "/projects/{project_id}/branches", this::create);
    neon.route("GET", "/projects/{project_id}/operations/{operation_id}", this::pollOperation);
    neon.route("DELETE", "/projects/{project_id}/branches/{branch_id}", this::delete);
  }

  /** The local databases that hold the copies of every created branch still present. */
  public List<String> localCopies() {
    List<String> all = new ArrayList<>();
    neon.branches().forEach(b -> all.addAll(b.local.values()));
    return all;
  }

  private Response create(Map<String, String> path, Map<String, String> q, JsonNode body, Key key)
      throws Exception {
    Optional<Project> p = neon.project(path.get("project_id"), key);
    if (p.isEmpty()) {
      return neon.missingProject(path.get("project_id"), key);
    }
    if (failCreation != 0) {
      return Response.error(failCreation, "branch creation failed (emulated)");
    }
    JsonNode b = body == null ? null : body.path("branch");
    String parentId = b == null ? "" : b.path("parent_id").asText("");
    Optional<Branch> parent = NeonApiEmulator.branch(p.get(), parentId);
    if (parent.isEmpty()) {
      return Response.error(404, "parent branch " + parentId + " not found");
    }
    Optional<Instant> expires = time(b.path("expires_at").asText(""));
    if (b.has("expires_at")
        && (expires.isEmpty()
            || !expires.get().isAfter(Instant.now())
            || expires.get().isAfter(Instant.now().plus(Duration.ofDays(30))))) {
      return Response.error(400, "expires_at must be RFC 3339, in the future, within 30 days");
    }
    if (p.get().branches.stream().anyMatch(x -> x.name.equals(b.path("name").asText()))) {
      return Response.error(409, "branch name already exists");
    }
    int n = ids.incrementAndGet();
    Branch child = new Branch("br-snap-" + n, b.path("name").asText("br-" + n), false, 0);
    child.parentId = parentId;
    child.expiresAt = expires.orElse(null);
    child.parentTimestamp = time(b.path("parent_timestamp").asText("")).orElse(Instant.now());
    child.parentLsn = "0/" + Integer.toHexString(0x1000000 + n).toUpperCase();
    child.endpointId = "ep-snap-" + n;
    copyDatabases(parent.get(), child, n);
    p.get().branches.add(child);
    return created(p.get(), child, body);
  }

  private void copyDatabases(Branch parent, Branch child, int n) {
    for (Database d : parent.databases) {
      String source = parent.localName(d.name());
      String copy = ("snap" + n + "_" + source);
      copy = copy.length() > 63 ? copy.substring(0, 63) : copy;
      copy(source, copy, d.owner());
      child.databases.add(d);
      child.local.put(d.name(), copy);
    }
  }

  /**
   * {@code CREATE DATABASE … TEMPLATE …} needs the source to have no other sessions: retried for a
   * while, then the sessions on it are ended (as a last resort; a test's own short psql calls are
   * gone long before).
   */
  private void copy(String source, String copy, String owner) {
    String sql =
        "CREATE DATABASE "
            + PostgresCluster.quoteIdent(copy)
            + " TEMPLATE "
            + PostgresCluster.quoteIdent(source)
            + " OWNER "
            + PostgresCluster.quoteIdent(owner);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        pg.psql("postgres", sql);
        break;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          pg.terminateBackends(source);
          pg.psql("postgres", sql);
          break;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    pg.psql(
        "postgres",
        "ALTER DATABASE "
            + PostgresCluster.quoteIdent(copy)
            + " SET default_transaction_read_only = on");
  }

  private Response created(Project p, Branch child, JsonNode body) {
    Map<String, Object> branch = new LinkedHashMap<>();
    branch.put("id", child.id);
    branch.put("project_id", p.id);
    branch.put("parent_id", child.parentId);
    branch.put("parent_lsn", child.parentLsn);
    branch.put("parent_timestamp", child.parentTimestamp.toString());
    branch.put("name", child.name);
    branch.put("current_state", "init");
    branch.put("created_at", child.createdAt.toString());
    if (child.expiresAt != null) {
      branch.put("expires_at", child.expiresAt.toString());
    }
    branch.put("default", false);
    branch.put("protected", false);
    List<Map<String, Object>> endpoints = new ArrayList<>();
    List<Map<String, Object>> ops = new ArrayList<>();
    ops.add(operation(p.id, child.id, "create_branch"));
    for (JsonNode e : body.path("endpoints")) {
      Map<String, Object> ep = new LinkedHashMap<>();
      ep.put("id", child.endpointId);
      ep.put("host", neon.pgHost());
      ep.put("project_id", p.id);
      ep.put("branch_id", child.id);
      ep.put("type", e.path("type").asText("read_write"));
      ep.put("current_state", "init");
      endpoints.add(ep);
      ops.add(operation(p.id, child.id, "start_compute"));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("branch", branch);
    r.put("endpoints", endpoints);
    r.put("operations", ops);
    r.put("roles", List.of());
    r.put("databases", List.of());
    return new Response(201, r, Map.of());
  }

  private Map<String, Object> operation(String projectId, String branchId, String action) {
    return operation(projectId, branchId, action, failOperations);
  }

  private Map<String, Object> operation(
      String projectId, String branchId, String action, boolean fails) {
    String id = "op-" + ids.incrementAndGet();
    Operation op = new Operation(id, projectId, branchId, action, fails);
    operations.put(id, op);
    return shape(op, op.status());
  }

  private static Map<String, Object> shape(Operation op, String status) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", op.id);
    m.put("project_id", op.projectId);
    m.put("branch_id", op.branchId);
    m.put("action", op.action);
    m.put("status", status);
    m.put("failures_count", 0);
    return m;
  }

  private Response pollOperation(Map<String, String> path, Map<String, String> q, Key key) {
    if (neon.project(path.get("project_id"), key).isEmpty()) {
      return neon.missingProject(path.get("project_id"), key);
    }
    Operation op = operations.get(path.get("operation_id"));
    if (op == null || !op.projectId.equals(path.get("project_id"))) {
      return Response.error(404, "operation not found");
    }
    return Response.ok(Map.of("operation", shape(op, op.poll(pollsToFinish))));
  }

  private Response delete(Map<String, String> path, Map<String, String> q, Key key) {
    Optional<Project> p = neon.project(path.get("project_id"), key);
    if (p.isEmpty()) {
      return neon.missingProject(path.get("project_id"), key);
    }
    if (failDeletion != 0) {
      return Response.error(failDeletion, "branch deletion failed (emulated)");
    }
    Optional<Branch> b = NeonApiEmulator.branch(p.get(), path.get("branch_id"));
    if (b.isEmpty()) {
      return new Response(204, Map.of(), Map.of());
    }
    if (b.get().isDefault) {
      return Response.error(400, "cannot delete the default branch");
    }
    for (String copy : b.get().local.values()) {
      pg.dropDatabase(copy);
    }
    p.get().branches.remove(b.get());
    deleted.add(b.get().id);
    List<Map<String, Object>> ops = new ArrayList<>();
    ops.add(operation(p.get().id, b.get().id, "suspend_compute", false));
    ops.add(operation(p.get().id, b.get().id, "delete_timeline", false));
    return Response.ok(
        Map.of("branch", Map.of("id", b.get().id, "name", b.get().name), "operations", ops));
  }

  private static Optional<Instant> time(String s) {
    try {
      return s.isEmpty() ? Optional.empty() : Optional.of(OffsetDateTime.parse(s).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
