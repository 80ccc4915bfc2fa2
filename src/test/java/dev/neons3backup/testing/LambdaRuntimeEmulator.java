package dev.neons3backup.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda Runtime API (version 2018-06-01) on a free loopback port: what the Lambda service
 * offers a function's runtime client inside the execution environment. A test queues an event with
 * {@link #invoke}; the runtime in the child JVM ({@link LambdaProcess}) long-polls {@code GET
 * /runtime/invocation/next}, runs the handler and posts to {@code
 * /runtime/invocation/{id}/response} or {@code /error}; a handler that cannot even be loaded posts
 * {@code /runtime/init/error}.
 *
 * <p>Like Lambda, the emulator enforces the deadline it sends in {@code
 * Lambda-Runtime-Deadline-Ms}: an invocation still running then is reported as {@link
 * Kind#TIMED_OUT} and the attached runtime process is killed (Lambda resets the execution
 * environment the same way).
 */
public final class LambdaRuntimeEmulator implements AutoCloseable {
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT = "123456789012";
  public static final String DEFAULT_FUNCTION_NAME = "neon-s3-backup-it";

  /** Lambda refuses synchronous responses over 6 MB with 413; so does the emulator. */
  static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

  private static final String PREFIX = "/2018-06-01/runtime/";
  private static final Pattern INVOCATION_POST =
      Pattern.compile("invocation/([^/]+)/(response|error)");
  private static final long POLL_MILLIS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService threads;
  private final String functionName;
  private final LinkedBlockingDeque<Pending> queue = new LinkedBlockingDeque<>();
  private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger nextRequests = new AtomicInteger();
  private volatile boolean closed;
  private volatile String initError;
  private volatile Attached attached;

  /** What became of one invocation. */
  public enum Kind {
    /** The handler returned; {@link Invocation#body()} is its serialized result. */
    RESPONSE,
    /** The handler threw; the body is the runtime's {errorMessage, errorType, stackTrace}. */
    ERROR,
    /** The runtime could not load the handler and reported {@code /runtime/init/error}. */
    INIT_ERROR,
    /** The deadline passed first; the runtime process was killed. */
    TIMED_OUT
  }

  /**
   * The outcome of one invocation, as the runtime reported it.
   *
   * @param functionErrorType the {@code Lambda-Runtime-Function-Error-Type} header of an error
   *     report (e.g. {@code Runtime.UserException}); empty otherwise
   * @param elapsed from queueing the event to the runtime's report
   */
  public record Invocation(
      String requestId, Kind kind, String body, String functionErrorType, Duration elapsed) {

    public boolean succeeded() {
      return kind == Kind.RESPONSE;
    }

    /** The body parsed as JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("the runtime's report is not JSON: " + body, e);
      }
    }

    /** {@code errorType} of an error report; empty for a response. */
    public String errorType() {
      return succeeded() ? "" : json().path("errorType").asText("");
    }

    /** {@code errorMessage} of an error report; empty for a response. */
    public String errorMessage() {
      return succeeded() ? "" : json().path("errorMessage").asText("");
    }
  }

  private record Attached(Process process, Supplier<String> diagnostics) {}

  private static final class Pending {
    final String requestId = UUID.randomUUID().toString();
    final byte[] event;
    final long deadlineEpochMillis;
    final long queuedNanos = System.nanoTime();
    final CompletableFuture<Invocation> result = new CompletableFuture<>();
    volatile boolean delivered;

    Pending(byte[] event, long deadlineEpochMillis) {
      this.event = event;
      this.deadlineEpochMillis = deadlineEpochMillis;
    }

    Invocation complete(Kind kind, String body, String errorType) {
      Invocation invocation =
          new Invocation(
              requestId, kind, body, errorType, Duration.ofNanos(System.nanoTime() - queuedNanos));
      result.complete(invocation);
      return result.join();
    }
  }

  private LambdaRuntimeEmulator(HttpServer server, ExecutorService threads, String functionName) {
    this.server = server;
    this.threads = threads;
    this.functionName = functionName;
  }

  /** Starts the API on 127.0.0.1 and a free port, for {@link #DEFAULT_FUNCTION_NAME}. */
  public static LambdaRuntimeEmulator start() {
    return start(DEFAULT_FUNCTION_NAME);
  }

