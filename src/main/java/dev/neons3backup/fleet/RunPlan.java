package dev.neons3backup.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.neons3backup.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The plan of one fleet run, stored as {@code _runs/<key time>/plan.json} before any message is
 * sent: every database of the night, where it was sent, and the entries that could not be planned.
 * It is the run's auditable record and what accounting compares the store with. It holds references
 * only, never a credential.
 *
 * <p>A run whose Neon discovery outlasts one dispatcher invocation has several parts (1, 2, …),
 * each planned by one invocation; a part that stopped early names the projects it left in {@code
 * remaining}, which the next part examines (the cursor of the run's discovery).
 *
 * @param v the format version
 * @param run the run's key time (ISO-8601)
 * @param createdAt when the dispatcher wrote it
 * @param part 1 for the scheduled invocation's plan, 2… for its continuations
 * @param remaining ids of the Neon projects this part did not examine, left to part {@code part+1}
 */
public record RunPlan(
    int v,
    String run,
    String createdAt,
    List<Database> databases,
    List<Rejected> rejected,
    int part,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> remaining) {
  public static final int VERSION = 1;
  public static final String QUEUE = "queue";
  public static final String FARGATE = "fargate";

  public RunPlan {
    databases = List.copyOf(databases);
    rejected = List.copyOf(rejected);
    // Plans written before runs had parts have neither field: they were the whole run.
    part = Math.max(1, part);
    remaining = remaining == null ? List.of() : List.copyOf(remaining);
  }

  public static RunPlan of(
      Instant run, Instant createdAt, List<Database> databases, List<Rejected> rejected) {
    return of(run, 1, createdAt, databases, rejected, List.of());
  }

  public static RunPlan of(
      Instant run,
      int part,
      Instant createdAt,
      List<Database> databases,
      List<Rejected> rejected,
      List<String> remaining) {
    return new RunPlan(
        VERSION, run.toString(), createdAt.toString(), databases, rejected, part, remaining);
  }

  public Instant runTime() {
    return Instant.parse(run);
  }

  /** Every name the run is accountable for: the planned databases and the refused entries. */
  public int size() {
    return databases.size() + rejected.size();
  }

  /**
   * One planned database.
   *
   * @param route {@value #QUEUE} or {@value #FARGATE}
   * @param warning why it may not fit in a Lambda run, when the dispatcher thinks so
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Database(
      String name, SourceRef source, boolean snapshot, String route, String warning) {

    /** The message the worker (or the Fargate task) gets for this database. */
    public WorkItem item(Instant run) {
      return new WorkItem(run, name, source.toSource(), snapshot);
    }

    public static Database of(WorkItem item, RoutePolicy.Route route) {
      return new Database(
          item.name(),
          SourceRef.of(item.source()),
          item.snapshot(),
          route.route(),
          route.warning().orElse(null));
    }
  }

  /** A {@link WorkItem.Source} as the plan writes it: the fields of the message's source. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SourceRef(
      String kind, String entry, String projectId, String branchId, String database, String role) {

    static SourceRef of(WorkItem.Source source) {
      if (source instanceof WorkItem.Listed l) {
        return new SourceRef("listed", l.entry(), null, null, null, null);
      }
      WorkItem.Neon n = (WorkItem.Neon) source;
      return new SourceRef("neon", null, n.projectId(), n.branchId(), n.database(), n.role());
    }

    WorkItem.Source toSource() {
      return "neon".equals(kind)
          ? new WorkItem.Neon(projectId, branchId, database, role)
          : new WorkItem.Listed(entry);
    }
  }

  /** An entry that was not planned (a refused secret entry, a failed discovery), with why. */
  public record Rejected(String name, String reason) {}

  public byte[] toJson() {
    return Json.bytes(this);
  }

  public static RunPlan fromJson(byte[] json) throws IOException {
    return Json.read(json, RunPlan.class);
  }
}
