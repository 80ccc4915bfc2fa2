package dev.neons3backup.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * A stand-in for Amazon SNS on loopback, built from the public API reference: the Query protocol
 * ({@code POST /}, form-encoded {@code Action=Publish&TopicArn=…&Message=…&Subject=…&Version=
 * 2010-03-31}) answered with the documented XML ({@code PublishResponse/PublishResult/MessageId}
 * and {@code ResponseMetadata/RequestId}). It records every published message. A topic must be
 * created first ({@link #topic}); publishing to any other ARN gets the service's {@code NotFound}
 * error, and another action {@code InvalidAction}.
 */
public final class SnsEmulator implements AutoCloseable {
  private static final String NS = "https://sns.amazonaws.com/doc/2010-03-31/";
  private static final Charset UTF8 = StandardCharsets.UTF_8;

  /** One published message, as SNS received it. */
  public record Published(String topicArn, String subject, String message, String messageId) {}

  private final HttpServer server;
  private final Set<String> topics = ConcurrentHashMap.newKeySet();
  private final List<Published> published = new CopyOnWriteArrayList<>();

  private SnsEmulator() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public static SnsEmulator start() {
    try {
      return new SnsEmulator();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the SNS emulator", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Creates a topic and returns its ARN. */
  public String topic(String name) {
    String arn = "arn:aws:sns:" + AwsTestCredentials.REGION.id() + ":123456789012:" + name;
    topics.add(arn);
    return arn;
  }

  public List<Published> published() {
    return List.copyOf(published);
  }

  /** A real SDK client pointed here. */
  public SnsClient client() {
    return SnsClient.builder()
        .endpointOverride(endpoint())
        .region(AwsTestCredentials.REGION)
        .credentialsProvider(AwsTestCredentials.provider())
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), UTF8));
      if (!"POST".equals(ex.getRequestMethod()) || !"Publish".equals(form.get("Action"))) {
        error(ex, 400, "InvalidAction", "The action or operation requested is invalid.");
        return;
      }
      String arn = form.get("TopicArn");
      String message = form.get("Message");
      if (message == null || message.isEmpty()) {
        error(ex, 400, "InvalidParameter", "Invalid parameter: Empty message");
        return;
      }
      if (arn == null || !topics.contains(arn)) {
        error(ex, 404, "NotFound", "Topic does not exist");
        return;
      }
      String id = UUID.randomUUID().toString();
      published.add(new Published(arn, form.get("Subject"), message, id));
      respond(
          ex,
          200,
          "<PublishResponse xmlns=\""
              + NS
              + "\"><PublishResult><MessageId>"
              + id
              + "</MessageId></PublishResult><ResponseMetadata><RequestId>"
              + UUID.randomUUID()
              + "</RequestId></ResponseMetadata></PublishResponse>");
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(URLDecoder.decode(key, UTF8), URLDecoder.decode(value, UTF8));
    }
    return out;
  }

  private static void error(HttpExchange ex, int status, String code, String message)
      throws IOException {
    String type = status >= 500 ? "Receiver" : "Sender";
    respond(
        ex,
        status,
        "<ErrorResponse xmlns=\""
            + NS
            + "\"><Error><Type>"
            + type
            + "</Type><Code>"
            + code
            + "</Code><Message>"
            + message
            + "</Message></Error><RequestId>"
            + UUID.randomUUID()
            + "</RequestId></ErrorResponse>");
  }

  private static void respond(HttpExchange ex, int status, String xml) throws IOException {
    byte[] body = xml.getBytes(UTF8);
    ex.getResponseHeaders().set("Content-Type", "text/xml");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
