package dev.neons3backup.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.neons3backup.lambda.BackupHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one backup the way the Lambda runtime would: {@code new BackupHandler()} (configuration from
 * the environment) and {@code handleRequest(event, context)} with a scheduled event whose {@code
 * time} is given, so every round writes a new key.
 *
 * <p>Secrets Manager is a JDK HttpServer on the port of {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}
 * answering GetSecretValue with {@code BENCH_SECRET_STRING}: a few hundred KiB of heap at most, so
 * it does not distort the process's RSS the way an in-process WireMock would.
 *
 * <p>Usage: {@code BenchLauncher EVENT_JSON_FILE ISO_TIME}. Prints one line {@code BENCH_RESULT
 * {json}} with the handler's response and the handler's own duration; exits 1 if the handler threw.
 */
public final class BenchLauncher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchLauncher() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: BenchLauncher EVENT_JSON_FILE ISO_TIME");
      System.exit(2);
    }
    HttpServer secrets = startSecretsStub(System.getenv("BENCH_SECRET_STRING"));
    int status = 0;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> event = JSON.readValue(Path.of(args[0]).toFile(), Map.class);
      event.put("time", args[1]);
      long start = System.nanoTime();
      Map<String, Object> response = new BackupHandler().handleRequest(event, new BenchContext());
      Map<String, Object> out = new LinkedHashMap<>(response);
      out.put("handlerMillis", (System.nanoTime() - start) / 1_000_000);
      System.out.println("BENCH_RESULT " + JSON.writeValueAsString(out));
    } catch (RuntimeException e) {
      System.err.println("backup failed: " + e.getMessage());
      status = 1;
    } finally {
      secrets.stop(0);
    }
    System.out.flush();
    System.exit(status);
  }

  private static HttpServer startSecretsStub(String secretString) throws IOException {
    if (secretString == null || secretString.isBlank()) {
      throw new IllegalStateException("BENCH_SECRET_STRING is not set");
    }
    URI endpoint = URI.create(System.getenv("AWS_ENDPOINT_URL_SECRETS_MANAGER"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench");
    body.put("Name", "bench");
    body.put("SecretString", secretString);
    body.put("VersionId", "v1");
    body.put("CreatedDate", 1700000000);
    byte[] answer = JSON.writeValueAsBytes(body);
    HttpServer server =
        HttpServer.create(new InetSocketAddress("127.0.0.1", endpoint.getPort()), 0);
    server.createContext("/", exchange -> answer(exchange, answer));
    server.start();
    return server;
  }

  private static void answer(HttpExchange exchange, byte[] answer) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      boolean ok =
          "POST".equals(exchange.getRequestMethod())
              && "secretsmanager.GetSecretValue".equals(target);
      byte[] body =
          ok ? answer : "{\"__type\":\"InvalidRequestException\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
      exchange.sendResponseHeaders(ok ? 200 : 400, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /** The invocation context: a 15-minute Lambda with 2048 MB, as the benchmark models. */
  private static final class BenchContext implements Context {
    private final long deadline = System.currentTimeMillis() + 15 * 60 * 1000;

    @Override
    public String getAwsRequestId() {
      return "bench-" + ProcessHandle.current().pid();
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/neon-db-backup";
    }

    @Override
    public String getLogStreamName() {
      return "bench";
    }

    @Override
    public String getFunctionName() {
      return "neon-db-backup";
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:us-east-1:123456789012:function:neon-db-backup";
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return (int) Math.max(0, deadline - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
      return 2048;
    }

    @Override
    public LambdaLogger getLogger() {
      return null;
    }
  }
}
