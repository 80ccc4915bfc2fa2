package dev.neons3backup.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.config.FleetSettings;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.config.Settings;
import dev.neons3backup.fleet.Accounting;
import dev.neons3backup.fleet.Alarm;
import dev.neons3backup.fleet.Continuation;
import dev.neons3backup.fleet.DeadLetters;
import dev.neons3backup.fleet.Dispatcher;
import dev.neons3backup.fleet.FargateLauncher;
import dev.neons3backup.fleet.LambdaContinuation;
import dev.neons3backup.fleet.RoutePolicy;
import dev.neons3backup.fleet.RunReport;
import dev.neons3backup.fleet.Runs;
import dev.neons3backup.fleet.SqsWorkQueue;
import dev.neons3backup.fleet.TaskLauncher;
import dev.neons3backup.neon.TargetResolver;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.S3BackupStore;
import dev.neons3backup.store.S3Clients;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.logging.log4j.CloseableThreadContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The fleet's scheduled function. The nightly event (EventBridge's scheduled event; its {@code
 * time} is the run's key time) first accounts for earlier runs left without a report, then
 * dispatches the night ({@link Dispatcher}). The accounting schedule's event {@code
 * {"action":"account"}} (optionally with {@code "run":"<ISO instant>"}) accounts for the runs of
 * the last days without a report, or that one run ({@link Accounting}). When Neon discovery
 * outlasts an invocation, the dispatcher invokes itself asynchronously with {@code
 * {"action":"continue","run":"<ISO instant>","part":n}} to plan and send the run's next part.
 *
 * <p>Handler string: {@code dev.neons3backup.lambda.DispatchHandler::handleRequest}.
 */
