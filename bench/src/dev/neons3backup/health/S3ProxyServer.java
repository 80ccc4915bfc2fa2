package dev.neons3backup.health;

import dev.neons3backup.testing.AwsTestCredentials;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The status bench against s3proxy (github.com/gaul/s3proxy) with a file backend: an object is a
 * plain file at basedir/bucket/key, so a GET costs a file open, and a list page a walk of the folder
 * its prefix names (the whole of it, whichever page: AbstractNio2BlobStore.list in 2.6.0), not a
 * parse of the whole bucket as in S3Mock. A database's folder is a small walk; the bucket's root, a
 * walk of every file for each page. It ignores checksums and conditional writes, which a read
 * benchmark does not use.
 */
final class S3ProxyServer implements AutoCloseable {
  /**
   * filesystem-nio2, s3proxy's own backend: the jclouds "filesystem" one (deprecated in 2.6.0)
   * loads every object's metadata of the bucket for every list page, quadratic as in S3Mock.
   */
  private static final String PROVIDER = System.getProperty("s3proxy.provider", "filesystem-nio2");

  private final Process process;
  private final URI endpoint;

  private S3ProxyServer(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** Starts s3proxy, seeds DATABASES x BACKUPS with parallel puts, times the jar's status. */
  static void bench(Path jar, int databases, int backups, int rounds) throws Exception {
    Path base = Files.createTempDirectory("status-bench-s3proxy");
    String bucket = "status-bench";
    try (S3ProxyServer server = start(base)) {
      long t0 = System.nanoTime();
      int objects = server.seed(bucket, databases, backups);
      System.out.printf(
          "%ns3proxy: seeded %,d objects (%d databases x %d backups) with PUTs in %.1f s%n",
          objects, databases, backups, StatusBench.secs(t0));
      server.run(jar, bucket, rounds);
    } finally {
      try (var files = Files.walk(base)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * Through the SDK, so the backend writes its own metadata (filesystem-nio2 keeps each object's
   * MD5 in an extended attribute and fails a listing without it).
   */
  private int seed(String bucket, int databases, int backups) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (S3Client s3 = clientBuilder().build()) {
      s3.createBucket(b -> b.bucket(bucket));
      List<Future<?>> puts = new ArrayList<>();
      int objects =
          StatusBench.seed(databases, backups, (key, body) -> puts.add(pool.submit(
              () -> s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(body)))));
      for (Future<?> put : puts) {
        put.get();
      }
      return objects;
    } finally {
      pool.shutdown();
    }
  }

  private void run(Path jar, String bucket, int rounds) throws Exception {
    String store = "s3://" + bucket;
    Map<String, String> env = StatusBench.s3Env(endpoint.toString());
    // The README's tip for a cron status on a small machine: the launcher reads JDK_JAVA_OPTIONS.
    Map<String, String> c1Env = new java.util.HashMap<>(env);
    c1Env.put("JDK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1");
    Path page = Files.createTempFile("status-bench", ".html");
    try {
      for (int r = 1; r <= rounds; r++) {
        double table = StatusBench.cli(jar, store, List.of("status"), env);
        double c1 = StatusBench.cli(jar, store, List.of("status"), c1Env);
        double html =
            StatusBench.cli(jar, store, List.of("status", "--html", page.toString()), env);
        System.out.printf(
            "s3proxy round %d: status (jar) %.1f s, status (jar, C1 only) %.1f s,"
                + " status --html (jar) %.1f s, page %,d bytes%n",
            r, table, c1, html, Files.size(page));
      }
    } finally {
      Files.deleteIfExists(page);
    }
    long t1 = System.nanoTime();
    Map<String, Long> tableCalls = StatusBench.inProcess(clientBuilder(), bucket, false, false);
    System.out.printf(
        "s3proxy: status reads in-process %.1f s %s%n", StatusBench.secs(t1), tableCalls);
    long t2 = System.nanoTime();
    Map<String, Long> htmlCalls = StatusBench.inProcess(clientBuilder(), bucket, true, false);
    System.out.printf(
        "s3proxy: status --html reads in-process %.1f s %s%n", StatusBench.secs(t2), htmlCalls);
  }

  private S3ClientBuilder clientBuilder() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(AwsTestCredentials.REGION)
        .credentialsProvider(AwsTestCredentials.provider())
        // As the jar's client (S3Clients): s3proxy answers 501 to a checksum header on a GET.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64));
  }

  private static S3ProxyServer start(Path base) throws Exception {
    Path jar = Path.of(System.getProperty("s3proxy.jar", "s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError("s3proxy jar " + jar + " is missing (bench/status fetches it)");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    Files.createDirectories(base.resolve("store"));
    Path conf = base.resolve("s3proxy.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "s3proxy.endpoint=" + endpoint,
            "s3proxy.authorization=none",
            "jclouds.provider=" + PROVIDER,
            "jclouds.identity=local", // required by filesystem-nio2, unused with authorization=none
            "jclouds.credential=local",
            "jclouds.filesystem.basedir=" + base.resolve("store"),
            ""));
    Path log = Files.createDirectories(Path.of("target")).resolve("s3proxy-bench.log");
    Process process =
        new ProcessBuilder("java", "-jar", jar.toString(), "--properties", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    S3ProxyServer server = new S3ProxyServer(process, endpoint);
    long t0 = System.nanoTime();
    server.awaitHttp(log);
    System.out.printf("s3proxy: up on %s in %.1f s (log %s)%n", endpoint, StatusBench.secs(t0), log);
    return server;
  }

  private void awaitHttp(Path log) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/")).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("s3proxy exited " + process.exitValue() + "; see " + log);
      }
      try {
        http.send(request, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    close();
    throw new AssertionError("s3proxy did not answer within 120 s; see " + log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
