package dev.neons3backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Adobe S3Mock 5.0.0 run from its executable jar as a child JVM on a free loopback port (HTTP,
 * path-style). Its data root is a temporary directory kept across {@link #restart()}; the child's
 * output goes to a log file under target/test-servers/.
 *
 * <p>Known S3Mock 5.0.0 behaviour tests must work around: aborting a multipart upload also deletes
 * an existing object with the same key. And its HTTP connector listens on all interfaces (only the
 * HTTPS one honours server.address); clients always use 127.0.0.1.
 */
public final class S3MockServer {
  /**
   * Created at every start. S3Mock needs at least one initial bucket for a restart on a retained
   * root: without one it stores an unnamed bucket in the root itself and then answers every request
   * with 500 after a restart.
   */
  public static final String DEFAULT_BUCKET = "neon-s3-backup-it";

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static volatile S3MockServer shared;

  private final Path jar;
  private final Path root;
  private final Path logFile;
  private final int port;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile Process process;

  private S3MockServer(Path jar, Path root, int port) {
    this.jar = jar;
    this.root = root;
    this.port = port;
    this.logFile = TestEnv.serverLogDir().resolve("s3mock-" + port + ".log");
  }

  /** The instance shared by all tests of this JVM; do not kill it, use {@link #startNew()}. */
  public static S3MockServer shared() {
    S3MockServer server = shared;
    if (server == null) {
      synchronized (S3MockServer.class) {
        if (shared == null) {
          shared = startNew();
        }
        server = shared;
      }
    }
    return server;
  }

  /** A server of the caller's own, e.g. to kill it; stopped by a shutdown hook at the latest. */
  public static S3MockServer startNew() {
    Path jar = Path.of(System.getProperty("s3mock.jar", "target/test-servers/s3mock-exec.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          "S3Mock jar " + jar.toAbsolutePath() + " is missing; run mvn test-compile first");
    }
    Orphans.reap();
    Path root;
    try {
      root = Files.createTempDirectory("neon-s3-backup-s3mock-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a data root for S3Mock", e);
    }
    for (int attempt = 1; ; attempt++) {
      S3MockServer server = new S3MockServer(jar.toAbsolutePath(), root, TestEnv.freePort());
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "stop-s3mock-" + server.port));
      try {
        server.start();
        return server;
      } catch (AssertionError e) {
        boolean portTaken = TestEnv.tail(server.logFile, 20_000).contains("already in use");
        if (attempt >= 3 || !portTaken) {
          server.stop();
          throw e;
        }
        server.kill(); // keeps the root for the next attempt
      }
    }
  }

  /** {@code http://127.0.0.1:PORT}; unchanged by {@link #restart()}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Where S3Mock keeps its buckets (one folder each); bench/status seeds a stopped server here. */
  public Path root() {
    return root;
  }

  public Path logFile() {
    return logFile;
  }

  /** A builder for a real S3 client pointed here: path-style, us-east-1, dummy credentials. */
  public S3ClientBuilder clientBuilder() {
    return S3Client.builder()
        .endpointOverride(endpoint())
        .forcePathStyle(true)
        .region(AwsTestCredentials.REGION)
        .credentialsProvider(AwsTestCredentials.provider())
        .httpClientBuilder(ApacheHttpClient.builder());
  }

  /** A new client; the caller closes it. */
  public S3Client client() {
    return clientBuilder().build();
  }

  public void createBucket(String bucket) {
    try (S3Client s3 = client()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  /** Kills the server at once (SIGKILL), as if S3 went away mid-request; files are kept. */
  public void kill() {
    Process current = process;
    if (current == null) {
      return;
    }
    current.destroyForcibly();
    try {
      if (!current.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("S3Mock (pid " + current.pid() + ") survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while killing S3Mock", e);
    }
    Orphans.unregister(current.pid());
  }

  /** Kills the server if running and starts it again on the same port and data root. */
  public void restart() {
    if (stopped.get()) {
      throw new IllegalStateException("S3Mock on port " + port + " was stopped for good");
    }
    kill();
    start();
  }

  public boolean isAlive() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /** Kills the server and deletes its data root. */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    try {
      kill();
    } catch (RuntimeException | AssertionError e) {
      System.err.println("could not stop S3Mock on port " + port + ": " + e);
    } finally {
      TestEnv.deleteTree(root);
    }
  }

  private void start() {
    long started = System.nanoTime();
    List<String> argv =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-Xmx512m",
            "-jar",
            jar.toString(),
            "--com.adobe.testing.s3mock.httpPort=" + port,
            "--server.port=0", // the HTTPS connector: any free port, loopback only
            "--server.address=127.0.0.1",
            "--com.adobe.testing.s3mock.store.root=" + root,
            "--com.adobe.testing.s3mock.store.retain-files-on-exit=true",
            "--com.adobe.testing.s3mock.store.initial-buckets=" + DEFAULT_BUCKET,
            "--spring.main.banner-mode=off");
    try {
      process =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(logFile.toFile()))
              .redirectInput(Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + argv, e);
    }
    Orphans.register(process.pid(), root.toString(), root);
    awaitHttp();
    System.out.printf(
        "S3Mock started on %s in %d ms, log %s%n",
        endpoint(), (System.nanoTime() - started) / 1_000_000, logFile);
  }

  /** Waits for ListBuckets to answer 200 (which also creates the initial bucket). */
  private void awaitHttp() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request =
        HttpRequest.newBuilder(endpoint().resolve("/")).timeout(Duration.ofSeconds(5)).build();
    Waits.until(
        "S3Mock to answer on " + endpoint() + " (log " + logFile + ")",
        STARTUP_TIMEOUT,
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError(
                "S3Mock exited with "
                    + process.exitValue()
                    + " during startup; log "
                    + logFile
                    + ":\n"
                    + TestEnv.tail(logFile, 4000));
          }
          try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 ? Optional.of(status) : Optional.empty();
          } catch (IOException e) {
            return Optional.empty();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for S3Mock", e);
          }
        });
  }
}
