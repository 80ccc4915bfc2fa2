package dev.neons3backup.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy in front of a real S3 server that answers {@code GetObject} of keys ending
 * in a suffix with 403 AccessDenied, as S3 does when a bucket policy or a key policy refuses the
 * reader, and forwards every other request (listing, manifests) unchanged.
 */
public final class ForbiddingS3 implements AutoCloseable {
  private static final Set<String> HOP_HEADERS =
      Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");
  private static final byte[] DENIED =
      ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
              + "<Message>Access Denied</Message></Error>")
          .getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final URI target;
  private final String suffix;
  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicInteger refused = new AtomicInteger();

  private ForbiddingS3(URI target, String suffix) throws IOException {
    this.target = target;
    this.suffix = suffix;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  public static ForbiddingS3 to(URI target, String suffix) {
    try {
      return new ForbiddingS3(target, suffix);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the proxy", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** How many requests were answered 403. */
  public int refused() {
    return refused.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      URI uri = ex.getRequestURI();
      if (ex.getRequestMethod().equals("GET")
          && uri.getRawQuery() == null
          && uri.getPath().endsWith(suffix)) {
        refused.incrementAndGet();
        ex.getResponseHeaders().add("Content-Type", "application/xml");
        ex.sendResponseHeaders(403, DENIED.length);
        ex.getResponseBody().write(DENIED);
        return;
      }
      forward(ex);
    }
  }

  private void forward(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    HttpRequest.Builder req =
        HttpRequest.newBuilder(target.resolve(ex.getRequestURI().toString()))
            .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
      if (!HOP_HEADERS.contains(h.getKey().toLowerCase())) {
        h.getValue().forEach(v -> req.header(h.getKey(), v));
      }
    }
    HttpResponse<InputStream> resp;
    try {
      resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    resp.headers()
        .map()
        .forEach(
            (k, v) -> {
              if (!HOP_HEADERS.contains(k.toLowerCase()) && !k.startsWith(":")) {
                v.forEach(value -> ex.getResponseHeaders().add(k, value));
              }
            });
    try (InputStream in = resp.body()) {
      byte[] bytes = in.readAllBytes();
      boolean head = ex.getRequestMethod().equals("HEAD");
      ex.sendResponseHeaders(resp.statusCode(), head || bytes.length == 0 ? -1 : bytes.length);
      if (!head) {
        OutputStream out = ex.getResponseBody();
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
