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
import dev.neons3backup.fleet.DeadLetters;
import dev.neons3backup.fleet.Dispatcher;
import dev.neons3backup.fleet.FargateLauncher;
import dev.neons3backup.fleet.RoutePolicy;
import dev.neons3backup.fleet.RunReport;
import dev.neons3backup.fleet.Runs;
import dev.neons3backup.fleet.SnsAlarm;
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
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.logging.log4j.CloseableThreadContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The fleet's scheduled function. The nightly event (EventBridge's scheduled event; its {@code
 * time} is the run's key time) first accounts for earlier runs left without a report, then
 * dispatches the night ({@link Dispatcher}). The accounting schedule's event {@code
 * {"action":"account"}} (optionally with {@code "run":"<ISO instant>"}) accounts for the runs of
 * the last days without a report, or that one run ({@link Accounting}).
 *
 * <p>Handler string: {@code dev.neons3backup.lambda.DispatchHandler::handleRequest}.
 */
public final class DispatchHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LogManager.getLogger(DispatchHandler.class);

  /** What one invocation needs, built once per container. */
  public record Parts(Dispatcher dispatcher, Accounting accounting, Clock clock) {}

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
          return drilling().run();
        }
        Parts p = parts();
        return "account".equals(event == null ? null : event.get("action"))
            ? account(p, event)
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
    // Discovery of thousands of Neon projects can outlast one invocation (Neon's API admits 700
    // requests a minute): it stops early enough to plan, send and report what it found.
    BooleanSupplier outOfTime =
        () -> context != null && context.getRemainingTimeInMillis() < DISCOVERY_MARGIN.toMillis();
    Dispatcher.Result r = p.dispatcher().dispatch(run, outOfTime);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("run", r.run().toString());
    out.put("planned", r.planned());
    out.put("sent", r.sent());
    out.put("launched", r.launched());
    out.put("alreadyStored", r.stored());
    return out;
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
    Alarm alarm =
        fleet.alarmTopicArn().isEmpty()
            ? (subject, message) ->
                LOG.warn(
                    "ALARM_TOPIC_ARN is not set; the missing-databases message was only logged")
            : new SnsAlarm(S3Clients.sns(settings, fleet), fleet.alarmTopicArn().get());
    return parts(
        store,
        () -> SecretTargets.load(secrets, settings.secretName()),
        System.getenv(),
        sqs,
        alarm,
        launcher(),
        new EmbeddedMetrics(settings.metricsNamespace(), System.out, clock),
        clock);
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
    FleetSettings fleet = FleetSettings.from(env);
    Runs runs = new Runs(store);
    TargetResolver resolver = new TargetResolver(env, clock, Set::of);
    Dispatcher dispatcher =
        new Dispatcher(
            runs,
            stop -> resolver.references(targets.load(), stop),
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
    return new Parts(dispatcher, accounting, clock);
  }

  /** The Fargate route's launcher (ECS RunTask), when the stack has one (FARGATE_CLUSTER set). */
  private static Optional<TaskLauncher> launcher() {
    return FargateLauncher.fromEnvironment(System.getenv()).map(TaskLauncher.class::cast);
  }
}
