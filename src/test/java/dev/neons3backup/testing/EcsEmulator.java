package dev.neons3backup.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsClientBuilder;

/**
 * A loopback stand-in for Amazon ECS's {@code RunTask}, built from the public API description (ECS
 * API Reference, RunTask; AWS JSON 1.1: {@code POST /}, {@code X-Amz-Target:
 * AmazonEC2ContainerServiceV20141113.RunTask}, {@code Content-Type: application/x-amz-json-1.1}).
 * Errors are {@code {"__type": ..., "message": ...}} with status 400.
 *
 * <p>It records every request (headers and body), checks what ECS checks for a Fargate task (a task
 * definition, awsvpc subnets, a clientToken of at most 64 ASCII characters 33-126), and answers
 * with one PROVISIONING task, or with a {@code failures} entry after {@link #failWith}. A
 * clientToken is idempotent per cluster as the API reference describes: the same token with the
 * same request returns the first answer and starts nothing; with a different request it is a {@code
 * ConflictException}. A token is kept only when a task was started.
 */
public final class EcsEmulator implements AutoCloseable {
  public static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final String ACCOUNT = "123456789012";
  private static final String REGION = "us-east-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as it arrived. */
  public record Recorded(String target, Map<String, List<String>> headers, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON: " + body, e);
      }
    }

    /** Every header and the body, for checking that something appears nowhere. */
    public String all() {
      return headers + "\n" + body;
    }
  }

  /** A RunTask answered earlier for a token: the request it came with and the answer. */
  private record Kept(JsonNode request, String response) {}

  private record Answer(int status, String body) {}

  private record Failure(String reason, String detail) {}

  private final HttpServer server;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final List<String> started = new CopyOnWriteArrayList<>();
  private final Map<String, Kept> tokens = new ConcurrentHashMap<>();
  private volatile Optional<Failure> failure = Optional.empty();

  public EcsEmulator() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "ecs-emulator");
              t.setDaemon(true);
              return t;
            }));
    server.createContext("/", this::serve);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A builder for a real client pointed here: us-east-1, dummy credentials. */
  public EcsClientBuilder clientBuilder() {
    return EcsClient.builder()
        .endpointOverride(endpoint())
        .region(AwsTestCredentials.REGION)
        .credentialsProvider(AwsTestCredentials.provider())
        .httpClientBuilder(ApacheHttpClient.builder());
  }

  /**
   * From now on RunTask starts nothing and answers {@code failures: [{arn, reason, detail}]}, as
   * ECS does when Fargate has no capacity; {@code null} reason to start tasks again.
   */
  public void failWith(String reason, String detail) {
    failure = reason == null ? Optional.empty() : Optional.of(new Failure(reason, detail));
  }

  public List<Recorded> requests() {
    return List.copyOf(requests);
  }

  /** The ARNs of the tasks started, in order. */
  public List<String> startedTasks() {
    return List.copyOf(started);
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String target =
          Optional.ofNullable(ex.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
      requests.add(new Recorded(target, Map.copyOf(ex.getRequestHeaders()), body));
      Answer answer = answer(ex, target, body);
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
      ex.sendResponseHeaders(answer.status(), bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private Answer answer(HttpExchange ex, String target, String body) {
    if (!"POST".equals(ex.getRequestMethod())
        || !CONTENT_TYPE.equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
      return error("SerializationException", "expected POST with " + CONTENT_TYPE);
    }
    if (!target.equals(TARGET_PREFIX + "RunTask")) {
      return error("UnknownOperationException", "this stand-in answers RunTask only: " + target);
    }
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (IOException e) {
      return error("SerializationException", "the body is not JSON");
    }
    return runTask(request);
  }

  private synchronized Answer runTask(JsonNode request) {
    Optional<String> invalid = invalid(request);
    if (invalid.isPresent()) {
      return error("InvalidParameterException", invalid.get());
    }
    String cluster = clusterName(request.path("cluster").asText("default"));
    String token = request.path("clientToken").asText("");
    Kept kept = token.isEmpty() ? null : tokens.get(cluster + "\n" + token);
    if (kept != null) {
      return kept.request().equals(request)
          ? new Answer(200, kept.response())
          : error(
              "ConflictException",
              "The specified client token has already been used in another request.");
    }
    if (failure.isPresent()) {
      return new Answer(200, failed(cluster, failure.get()).toString());
    }
    String response = started(cluster, request).toString();
    if (!token.isEmpty()) {
      tokens.put(cluster + "\n" + token, new Kept(request, response));
    }
    return new Answer(200, response);
  }

  /** What ECS refuses before starting anything (RunTask's parameter constraints). */
  private static Optional<String> invalid(JsonNode request) {
    if (!request.path("taskDefinition").isTextual()) {
      return Optional.of("taskDefinition is required.");
    }
    JsonNode subnets = request.path("networkConfiguration").path("awsvpcConfiguration");
    if ("FARGATE".equals(request.path("launchType").asText())
        && (!subnets.path("subnets").isArray() || subnets.path("subnets").isEmpty())) {
      return Optional.of(
          "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    }
    String token = request.path("clientToken").asText("");
    if (token.length() > 64 || !token.chars().allMatch(c -> c >= 33 && c <= 126)) {
      return Optional.of("clientToken must be at most 64 ASCII characters 33-126.");
    }
    return Optional.empty();
  }

  private ObjectNode started(String cluster, JsonNode request) {
    String taskArn =
        "arn:aws:ecs:"
            + REGION
            + ":"
            + ACCOUNT
            + ":task/"
            + cluster
            + "/"
            + UUID.randomUUID().toString().replace("-", "");
    started.add(taskArn);
    ObjectNode root = JSON.createObjectNode();
    ObjectNode task = root.putArray("tasks").addObject();
    task.put("taskArn", taskArn);
    task.put("clusterArn", clusterArn(cluster));
    task.put("taskDefinitionArn", taskDefinitionArn(request.path("taskDefinition").asText()));
    task.put("lastStatus", "PROVISIONING");
    task.put("desiredStatus", "RUNNING");
    task.put("launchType", request.path("launchType").asText("EC2"));
    task.put("createdAt", Instant.now().toEpochMilli() / 1000.0);
    if (request.has("startedBy")) {
      task.put("startedBy", request.path("startedBy").asText());
    }
    task.set("overrides", request.path("overrides").deepCopy());
    ArrayNode containers = task.putArray("containers");
    for (JsonNode c : request.path("overrides").path("containerOverrides")) {
      ObjectNode container = containers.addObject();
      container.put("name", c.path("name").asText());
      container.put("taskArn", taskArn);
      container.put("lastStatus", "PENDING");
    }
    root.putArray("failures");
    return root;
  }

  private static ObjectNode failed(String cluster, Failure failure) {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("tasks");
    ObjectNode f = root.putArray("failures").addObject();
    f.put("arn", clusterArn(cluster));
    f.put("reason", failure.reason());
    if (failure.detail() != null) {
      f.put("detail", failure.detail());
    }
    return root;
  }

  private static String clusterName(String cluster) {
    return cluster.substring(cluster.lastIndexOf('/') + 1);
  }

  private static String clusterArn(String name) {
    return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + name;
  }

  private static String taskDefinitionArn(String taskDefinition) {
    if (taskDefinition.startsWith("arn:")) {
      return taskDefinition;
    }
    String withRevision = taskDefinition.contains(":") ? taskDefinition : taskDefinition + ":1";
    return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task-definition/" + withRevision;
  }

  private static Answer error(String type, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("__type", type);
    body.put("message", message);
    return new Answer(400, body.toString());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
