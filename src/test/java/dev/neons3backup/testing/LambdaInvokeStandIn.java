package dev.neons3backup.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in for Lambda's Invoke API (REST-JSON, {@code POST
 * /2015-03-31/functions/{FunctionName}/invocations}), asynchronous invocations only: with {@code
 * X-Amz-Invocation-Type: Event} it answers 202 with an empty body at once and hands the payload to
 * the function afterwards, one event at a time in arrival order, as Lambda's internal queue does.
 * {@link #refuse} makes it answer as Lambda does to a caller without {@code lambda:InvokeFunction}
 * (403, {@code AccessDeniedException}).
 */
public final class LambdaInvokeStandIn implements AutoCloseable {
  private static final Pattern PATH = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");

  /** One accepted invocation. */
  public record Accepted(String functionName, String payload) {}

  private final HttpServer server;
  private final ExecutorService function = Executors.newSingleThreadExecutor();
  private final Consumer<String> handler;
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private volatile boolean refuse;

  private LambdaInvokeStandIn(Consumer<String> handler) throws IOException {
    this.handler = handler;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
  }

  /**
   * @param handler runs the function with one event's payload (on the stand-in's own thread)
   */
  public static LambdaInvokeStandIn start(Consumer<String> handler) {
    try {
      return new LambdaInvokeStandIn(handler);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the Lambda Invoke stand-in", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** From now on, answer every invocation with 403 AccessDeniedException. */
  public void refuse() {
    refuse = true;
  }

  public List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  /** Waits until every accepted event was handled (and handlers queued meanwhile too). */
  public void awaitIdle() throws InterruptedException {
    while (true) {
      int before = accepted.size();
      try {
        function.submit(() -> {}).get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e);
      }
      if (accepted.size() == before) {
        return;
      }
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
      if (!"POST".equals(exchange.getRequestMethod()) || !m.matches()) {
        error(exchange, 404, "ResourceNotFoundException", "no such route");
        return;
      }
      if (refuse) {
        error(
            exchange,
            403,
            "AccessDeniedException",
            "User is not authorized to perform: lambda:InvokeFunction on resource: " + m.group(1));
        return;
      }
      String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
      if (!"Event".equals(type)) {
        error(exchange, 400, "InvalidParameterValueException", "only Event is emulated");
        return;
      }
      String payload = new String(body, StandardCharsets.UTF_8);
      accepted.add(new Accepted(m.group(1), payload));
      function.submit(() -> handler.accept(payload));
      exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
      exchange.sendResponseHeaders(202, -1);
    }
  }

  private static void error(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    byte[] json =
        ("{\"Type\":\"User\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
    exchange.sendResponseHeaders(status, json.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(json);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    function.shutdownNow();
    try {
      function.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
