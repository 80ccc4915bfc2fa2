package dev.neons3backup.fleet;

import dev.neons3backup.BackupException;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.neon.DiscoveredDatabase;
import dev.neons3backup.neon.TargetResolver;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.CloseableThreadContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Plans a fleet run and sends its work: resolves the night's databases as references (never a
 * connection URL), writes the run's plan once ({@code _runs/<key time>/plan.json}; a retry of the
 * same run reads it back and keeps it), then sends one message per database whose backup for the
 * run is not complete yet, or starts a Fargate task for one routed there. So a dispatch killed
 * half-way and retried ends with every planned database sent at least once and none backed up twice
 * (every attempt writes the run's key, which a worker never overwrites).
 *
 * <p>When Neon discovery runs out of the invocation's time, the part planned so far is written with
 * the projects it left ({@link RunPlan#remaining()}), sent, and a {@link Continuation} is asked to
 * plan the next part from there; that part is a plan object of its own, written once, so a retried
 * or duplicated continuation reuses it and no database is planned twice.
 */
public final class Dispatcher {
  private static final Logger LOG = LogManager.getLogger(Dispatcher.class);

  private final Runs runs;
  private final Discovery references;
  private final WorkQueue queue;
  private final Optional<TaskLauncher> launcher;
  private final RoutePolicy policy;
  private final Clock clock;

  public Dispatcher(
      Runs runs,
      Discovery references,
      WorkQueue queue,
      Optional<TaskLauncher> launcher,
      RoutePolicy policy,
      Clock clock) {
    this.runs = runs;
    this.references = references;
    this.queue = queue;
    this.launcher = launcher;
    this.policy = policy;
    this.clock = clock;
  }

  /** The night's targets as references; with projects given, only those Neon projects. */
  @FunctionalInterface
  public interface Discovery {
    TargetResolver.References find(Optional<Set<String>> projects, BooleanSupplier stop);
  }

  /**
   * @param planned databases in this part's plan (refused entries not counted)
   * @param sent messages sent to the queue
   * @param launched Fargate tasks started
   * @param stored databases skipped: their backup for the run was already complete
   * @param part the part of the run this invocation dispatched
   * @param remaining Neon projects left to the next part
   */
  public record Result(
      Instant run, int planned, int sent, int launched, int stored, int part, int remaining) {}

  public Result dispatch(Instant run) throws IOException {
    return dispatch(run, () -> false);
  }

  /**
   * Dispatches the run in one invocation; discovery examines no further Neon project once {@code
   * outOfTime} says so, and the plan names the projects it left out (a refused entry the report and
   * alarm carry).
   */
  public Result dispatch(Instant run, BooleanSupplier outOfTime) throws IOException {
    return dispatch(run, 1, outOfTime, Optional.empty());
  }

  /**
   * Dispatches part {@code part} of the run: part 1 discovers everything, part n the projects part
   * n-1 left. Projects this part leaves go to {@code next} (part n+1), or, without one, are named
   * in a refused entry.
   */
  public Result dispatch(
      Instant run, int part, BooleanSupplier outOfTime, Optional<Continuation> next)
      throws IOException {
    Optional<RunPlan> existing = runs.plan(run, part);
    RunPlan plan;
    List<Boolean> complete;
    if (existing.isPresent()) {
      plan = existing.get();
      LOG.info(
          "run {}: reusing part {} of its plan ({} databases)", run, part, plan.databases().size());
      complete = Parallel.map(plan.databases(), d -> runs.complete(d.name(), run));
    } else {
      Planned fresh = plan(run, part, scope(run, part), outOfTime, next.isPresent());
      plan = runs.putPlan(fresh.plan());
      complete =
          plan == fresh.plan()
              ? fresh.complete()
              : Parallel.map(plan.databases(), d -> runs.complete(d.name(), run));
    }
    plan.rejected().forEach(r -> LOG.error(r.reason()));
    if (!plan.remaining().isEmpty()) {
      continueWith(plan, next);
    }
    Result r = send(plan, complete);
    return new Result(
        r.run(), r.planned(), r.sent(), r.launched(), r.stored(), part, plan.remaining().size());
  }

  /** The projects part {@code part} examines: all for part 1, else those the part before left. */
  private Optional<Set<String>> scope(Instant run, int part) throws IOException {
    if (part == 1) {
      return Optional.empty();
    }
    RunPlan before =
        runs.plan(run, part - 1)
            .orElseThrow(
                () ->
                    BackupException.config(
                        "run "
                            + run
                            + " has no part "
                            + (part - 1)
                            + " at "
                            + runs.describe(Runs.planKey(run, part - 1))
                            + ", so part "
                            + part
                            + " has nothing to continue from."));
    return Optional.of(Set.copyOf(before.remaining()));
  }

  /**
   * Asks for the next part, unless it is planned already (this is a retry or a duplicate). When it
   * cannot be asked for, the part's remaining projects, with no next part, are what accounting
   * names as never examined.
   */
  private void continueWith(RunPlan plan, Optional<Continuation> next) throws IOException {
    Instant run = plan.runTime();
    int part = plan.part() + 1;
    if (runs.plan(run, part).isPresent()) {
      LOG.info("run {}: part {} is already planned; not asked for again", run, part);
      return;
    }
    String why;
    try {
      if (next.isPresent()) {
        next.get().request(run, part);
        LOG.info(
            "run {}: Neon discovery continues in part {} with {} project(s)",
            run,
            part,
            plan.remaining().size());
        return;
      }
      why = "no continuation is possible here";
    } catch (IOException | RuntimeException e) {
      why = e.getMessage();
    }
    LOG.error(
        "run {}: Neon discovery cannot continue in another invocation ({}); {} project(s) not"
            + " examined, the run's report will name them",
        run,
        why,
        plan.remaining().size());
  }

  private record Planned(RunPlan plan, List<Boolean> complete) {}

  private Planned plan(
      Instant run,
      int part,
      Optional<Set<String>> scope,
      BooleanSupplier outOfTime,
      boolean canContinue) {
    TargetResolver.References refs = references.find(scope, outOfTime);
    List<RunPlan.Rejected> rejected = new ArrayList<>();
    for (TargetList.Rejected r : refs.listed().rejected()) {
      rejected.add(new RunPlan.Rejected(r.name(), r.reason()));
    }
    List<String> remaining = canContinue ? refs.unexamined() : List.of();
    if (!canContinue && !refs.unexamined().isEmpty()) {
      TargetList.Rejected left =
          TargetResolver.leftOut(refs.unexamined(), TargetResolver.OUT_OF_TIME);
      rejected.add(new RunPlan.Rejected(left.name(), left.reason()));
    }
    List<WorkItem> items = items(run, refs, rejected);
    List<Runs.History> histories = Parallel.map(items, i -> runs.history(i.name()));
    List<RunPlan.Database> databases = new ArrayList<>();
    List<Boolean> complete = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Runs.History h = histories.get(i);
      RoutePolicy.Route route = policy.route(h.name(), h.previous(run));
      databases.add(RunPlan.Database.of(items.get(i), route));
      complete.add(h.completeAt(run));
    }
    RunPlan plan = RunPlan.of(run, part, clock.instant(), databases, rejected, remaining);
    LOG.info(
        "run {}: part {} planned {} databases ({} refused, {} Neon project(s) left)",
        run,
        part,
        databases.size(),
        rejected.size(),
        remaining.size());
    return new Planned(plan, complete);
  }

  private static List<WorkItem> items(
      Instant run, TargetResolver.References refs, List<RunPlan.Rejected> rejected) {
    List<WorkItem> items = new ArrayList<>();
    for (DatabaseTarget t : refs.listed().targets()) {
      items.add(new WorkItem(run, t.name(), new WorkItem.Listed(t.name()), false));
    }
    for (DiscoveredDatabase d : refs.discovered()) {
      try {
        WorkItem.Neon source =
            new WorkItem.Neon(d.projectId(), d.branchId(), d.database(), d.ownerRole());
        items.add(new WorkItem(run, d.name(), source, refs.snapshot()));
      } catch (BackupException e) {
        rejected.add(
            new RunPlan.Rejected(d.name(), "database " + d.name() + ": " + e.getMessage()));
      }
    }
    return items;
  }

  private Result send(RunPlan plan, List<Boolean> complete) throws IOException {
    Instant run = plan.runTime();
    List<WorkItem> batch = new ArrayList<>();
    int sent = 0;
    int launched = 0;
    int stored = 0;
    for (int i = 0; i < plan.databases().size(); i++) {
      RunPlan.Database d = plan.databases().get(i);
      if (d.warning() != null) {
        LOG.warn(d.warning());
      }
      if (complete.get(i)) {
        stored++;
      } else if (RunPlan.FARGATE.equals(d.route()) && launch(d.item(run))) {
        launched++;
      } else {
        batch.add(d.item(run));
        if (batch.size() == WorkQueue.BATCH) {
          sent += flush(batch);
        }
      }
    }
    sent += flush(batch);
    LOG.info(
        "run {}: sent {} to the queue, started {} Fargate task(s), {} already stored",
        run,
        sent,
        launched,
        stored);
    return new Result(run, plan.databases().size(), sent, launched, stored, plan.part(), 0);
  }

  private int flush(List<WorkItem> batch) throws IOException {
    int n = batch.size();
    if (n > 0) {
      queue.send(List.copyOf(batch));
      batch.clear();
    }
    return n;
  }

  /** Starts the database's Fargate task; false (it goes to the queue) when that fails. */
  private boolean launch(WorkItem item) {
    if (launcher.isEmpty()) {
      return false;
    }
    try (var ctx = CloseableThreadContext.put("database", item.name())) {
      String task = launcher.get().launch(item);
      LOG.info("database {}: Fargate task {} started", item.name(), task);
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "database {}: the Fargate task could not be started ({}); sent to the queue instead",
          item.name(),
          e.getMessage());
      return false;
    }
  }
}
