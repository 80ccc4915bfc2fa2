package dev.neons3backup.fleet;

import dev.neons3backup.BackupService;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.config.Settings;
import dev.neons3backup.lambda.BackupHandler;
import dev.neons3backup.lambda.DispatchHandler;
import dev.neons3backup.lambda.EmbeddedMetrics;
import dev.neons3backup.lambda.WorkerHandler;
import dev.neons3backup.store.S3BackupStore;
import dev.neons3backup.testing.ElasticMqServer;
import dev.neons3backup.testing.EventSourcePoller;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.SecretsManagerStub;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * DATABASES small databases of the local cluster backed up twice in the same run, into the same
 * S3Mock (one bucket per mode): (a) the single-function shape, one {@link BackupHandler} invocation
 * over all of them at the default concurrency; (b) the fleet shape, the {@link Dispatcher}'s plan
 * and one {@link WorkItem} per database on an ElasticMQ queue, consumed by WORKERS {@link WorkerHandler}s (one per simulated
 * execution environment) through the tests' {@link EventSourcePoller}. Prints wall time, databases
 * per minute and the ratio; counts every S3, SQS and Secrets Manager request by operation. Fails
 * (exit 1) unless each mode left exactly one complete backup per database and no open upload. Never
 * fails on a timing. See bench/README.md, "Fleet".
 */
public final class FleetBench {
  private static final Instant RUN = Instant.parse("2026-12-02T03:00:00Z");
  private static final String PREFIX = "fleet_";
  private static final int PER_PSQL = 100;
  private static final int VISIBILITY_SECONDS = 120;

  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final S3MockServer S3 = S3MockServer.shared();
  private static final SecretsManagerStub SECRETS = SecretsManagerStub.shared();

  public static void main(String[] args) {
    int status = 0;
    try {
      run(args);
    } catch (Exception | AssertionError e) {
      System.err.println("[fleet bench] FAILED: " + e);
      e.printStackTrace();
      status = 1;
    }
    // The embedded servers' non-daemon threads would keep the JVM alive, success or not.
    System.exit(status);
  }

  private static void run(String[] args) throws Exception {
    Configurator.setRootLevel(Level.WARN); // 500 databases' info lines say nothing here
    int databases = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    List<String> names = createDatabases(databases);
    String secret = secretJson(names);

    log("load average before single: %s", loadAverage());
    Result single = single(names, secret);
    log("load average before fleet: %s", loadAverage());
    Result fleet = fleet(names, secret, workers);
    log("load average after fleet: %s", loadAverage());

    print(databases, workers, single, fleet);
  }

  // ---- databases ----------------------------------------------------------------------------