  /**
   * Starts the API on 127.0.0.1 and a free port for a function of that name (it appears in the
   * invoked function ARN and, through {@link LambdaProcess}, in {@code AWS_LAMBDA_FUNCTION_NAME}).
   */
  public static LambdaRuntimeEmulator start(String functionName) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("could not bind the Lambda runtime API on loopback", e);
    }
    // One thread per connection: GET /next blocks until there is work, like the real API.
    ExecutorService threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "lambda-runtime-api");
              t.setDaemon(true);
              return t;
            });
    LambdaRuntimeEmulator emulator = new LambdaRuntimeEmulator(server, threads, functionName);
    server.setExecutor(threads);
    server.createContext(PREFIX, emulator::handle);
    server.start();
    return emulator;
  }

  /** {@code 127.0.0.1:PORT}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  public String functionName() {
    return functionName;
  }

  /** The ARN sent as {@code Lambda-Runtime-Invoked-Function-Arn}. */
  public String functionArn() {
    return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + functionName;
  }

  /** How many times a runtime asked for work so far. */
  public int nextRequests() {
    return nextRequests.get();
  }

  /** The body of the runtime's {@code /runtime/init/error} report, if it made one. */
  public Optional<String> initError() {
    return Optional.ofNullable(initError);
  }

  /**
   * Waits until a runtime asks for work for the first time: the function's init phase is over.
   * Fails when the attached process dies, reports an init error, or {@code timeout} passes.
   */
  public void awaitReady(Duration timeout) {
    Waits.until(
        "the Lambda runtime to ask for work (GET /runtime/invocation/next) on " + address(),
        timeout,
        () -> {
          if (initError != null) {
            throw new AssertionError("the runtime reported an init error: " + initError);
          }
          failIfDead("before asking for work", null);
          return nextRequests.get() > 0;
        });
  }

  /**
   * Hands {@code eventJson} to the runtime as the next invocation and waits for its report.
   *
   * @param timeout how long the test waits; an {@link AssertionError} when it passes, naming the
   *     stage that did not happen (never asked for work, or never answered)
   * @param deadline the function's timeout: sent as {@code Lambda-Runtime-Deadline-Ms} and
   *     enforced, so that {@code Context.getRemainingTimeInMillis()} is real
   * @return the report; {@link Kind#INIT_ERROR} when the runtime could not load the handler
   */
  public Invocation invoke(String eventJson, Duration timeout, Duration deadline) {
    if (closed) {
      throw new IllegalStateException("the Lambda runtime API on " + address() + " is closed");
    }
    Pending pending =
        new Pending(
            eventJson.getBytes(StandardCharsets.UTF_8),
            System.currentTimeMillis() + deadline.toMillis());
    queue.add(pending);
    long waitEnd = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        Optional<Invocation> done = poll(pending);
        if (done.isPresent()) {
          return done.get();
        }
        if (initError != null) {
          return pending.complete(Kind.INIT_ERROR, initError, "");
        }
        if (System.currentTimeMillis() >= pending.deadlineEpochMillis) {
          killAttached();
          return pending.complete(Kind.TIMED_OUT, timedOutBody(deadline), "");
        }
        String stage =
            pending.delivered
                ? "running invocation " + pending.requestId
                : "before asking for invocation " + pending.requestId;
        failIfDead(stage, pending.result);
        if (System.nanoTime() - waitEnd > 0) {
          throw new AssertionError(
              (pending.delivered
                      ? "the Lambda runtime did not answer invocation " + pending.requestId
                      : "the Lambda runtime never asked for invocation "
                          + pending.requestId
                          + " (GET /runtime/invocation/next was called "
                          + nextRequests.get()
                          + " times)")
                  + " within "
                  + timeout.toSeconds()
                  + " s"
                  + diagnostics());
        }
      }
    } finally {
      queue.remove(pending);
      inFlight.remove(pending.requestId);
    }
  }

  /** Stops the server; a runtime still polling gets its connection closed. */
  @Override
  public void close() {
    closed = true;
    server.stop(0);
    threads.shutdownNow();
  }

  /** Lets {@link #invoke} notice at once when the runtime process dies, and say why. */
  void attach(Process process, Supplier<String> diagnostics) {
    attached = new Attached(process, diagnostics);
  }

  void detach(Process process) {
    Attached current = attached;
    if (current != null && current.process() == process) {
      attached = null;
    }
  }

  private Optional<Invocation> poll(Pending pending) {
    try {
      return Optional.of(pending.result.get(POLL_MILLIS, TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the Lambda runtime", e);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
  }

  /**
   * Fails when the attached runtime has exited, unless {@code report} is complete by then: a
   * runtime that reports an error it cannot survive (OutOfMemoryError) posts the report first, then
   * exits.
   */
  private void failIfDead(String stage, CompletableFuture<?> report) {
    Attached current = attached;
    if (current != null && !current.process().isAlive()) {
      if (report != null && report.isDone()) {
        return; // the next poll returns it
      }
      throw new AssertionError(
          "the Lambda runtime process (pid "
              + current.process().pid()
              + ") exited with code "
              + current.process().exitValue()
              + " "
              + stage
              + diagnostics());
    }
  }

  private void killAttached() {
    Attached current = attached;
    if (current != null) {
      current.process().destroyForcibly();
    }
  }

  private String diagnostics() {
    Attached current = attached;
    return current == null ? "" : "\n" + current.diagnostics().get();
  }

  private static String timedOutBody(Duration deadline) {
    return "{\"errorMessage\":\"Task timed out after "
        + String.format("%.2f", deadline.toMillis() / 1000.0)
        + " seconds\",\"errorType\":\"Sandbox.Timedout\"}";
  }

  // ---- the HTTP side ----

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
      String method = exchange.getRequestMethod();
      Matcher post = INVOCATION_POST.matcher(path);
      if (method.equals("GET") && path.equals("invocation/next")) {
        next(exchange);
      } else if (method.equals("POST") && post.matches()) {
        report(exchange, post.group(1), post.group(2).equals("response"));
      } else if (method.equals("POST") && path.equals("init/error")) {
        String body = body(exchange, MAX_RESPONSE_BYTES);
        initError = body == null ? "(an init error report over 6 MB)" : body;
        reply(exchange, 202, "{\"status\":\"OK\"}");
      } else {
        reply(exchange, 404, error("no such resource: " + method + " " + path, "NotFound"));
      }
    }
  }

  /** Blocks until an event is queued, then hands it out with the documented headers. */
  private void next(HttpExchange exchange) throws IOException {
    nextRequests.incrementAndGet();
    Attached owner = attached;
    Pending pending = null;
    while (pending == null) {
      if (closed || (owner != null && !owner.process().isAlive())) {
        reply(exchange, 500, error("the runtime API is shutting down", "ServiceException"));
        return;
      }
      try {
        pending = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    inFlight.put(pending.requestId, pending);
    pending.delivered = true;
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "application/json");
    headers.set("Lambda-Runtime-Aws-Request-Id", pending.requestId);
    headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(pending.deadlineEpochMillis));
    headers.set("Lambda-Runtime-Invoked-Function-Arn", functionArn());
    headers.set("Lambda-Runtime-Trace-Id", traceId());
    try {
      exchange.sendResponseHeaders(200, pending.event.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(pending.event);
      }
    } catch (IOException e) {
      // The poller went away (a runtime that died): the event goes back for the next one.
      inFlight.remove(pending.requestId);
      pending.delivered = false;
      queue.offerFirst(pending);
      throw e;
    }
  }

  private void report(HttpExchange exchange, String requestId, boolean success) throws IOException {
    Pending pending = inFlight.remove(requestId);
    if (pending == null) {
      reply(exchange, 400, error("Invalid request ID: " + requestId, "InvalidRequestID"));
      return;
    }
    String body = body(exchange, MAX_RESPONSE_BYTES);
    if (body == null) {
      pending.complete(
          Kind.ERROR,
          error(
              "Response payload size exceeded maximum allowed payload size",
              "Function.ResponseSizeTooLarge"),
          "");
      reply(
          exchange,
          413,
          error("payload over " + MAX_RESPONSE_BYTES + " bytes", "RequestEntityTooLarge"));
      return;
    }
    String errorType = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
    pending.complete(
        success ? Kind.RESPONSE : Kind.ERROR, body, errorType == null ? "" : errorType);
    reply(exchange, 202, "{\"status\":\"OK\"}");
  }

  /** The request body, or null when it is longer than {@code max} bytes. */
  private static String body(HttpExchange exchange, int max) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(max + 1);
      if (bytes.length > max) {
        in.transferTo(OutputStream.nullOutputStream());
        return null;
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String error(String message, String type) {
    return JSON.createObjectNode().put("errorMessage", message).put("errorType", type).toString();
  }

  /** An X-Ray trace header: Root=1-{epoch seconds hex}-{96 random bits hex};Parent=...;Sampled=0 */
  private static String traceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    HexFormat hex = HexFormat.of();
    byte[] root = new byte[12];
    byte[] parent = new byte[8];
    random.nextBytes(root);
    random.nextBytes(parent);
    return "Root=1-"
        + Long.toHexString(System.currentTimeMillis() / 1000)
        + "-"
        + hex.formatHex(root)
        + ";Parent="
        + hex.formatHex(parent)
        + ";Sampled=0";
  }
}
