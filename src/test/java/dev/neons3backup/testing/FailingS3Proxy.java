package dev.neons3backup.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback HTTP proxy in front of a real S3 server that answers chosen requests with 503 Service
 * Unavailable, as S3 does when it sheds load, and forwards every other request unchanged. It reads
 * each request's head to decide, and asks the server to close the connection after each forwarded
 * request, so every request arrives on a connection of its own and is seen whole.
 */
public final class FailingS3Proxy implements AutoCloseable {
  private static final byte[] SLOW_DOWN =
      ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>ServiceUnavailable</Code>"
              + "<Message>injected by the test</Message></Error>")
          .getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final URI target;
  private final AtomicInteger failed = new AtomicInteger();
  private volatile Predicate<String> failing = requestLine -> false;

  private FailingS3Proxy(URI target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon(this::accept, "failing-s3-proxy").start();
  }

  public static FailingS3Proxy to(URI target) {
    try {
      return new FailingS3Proxy(target);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the proxy", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Answers 503 to PUTs whose path contains {@code text} (URL-encoded as the client sends it). */
  public void failPutsContaining(String text) {
    failing = line -> line.startsWith("PUT ") && line.contains(text);
  }

  /** Forwards everything from now on. */
  public void heal() {
    failing = line -> false;
  }

  /** How many requests were answered with 503. */
  public int failed() {
    return failed.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        daemon(() -> serve(client), "failing-s3-proxy-conn").start();
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      String head = readHead(in);
      if (head.isEmpty()) {
        return;
      }
      String requestLine = head.substring(0, head.indexOf("\r\n"));
      if (failing.test(requestLine)) {
        failed.incrementAndGet();
        refuse(head, in, client.getOutputStream());
        return;
      }
      forward(head, in, client);
    } catch (IOException e) {
      // The client or the server went away; nothing to clean up beyond the sockets.
    }
  }

  /** Answers 503 after the request body, unless the client waits for 100-continue to send it. */
  private static void refuse(String head, InputStream in, OutputStream out) throws IOException {
    String lower = head.toLowerCase(Locale.ROOT);
    if (!lower.contains("\r\nexpect: 100-continue")) {
      in.skipNBytes(contentLength(lower));
    }
    String response =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nContent-Length: "
            + SLOW_DOWN.length
            + "\r\nConnection: close\r\n\r\n";
    out.write(response.getBytes(StandardCharsets.US_ASCII));
    out.write(SLOW_DOWN);
    out.flush();
  }

  private void forward(String head, InputStream in, Socket client) throws IOException {
    try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
      OutputStream up = upstream.getOutputStream();
      up.write(withConnectionClose(head).getBytes(StandardCharsets.ISO_8859_1));
      up.flush();
      Thread body =
          daemon(
              () -> {
                try {
                  in.transferTo(up);
                } catch (IOException e) {
                  // The exchange ended.
                }
              },
              "failing-s3-proxy-body");
      body.start();
      upstream.getInputStream().transferTo(client.getOutputStream());
    }
  }

  private static String withConnectionClose(String head) {
    StringBuilder b = new StringBuilder();
    for (String line : head.split("\r\n")) {
      if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
        b.append(line).append("\r\n");
      }
    }
    return b.append("Connection: close\r\n\r\n").toString();
  }

  private static long contentLength(String lowerHead) {
    for (String line : lowerHead.split("\r\n")) {
      if (line.startsWith("content-length:")) {
        return Long.parseLong(line.substring("content-length:".length()).strip());
      }
    }
    return 0;
  }

  /** The request line and headers, up to and without the empty line; empty at end of stream. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    for (int c; (c = in.read()) >= 0; ) {
      head.write(c);
      matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
      if (matched == 4) {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 2);
      }
    }
    return "";
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
  }
}