  /** One template with a few tables, then CREATE DATABASE … TEMPLATE in a few psql sessions. */
  private static List<String> createDatabases(int n) {
    long t0 = System.nanoTime();
    PG.psql("postgres", "DROP DATABASE IF EXISTS bench_tpl; CREATE DATABASE bench_tpl;");
    PG.psql("bench_tpl", TEMPLATE_SQL);
    List<String> names = new ArrayList<>();
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String name = String.format("%s%04d", PREFIX, i);
      names.add(name);
      sql.append("CREATE DATABASE ").append(name).append(" TEMPLATE bench_tpl;\n");
      if ((i + 1) % PER_PSQL == 0 || i == n - 1) {
        PG.psql("postgres", sql.toString());
        sql.setLength(0);
      }
    }
    log("created %d databases from a template in %.1f s", n, seconds(t0));
    return names;
  }

  private static final String TEMPLATE_SQL =
      """
      create table customers(id int primary key, name text not null, created timestamptz not null);
      insert into customers
        select g, 'customer ' || g, timestamptz '2026-01-01' + g * interval '1 hour'
        from generate_series(1, 200) g;
      create table orders(id int primary key, customer int not null references customers,
        total numeric(10,2) not null, placed date not null);
      insert into orders
        select g, 1 + g % 200, (g * 7 % 1000) / 10.0, date '2026-01-01' + g % 300
        from generate_series(1, 1000) g;
      create table events(id bigint primary key, payload jsonb not null);
      insert into events
        select g, jsonb_build_object('n', g, 'kind', 'k' || g % 7, 'note', md5(g::text))
        from generate_series(1, 300) g;
      vacuum (freeze, analyze);
      """;

  /** The secret's databases list: each database under its own name. */
  private static String secretJson(List<String> names) {
    StringBuilder b = new StringBuilder("{\"databases\": [");
    for (int i = 0; i < names.size(); i++) {
      b.append(i == 0 ? "" : ", ")
          .append("{\"name\": \"")
          .append(names.get(i))
          .append("\", \"url\": \"")
          .append(PG.url(names.get(i)))
          .append("\"}");
    }
    return b.append("]}").toString();
  }

  // ---- the two modes ------------------------------------------------------------------------

  private record Result(
      String mode,
      double wallSeconds,
      double sendSeconds,
      Map<String, Long> s3Calls,
      Map<String, Long> sqsCalls,
      int secretReads,
      Stored stored) {
    double perMinute() {
      return stored.backups() / wallSeconds * 60;
    }
  }

  /** (a) One invocation of the single-function handler over every database. */
  private static Result single(List<String> names, String secret) {
    String bucket = "bench-single";
    String secretId = "bench-secret-single";
    S3.createBucket(bucket);
    SECRETS.putSecret(secretId, secret);
    Counter s3 = new Counter();
    SecretsManagerClient secrets = SECRETS.client();
    BackupHandler handler =
        new BackupHandler(
            service(bucket, s3), () -> SecretTargets.load(secrets, secretId), metrics());
    log("single: one BackupHandler invocation over %d databases", names.size());
    long t0 = System.nanoTime();
    handler.handleRequest(Map.of("time", RUN.toString()), null); // throws if any database failed
    double wall = seconds(t0);
    Map<String, Long> s3Calls = s3.snapshot();
    Stored stored = verify(bucket, names);
    return new Result(
        "single function", wall, 0, s3Calls, Map.of(), SECRETS.requestCount(secretId), stored);
  }

  /** (b) One message per database on a queue, drained by {@code workers} workers. */
  private static Result fleet(List<String> names, String secret, int workers) throws Exception {
    String bucket = "bench-fleet";
    String secretId = "bench-secret-fleet";
    S3.createBucket(bucket);
    SECRETS.putSecret(secretId, secret);
    Counter s3 = new Counter();
    Counter sqsSend = new Counter();
    Counter sqsPoll = new Counter();
    ElasticMqServer mq = ElasticMqServer.startNew();
    ElasticMqServer.Queues queues = mq.createWithDeadLetter("bench-work", VISIBILITY_SECONDS, 3);
    List<EventSourcePoller.Worker> envs = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      // One handler and service per simulated execution environment, built before the clock
      // starts: the Lambda cold start is not in this figure (README: "10,000 databases on paper").
      SecretsManagerClient secrets = SECRETS.client();
      WorkerHandler handler =
          new WorkerHandler(
              service(bucket, s3),
              () -> SecretTargets.load(secrets, secretId),
              metrics(),
              Map.of());
      envs.add(event -> handler.handleRequest(event, null));
    }
    log("fleet: %d databases, %d workers", names.size(), workers);
    EventSourcePoller.Stats stats;
    double wall;
    double send;
    RunReport report;
    try (SqsClient sender = sqs(mq, sqsSend);
        SqsClient poller = sqs(mq, sqsPoll)) {
      DispatchHandler.Parts dispatch = dispatcher(bucket, secretId, sender, queues, s3);
      long t0 = System.nanoTime();
      Dispatcher.Result sent = dispatch.dispatcher().dispatch(RUN);
      send = seconds(t0);
      if (sent.sent() != names.size()) {
        throw new IllegalStateException("fleet: the dispatcher sent " + sent);
      }
      stats = new EventSourcePoller(poller, queues.workUrl(), envs).drain();
      wall = seconds(t0);
      report = dispatch.accounting().account(RUN);
    } finally {
      mq.close();
    }
    if (report.backedUp() != names.size() || !report.missing().isEmpty()) {
      throw new IllegalStateException("fleet: the run's report says " + report);
    }
    if (stats.deleted() != names.size() || stats.leftForRedelivery() != 0) {
      throw new IllegalStateException(
          "fleet: " + stats + " for " + names.size() + " messages; some items failed");
    }
    Map<String, Long> sqsCalls = new TreeMap<>();
    sqsSend.snapshot().forEach((op, n) -> sqsCalls.put("dispatcher " + op, n));
    sqsPoll.snapshot().forEach((op, n) -> sqsCalls.put("event source " + op, n));
    Map<String, Long> s3Calls = s3.snapshot();
    Stored stored = verify(bucket, names);
    return new Result(
        "fleet, " + workers + " workers",
        wall,
        send,
        s3Calls,
        sqsCalls,
        SECRETS.requestCount(secretId),
        stored);
  }

  /**
   * The fleet's dispatcher and accounting as the dispatch function builds them: the plan from the
   * secret, one message per database, the report after the run.
   */
  private static DispatchHandler.Parts dispatcher(
      String bucket,
      String secretId,
      SqsClient sqs,
      ElasticMqServer.Queues queues,
      Counter counter) {
    S3Client client =
        S3.clientBuilder().overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build();
    SecretsManagerClient secrets = SECRETS.client();
    return DispatchHandler.parts(
        new S3BackupStore(client, bucket, "", S3BackupStore.DEFAULT_PART_SIZE),
        () -> SecretTargets.load(secrets, secretId),
        Map.of(
            "WORK_QUEUE_URL", queues.workUrl(), "DEAD_LETTER_QUEUE_URL", queues.deadLetterUrl()),
        sqs,
        (subject, message) -> log("alarm: %s", subject),
        Optional.empty(),
        metrics(),
        Clock.systemUTC());
  }

  // ---- verification -------------------------------------------------------------------------

  /** What a mode left in its bucket, read back from the manifests. */
  private record Stored(int backups, List<Long> durationsMillis, long rawBytes, long storedBytes) {}

  /** Exactly one complete backup (object, manifest, checksum) per database and nothing else. */
  private static Stored verify(String bucket, List<String> names) {
    try (S3Client s3 = S3.client()) {
      Map<String, TreeSet<String>> byName = new HashMap<>();
      for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
        String key = o.key();
        if (key.startsWith("_runs/")) {
          continue; // the run's plan and report
        }
        byName.computeIfAbsent(key.substring(0, key.indexOf('/')), k -> new TreeSet<>()).add(key);
      }
      List<String> problems = new ArrayList<>();
      List<Long> durations = new ArrayList<>();
      long raw = 0;
      long stored = 0;
      for (String name : names) {
        String key = name + "/" + KeyTime.format(RUN) + ".sql.gz";
        TreeSet<String> expected =
            new TreeSet<>(List.of(key, key + ".manifest.json", key + ".sha256"));
        TreeSet<String> found = byName.remove(name);
        if (!expected.equals(found)) {
          problems.add(name + ": " + (found == null ? "nothing stored" : found));
          continue;
        }
        Manifest m = manifest(s3, bucket, key + ".manifest.json");
        durations.add(m.durationMillis());
        raw += m.rawBytes();
        stored += m.storedBytes();
      }
      byName.keySet().forEach(n -> problems.add("unexpected backup name " + n));
      int open = s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().size();
      if (open > 0) {
        problems.add(open + " multipart uploads left open");
      }
      if (!problems.isEmpty()) {
        throw new IllegalStateException(
            bucket + ": not exactly one complete backup per database: " + problems);
      }
      return new Stored(names.size(), durations, raw, stored);
    }
  }

  private static Manifest manifest(S3Client s3, String bucket, String key) {
    try {
      return Manifest.fromJson(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("unreadable manifest " + key, e);
    }
  }

  // ---- wiring -------------------------------------------------------------------------------

  /** The service a function builds, with the default settings (BACKUP_CONCURRENCY 2). */
  private static BackupService service(String bucket, Counter counter) {
    Map<String, String> env = new HashMap<>();
    env.put("S3_BUCKET", bucket);
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ENDPOINT_URL_S3", S3.endpoint().toString());
    S3Client client =
        S3.clientBuilder().overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build();
    S3BackupStore store = new S3BackupStore(client, bucket, "", S3BackupStore.DEFAULT_PART_SIZE);
    return new BackupService(store, Settings.from(env), Clock.systemUTC());
  }

  private static SqsClient sqs(ElasticMqServer mq, Counter counter) {
    return mq.clientBuilder().overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build();
  }

  private static EmbeddedMetrics metrics() {
    return new EmbeddedMetrics(
        "NeonS3Backup", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());
  }

  /** Requests by operation name, counted as the SDK sends them (retries included). */
  private static final class Counter implements ExecutionInterceptor {
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
      String op = attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      calls.computeIfAbsent(op, k -> new LongAdder()).increment();
    }

    Map<String, Long> snapshot() {
      Map<String, Long> out = new TreeMap<>();
      calls.forEach((op, n) -> out.put(op, n.sum()));
      return out;
    }
  }

  // ---- output -------------------------------------------------------------------------------

  private static void print(int databases, int workers, Result single, Result fleet) {
    System.out.printf(
        "%nFleet: %d small databases (%.0f KiB plain dump each), S3Mock, %d cores%n",
        databases,
        single.stored().rawBytes() / 1024.0 / databases,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "| mode | wall s | databases/min | per-database backup, median (p90) s | sending s |%n");
    System.out.printf("|---|---|---|---|---|%n");
    for (Result r : List.of(single, fleet)) {
      List<Long> d = new ArrayList<>(r.stored().durationsMillis());
      Collections.sort(d);
      System.out.printf(
          "| %s | %.1f | %.0f | %.2f (%.2f) | %s |%n",
          r.mode(),
          r.wallSeconds(),
          r.perMinute(),
          d.get(d.size() / 2) / 1000.0,
          d.get(d.size() * 9 / 10) / 1000.0,
          r.sendSeconds() > 0 ? String.format("%.1f", r.sendSeconds()) : "–");
    }
    System.out.printf(
        "%nwall, fleet / single: %.2f; databases per minute, fleet / single: %.2fx%n",
        fleet.wallSeconds() / single.wallSeconds(), fleet.perMinute() / single.perMinute());
    System.out.printf(
        "each mode: exactly one complete backup (object, manifest, .sha256) per database, no open"
            + " upload: checked%n");
    System.out.printf(
        "%nRequests, total (per database), counted at the SDK:%n| request | single | fleet |%n");
    System.out.printf("|---|---|---|%n");
    Map<String, long[]> rows = new LinkedHashMap<>();
    single.s3Calls().forEach((op, n) -> rows.computeIfAbsent("S3 " + op, k -> new long[2])[0] = n);
    fleet.s3Calls().forEach((op, n) -> rows.computeIfAbsent("S3 " + op, k -> new long[2])[1] = n);
    fleet.sqsCalls().forEach((op, n) -> rows.computeIfAbsent("SQS " + op, k -> new long[2])[1] = n);
    rows.computeIfAbsent("Secrets Manager GetSecretValue", k -> new long[2])[0] =
        single.secretReads();
    rows.get("Secrets Manager GetSecretValue")[1] = fleet.secretReads();
    rows.forEach(
        (op, n) ->
            System.out.printf(
                "| %s | %d (%.3f) | %d (%.3f) |%n",
                op,
                n[0],
                n[0] / (double) databases,
                n[1],
                n[1] / (double) databases));
  }

  /** The machine's 1, 5 and 15 minute load averages: how noisy the figures are. */
  private static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void log(String format, Object... args) {
    System.err.printf("[fleet bench] " + format + "%n", args);
  }
}
