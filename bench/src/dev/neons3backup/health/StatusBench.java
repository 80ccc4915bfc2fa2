package dev.neons3backup.health;

import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.catalog.Catalog;
import dev.neons3backup.catalog.DrillRecord;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.io.Compression;
import dev.neons3backup.json.Json;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.ListedKey;
import dev.neons3backup.store.ObjectSink;
import dev.neons3backup.store.S3BackupStore;
import dev.neons3backup.testing.S3MockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * DATABASES x BACKUPS synthetic backups (a tiny object and a real manifest each, a verified marker
 * on most databases' newest, a drill record on some, a failed one and an incomplete newer object on
 * a few) seeded into S3Mock with parallel puts; then {@code status} and {@code status --html} run
 * as the user runs them (the jar, a process of its own) and timed, and the same reads done
 * in-process with every S3 request counted. Never fails on a timing. See bench/README.md, "Status".
 */
public final class StatusBench {
  /** Started only when the S3Mock variant runs (not for the file or s3proxy variants). */
  private static S3MockServer s3mock;
  private static final int ROUNDS = 2;

  public static void main(String[] args) throws Exception {
    int status = 0;
    try {
      run(args);
    } catch (Exception | AssertionError e) {
      System.err.println("[status bench] FAILED: " + e);
      e.printStackTrace();
      status = 1;
    }
    System.exit(status); // the embedded server's threads would keep the JVM alive
  }

  private static void run(String[] args) throws Exception {
    Configurator.setRootLevel(Level.WARN);
    int databases = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int backups = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int fileDatabases = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    Path jar = Path.of(args.length > 3 ? args[3] : "target/neon-s3-backup.jar");
    int proxyDatabases = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    double version = cli(jar, "", List.of("--version"), Map.of());
    System.out.printf("--version (JVM start): %.1f s%n", version);
    if (fileDatabases > 0) {
      fileStore(jar, fileDatabases, backups);
    }
    if (databases > 0) {
      s3mock = S3MockServer.shared();
      s3Store(jar, databases, backups);
    }
    if (proxyDatabases > 0) {
      S3ProxyServer.bench(jar, proxyDatabases, backups, ROUNDS);
    }
  }