public final class DispatchHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LogManager.getLogger(DispatchHandler.class);

  /**
   * What one invocation needs, built once per container.
   *
   * @param continuation the function invoking itself, from the invoked function's ARN (none when
   *     the context has no ARN or no Lambda client was given)
   * @param projectsPerInvocation at most this many Neon projects examined per invocation
   */
  public record Parts(
      Dispatcher dispatcher,
      Accounting accounting,
      Clock clock,
      Function<String, Optional<Continuation>> continuation,
      Optional<Integer> projectsPerInvocation) {}

  private final Supplier<Parts> parts;
  private Parts built;

  /** Time kept after discovery for the plan, the messages and the earlier runs' accounting. */
  static final Duration DISCOVERY_MARGIN = Duration.ofMinutes(3);

  private final Supplier<Drilling> drilling = Drilling::fromEnvironment;
  private Drilling drillingBuilt;

  /** Used by the Lambda runtime: everything from the environment, built on first use and kept. */
  public DispatchHandler() {
    this.parts = DispatchHandler::fromEnvironment;
    BackupHandler.logJvmSettingsOnce();
  }

  /** Used by tests: real clients pointed wherever they like. */
  public DispatchHandler(Parts parts) {
    this.parts = () -> parts;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    String requestId = context == null ? "" : context.getAwsRequestId();
    try (var ctx = CloseableThreadContext.put("requestId", requestId)) {
      try {
        if (Drilling.isDrill(event)) {
          return drilling().run(context);
        }
        Parts p = parts();
        Object action = event == null ? null : event.get("action");
        if ("account".equals(action)) {
          return account(p, event);
        }
        return "continue".equals(action)
            ? dispatch(p, run(event), part(event), context)
            : dispatch(p, event, context);
      } catch (IOException e) {
        BackupException storage = new BackupException(ErrorCode.STORAGE, e.getMessage(), e);
        LOG.error(storage.getMessage());
        throw storage;
      } catch (BackupException e) {
        LOG.error(e.getMessage());
        throw e;
      }
    }
  }

  private Map<String, Object> dispatch(Parts p, Map<String, Object> event, Context context)
      throws IOException {
    Instant run = BackupHandler.keyTime(event, p.clock());
    try {
      p.accounting().accountUnaccounted(Optional.of(run));
    } catch (IOException | RuntimeException e) {
      // Tonight's backups matter more than last night's report: the accounting schedule retries.
      LOG.error("accounting for earlier runs failed: {}", e.getMessage());
    }
    return dispatch(p, run, 1, context);
  }

  private Map<String, Object> dispatch(Parts p, Instant run, int part, Context context)
      throws IOException {
    // Discovery of thousands of Neon projects can outlast one invocation (Neon's API admits 700
    // requests a minute): it stops early enough to plan, send and report what it found, and the
    // next invocation goes on from there.
    AtomicInteger examined = new AtomicInteger();
    BooleanSupplier stop =
        () ->
            (context != null && context.getRemainingTimeInMillis() < DISCOVERY_MARGIN.toMillis())
                || p.projectsPerInvocation().map(n -> examined.incrementAndGet() > n).orElse(false);
    String arn = context == null ? null : context.getInvokedFunctionArn();
    Optional<Continuation> next =
        arn == null || arn.isBlank() ? Optional.empty() : p.continuation().apply(arn);
    Dispatcher.Result r = p.dispatcher().dispatch(run, part, stop, next);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("run", r.run().toString());
    out.put("part", r.part());
    out.put("planned", r.planned());
    out.put("sent", r.sent());
    out.put("launched", r.launched());
    out.put("alreadyStored", r.stored());
    out.put("projectsLeft", r.remaining());
    return out;
  }

  private static Instant run(Map<String, Object> event) {
    if (event.get("run") instanceof String s) {
      return instant(s);
    }
    throw BackupException.config(
        "the continue event has no run; it needs \"run\":\"<ISO-8601 instant>\".");
  }

  private static int part(Map<String, Object> event) {
    if (event.get("part") instanceof Number n && n.intValue() >= 2) {
      return n.intValue();
    }
    throw BackupException.config(
        "the continue event's part is '" + event.get("part") + "'; it must be a number from 2.");
  }

  private Map<String, Object> account(Parts p, Map<String, Object> event) throws IOException {
    Object run = event.get("run");
    List<RunReport> reports =
        run instanceof String s
            ? List.of(p.accounting().account(instant(s)))
            : p.accounting().accountUnaccounted(Optional.empty());
    List<Map<String, Object>> out =
        reports.stream()
            .map(
                r ->
                    Map.<String, Object>of(
                        "run",
                        r.run(),
                        "planned",
                        r.planned(),
                        "backedUp",
                        r.backedUp(),
                        "missing",
                        r.missing().size()))
            .toList();
    return Map.of("accounted", out);
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw BackupException.config(
          "the account event's run '"
              + text
              + "' is not an ISO-8601 instant such as"
              + " 2026-12-02T02:00:00Z.");
    }
  }

  private synchronized Drilling drilling() {
    if (drillingBuilt == null) {
      drillingBuilt = drilling.get();
    }
    return drillingBuilt;
  }

  private synchronized Parts parts() {
    if (built == null) {
      built = parts.get();
    }
    return built;
  }

  static Parts fromEnvironment() {
    Settings settings = Wiring.functionSettings();
    FleetSettings fleet = FleetSettings.fromEnvironment();
    Clock clock = Clock.systemUTC();
    BackupStore store =
        new S3BackupStore(
            S3Clients.s3(settings), settings.bucket(), "", S3BackupStore.DEFAULT_PART_SIZE);
    SecretsManagerClient secrets = S3Clients.secrets(settings);
    SqsClient sqs = S3Clients.sqs(settings, fleet);
    LambdaClient lambda = S3Clients.lambda(settings, fleet);
    Alarm alarm = Wiring.alarm(settings);
    return parts(
        store,
        () -> SecretTargets.load(secrets, settings.secretName()),
        System.getenv(),
        sqs,
        alarm,
        launcher(),
        new EmbeddedMetrics(settings.metricsNamespace(), System.out, clock),
        clock,
        Optional.of(lambda));
  }

  /**
   * The parts from their clients; tests point them at local servers.
   *
   * @param env where WORK_QUEUE_URL, DEAD_LETTER_QUEUE_URL, FARGATE_THRESHOLD_MINUTES and
   *     NEON_API_URL are read
   */
  public static Parts parts(
      BackupStore store,
      BackupHandler.TargetSource targets,
      Map<String, String> env,
      SqsClient sqs,
      Alarm alarm,
      Optional<TaskLauncher> launcher,
      EmbeddedMetrics metrics,
      Clock clock) {
    return parts(store, targets, env, sqs, alarm, launcher, metrics, clock, Optional.empty());
  }

  /**
   * As above, with the Lambda client the dispatcher invokes itself with to continue discovery.
   *
   * @param env also where NEON_PROJECTS_PER_INVOCATION is read
   */
  public static Parts parts(
      BackupStore store,
      BackupHandler.TargetSource targets,
      Map<String, String> env,
      SqsClient sqs,
      Alarm alarm,
      Optional<TaskLauncher> launcher,
      EmbeddedMetrics metrics,
      Clock clock,
      Optional<LambdaClient> lambda) {
    FleetSettings fleet = FleetSettings.from(env);
    Runs runs = new Runs(store);
    TargetResolver resolver = new TargetResolver(env, clock, Set::of);
    Dispatcher dispatcher =
        new Dispatcher(
            runs,
            (projects, stop) -> resolver.references(targets.load(), projects, stop),
            new SqsWorkQueue(sqs, fleet.workQueueUrl()),
            launcher,
            new RoutePolicy(
                Duration.ofMinutes(fleet.fargateThresholdMinutes()), launcher.isPresent()),
            clock);
    Accounting accounting =
        new Accounting(
            runs,
            fleet.deadLetterQueueUrl().map(u -> DeadLetters.of(sqs, u)).orElse(DeadLetters.NONE),
            alarm,
            metrics::emitFleet,
            clock);
    return new Parts(
        dispatcher,
        accounting,
        clock,
        arn -> lambda.map(client -> new LambdaContinuation(client, arn)),
        fleet.projectsPerInvocation());
  }

  /** The Fargate route's launcher (ECS RunTask), when the stack has one (FARGATE_CLUSTER set). */
  private static Optional<TaskLauncher> launcher() {
    return FargateLauncher.fromEnvironment(System.getenv()).map(TaskLauncher.class::cast);
  }
}