  /** The local store at the target's scale: the tool's own cost, apart from any server's. */
  private static void fileStore(Path jar, int databases, int backups) throws Exception {
    Path dir = Files.createTempDirectory("status-bench-files");
    try {
      long t0 = System.nanoTime();
      int objects =
          seed(databases, backups, (key, body) -> {
            Path file = dir.resolve(key);
            Files.createDirectories(file.getParent());
            Files.write(file, body);
          });
      System.out.printf(
          "%nfile: seeded %,d files (%d databases x %d backups) in %.1f s%n",
          objects, databases, backups, secs(t0));
      String store = "file:" + dir;
      double table = cli(jar, store, List.of("status"), Map.of());
      System.out.printf("file: status (jar): %.1f s%n", table);
      Path page = Files.createTempFile("status-bench", ".html");
      double html = cli(jar, store, List.of("status", "--html", page.toString()), Map.of());
      System.out.printf("file: status --html (jar): %.1f s, page %,d bytes%n", html, Files.size(page));
      Files.delete(page);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void s3Store(Path jar, int databases, int backups) throws Exception {
    String bucket = "status-bench-" + System.nanoTime();
    S3MockServer mock = s3mock;
    mock.createBucket(bucket);
    long t0 = System.nanoTime();
    int objects = seedS3(bucket, databases, backups);
    System.out.printf(
        "%ns3: seeded %,d objects (%d databases x %d backups, S3Mock restarted on them) in %.1f s%n",
        objects, databases, backups, secs(t0));
    String store = "s3://" + bucket;
    Map<String, String> env = s3Env(mock.endpoint().toString());
    double table = cli(jar, store, List.of("status"), env);
    System.out.printf("s3: status (jar): %.1f s%n", table);
    Path page = Files.createTempFile("status-bench", ".html");
    double html = cli(jar, store, List.of("status", "--html", page.toString()), env);
    System.out.printf("s3: status --html (jar): %.1f s, page %,d bytes%n", html, Files.size(page));
    Files.delete(page);

    long t1 = System.nanoTime();
    Map<String, Long> beforeCalls = inProcess(bucket, false, true);
    double before = secs(t1);
    System.out.printf("s3: status reads in-process, one whole listing (before): %.1f s %s%n", before, beforeCalls);
    long t2 = System.nanoTime();
    Map<String, Long> tableCalls = inProcess(bucket, false, false);
    double tableReads = secs(t2);
    System.out.printf("s3: status reads in-process, a listing per database: %.1f s %s%n", tableReads, tableCalls);
    long t3 = System.nanoTime();
    Map<String, Long> htmlCalls = inProcess(bucket, true, false);
    double htmlReads = secs(t3);
    System.out.printf(
        "%n| s3 command | wall s (jar, JVM start included) | reads in-process s | S3 requests |%n"
            + "|---|---|---|---|%n");
    System.out.printf("| status, one whole listing (before) | | %.1f | %s |%n", before, beforeCalls);
    System.out.printf("| status | %.1f | %.1f | %s |%n", table, tableReads, tableCalls);
    System.out.printf("| status --html | %.1f | %.1f | %s |%n", html, htmlReads, htmlCalls);
    System.out.printf("status reads, before / after: %.2f%n", before / tableReads);
  }

  /** What the jar needs to talk to a local S3-compatible server at {@code endpoint}. */
  static Map<String, String> s3Env(String endpoint) {
    return Map.of(
        "AWS_ENDPOINT_URL_S3", endpoint,
        "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", "test",
        "AWS_SECRET_ACCESS_KEY", "test");
  }

  /**
   * S3Mock rewrites its whole key index on every PUT, so 60,000 puts would take hours: the objects
   * are laid down in its own store layout (a folder per object, the bucket's key index) while it
   * is stopped, and it reads them when it starts again. One real PUT first shows the layout.
   */
  private static int seedS3(String bucket, int databases, int backups) throws Exception {
    S3MockServer mock = s3mock;
    try (S3Client s3 = mock.clientBuilder().build()) {
      put(s3, bucket, "probe", "x".getBytes());
    }
    mock.kill();
    Path dir = mock.root().resolve(bucket);
    Map<String, String> index = new java.util.LinkedHashMap<>();
    seed(databases, backups, (key, body) -> write(dir, index, key, body));
    Path metadata = dir.resolve("bucketMetadata.json");
    Map<String, Object> bucketMeta = MAPPER.readValue(metadata.toFile(), MAP);
    bucketMeta.put("objects", index);
    MAPPER.writeValue(metadata.toFile(), bucketMeta);
    mock.restart();
    try (S3Client s3 = mock.clientBuilder().build()) {
      s3.deleteObject(r -> r.bucket(bucket).key("probe"));
    }
    return index.size();
  }

  /** Writes one object of the seeded store. */
  interface Sink {
    void write(String key, byte[] body) throws Exception;
  }

  /** The synthetic store, whatever holds it; how many objects. */
  static int seed(int databases, int backups, Sink sink) throws Exception {
    int objects = 0;
    Instant newest = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    for (int d = 0; d < databases; d++) {
      String db = String.format("db-%04d", d);
      for (int b = 0; b < backups; b++) {
        BackupKey key = new BackupKey(db, newest.minus(Duration.ofDays(b)), Compression.GZIP);
        long rows = 10_000L + d * 10L + (backups - b) * 100L;
        Manifest m = manifest(key, rows);
        sink.write(key.format(), "x".getBytes());
        sink.write(key.manifestKey(), m.toJson());
        objects += 2;
        if (b == 0 && d % 20 != 0) {
          sink.write(key.verifiedKey(), Catalog.verifiedMarker(newest, m.sha256()));
          objects++;
        }
        if (b == 0 && d % 5 == 0) {
          sink.write(key.drillKey(), Json.bytes(drill(key, d % 25 == 0)));
          objects++;
        }
      }
      if (d % 50 == 0) {
        BackupKey lone = new BackupKey(db, newest.plus(Duration.ofMinutes(30)), Compression.GZIP);
        sink.write(lone.format(), "x".getBytes());
        objects++;
      }
    }
    return objects;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  /** One object as S3Mock stores it: its bytes and its metadata in a folder named by its id. */
  private static void write(Path bucketDir, Map<String, String> index, String key, byte[] body)
      throws Exception {
    String id = java.util.UUID.randomUUID().toString();
    Path dir = Files.createDirectories(bucketDir.resolve(id));
    Path data = dir.resolve("binaryData");
    Files.write(data, body);
    Map<String, Object> meta = new java.util.LinkedHashMap<>();
    meta.put("id", id);
    meta.put("key", key);
    meta.put("size", String.valueOf(body.length));
    meta.put("modificationDate", Instant.now().toString());
    meta.put("etag", java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("MD5").digest(body)));
    meta.put("contentType", "application/octet-stream");
    meta.put("lastModified", System.currentTimeMillis());
    meta.put("dataPath", data.toUri().toString());
    meta.put("userMetadata", Map.of());
    meta.put("owner", Map.of("ID", "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"));
    meta.put("storeHeaders", Map.of());
    meta.put("encryptionHeaders", Map.of());
    meta.put("storageClass", "STANDARD");
    meta.put("deleteMarker", false);
    MAPPER.writeValue(dir.resolve("objectMetadata.json").toFile(), meta);
    index.put(key, id);
  }

  private static Object put(S3Client s3, String bucket, String key, byte[] body) {
    return s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(body));
  }

  private static Manifest manifest(BackupKey key, long rows) {
    return new Manifest(
        1, key.database(), key.format(), null, null, null, "gzip", 6, rows * 40, rows * 10,
        "ab".repeat(32), "15", "15", null, rows, Map.of("public.t", rows), null, null);
  }

  private static DrillRecord drill(BackupKey key, boolean failed) {
    String now = Instant.now().toString();
    return new DrillRecord(
        DrillRecord.FORMAT_VERSION, key.database(), key.format(), now, now, 1000,
        failed ? DrillRecord.FAILED : DrillRecord.PASSED, failed ? "rows of public.t differ" : null,
        "127.0.0.1/scratch", "15", "15", "15", 1, 1, Map.of(), Map.of(), List.of());
  }

  /** The jar as a user runs it against {@code store}, output discarded; wall seconds. */
  static double cli(Path jar, String store, List<String> args, Map<String, String> env)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", jar.toString()));
    command.addAll(args);
    if (!store.isEmpty()) {
      command.addAll(List.of("--store", store));
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    int exit = pb.start().waitFor();
    double s = secs(t0);
    if (exit != (args.get(0).equals("--version") ? 0 : 3)) {
      throw new AssertionError(String.join(" ", args) + " exited " + exit + ", not 3 (flags raised)");
    }
    return s;
  }

  /** The same reads in this JVM, every S3 request counted by operation. */
  private static Map<String, Long> inProcess(String bucket, boolean history, boolean wholeListing)
      throws Exception {
    return inProcess(s3mock.clientBuilder(), bucket, history, wholeListing);
  }

  /** The same reads in this JVM against whichever server {@code builder} points at. */
  static Map<String, Long> inProcess(
      software.amazon.awssdk.services.s3.S3ClientBuilder builder, String bucket, boolean history,
      boolean wholeListing) throws Exception {
    Counter counter = new Counter();
    S3Client s3 =
        builder.overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build();
    try (S3BackupStore store = new S3BackupStore(s3, bucket, "", S3BackupStore.DEFAULT_PART_SIZE)) {
      BackupStore read = wholeListing ? new WholeListing(store) : store;
      List<DatabaseHealth> all = new HealthReader(read).read(Optional.empty(), history);
      if (all.isEmpty()) {
        throw new AssertionError("no databases read");
      }
    }
    return counter.snapshot();
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * The store as status read it before: one listing of the whole store (page after page), every
   * database's keys taken from it, so one run measures both request patterns with the same reads.
   */
  private static final class WholeListing implements BackupStore {
    private final BackupStore store;
    private java.util.SortedMap<String, List<ListedKey>> byFolder;

    WholeListing(BackupStore store) {
      this.store = store;
    }

    private synchronized java.util.SortedMap<String, List<ListedKey>> byFolder()
        throws java.io.IOException {
      if (byFolder == null) {
        byFolder = new TreeMap<>();
        for (ListedKey k : store.listWithTimes("")) {
          int slash = k.key().indexOf('/');
          if (slash > 0) {
            byFolder.computeIfAbsent(k.key().substring(0, slash), f -> new ArrayList<>()).add(k);
          }
        }
      }
      return byFolder;
    }

    @Override
    public java.util.SortedSet<String> folders() throws java.io.IOException {
      return new java.util.TreeSet<>(byFolder().keySet());
    }

    /** Only a folder's keys are asked for here ({@code db/}). */
    @Override
    public List<ListedKey> listWithTimes(String prefix) throws java.io.IOException {
      return byFolder().getOrDefault(prefix.substring(0, prefix.length() - 1), List.of());
    }

    @Override
    public java.io.InputStream open(String key) throws java.io.IOException {
      return store.open(key);
    }

    @Override
    public boolean exists(String key) throws java.io.IOException {
      return store.exists(key);
    }

    @Override
    public ObjectSink create(String key, String contentType) throws java.io.IOException {
      return store.create(key, contentType);
    }

    @Override
    public void putIfAbsent(String key, byte[] content, String type) throws java.io.IOException {
      store.putIfAbsent(key, content, type);
    }

    @Override
    public void delete(String key) throws java.io.IOException {
      store.delete(key);
    }

    @Override
    public String describe(String key) {
      return store.describe(key);
    }
  }

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
}
