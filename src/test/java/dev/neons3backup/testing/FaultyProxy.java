package dev.neons3backup.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of a real server that can cut connections carrying large requests:
 * it lets small requests (create, complete, abort, list) through and resets any connection once
 * more than {@code limit} bytes went from client to server on it. Against S3 this is "the server
 * went away in the middle of uploading a part", repeatable on every retry.
 */
public final class FaultyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger cut = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong toServer =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long limit = Long.MAX_VALUE;
  private volatile long holdLimit = Long.MAX_VALUE;
  private volatile boolean released;
  private volatile String holdMarker;
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger toDrop = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();

  private FaultyProxy(URI target) throws IOException {
    this.target = new InetSocketAddress(target.getHost(), target.getPort());
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "faulty-proxy");
    t.setDaemon(true);
    t.start();
  }

  public static FaultyProxy to(URI target) {
    try {
      return new FaultyProxy(target);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the proxy", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** From now on, reset any connection once it carried more than {@code bytes} to the server. */
  public void cutConnectionsCarrying(long bytes) {
    limit = bytes;
  }

  /**
   * From now on, forward every request but hold back the answer on any connection that carried more
   * than {@code bytes} to the server, until the proxy closes: a stalled S3 that took the part and
   * never answers.
   */
  public void holdResponsesOnConnectionsCarrying(long bytes) {
    holdLimit = bytes;
  }

  /**
   * From now on, hold back the answers on any connection that sent a request containing {@code
   * marker} (e.g. {@code "?uploads"}: S3 made the upload, its id never comes back).
   */
  public void holdResponsesAfterRequestsContaining(String marker) {
    holdMarker = marker;
  }

  /** Forwards the answers held back so far, and holds no more: the stalled S3 recovers. */
  public void releaseHeldResponses() {
    holdMarker = null;
    holdLimit = Long.MAX_VALUE;
    released = true;
  }

  /** How many answers are being held back. */
  public int held() {
    return held.get();
  }

  /**
   * Closes the next {@code n} connections as soon as they are accepted, like a server that is still
   * starting (a Neon compute waking up); later connections are forwarded.
   */
  public void dropNextConnections(int n) {
    toDrop.set(n);
  }

  /** Connections accepted so far, dropped ones included. */
  public int connections() {
    return accepted.get();
  }

  /** Bytes forwarded from clients to the server so far. */
  public long bytesToServer() {
    return toServer.get();
  }

  /** How many connections were cut. */
  public int cuts() {
    return cut.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        accepted.incrementAndGet();
        if (toDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          reset(client);
          continue;
        }
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        open.add(client);
        open.add(upstream);
        java.util.concurrent.atomic.AtomicLong carried =
            new java.util.concurrent.atomic.AtomicLong();
        AtomicBoolean marked = new AtomicBoolean();
        pump(client, upstream, true, carried, marked);
        pump(upstream, client, false, carried, marked);
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  private void pump(
      Socket from,
      Socket to,
      boolean toServer,
      java.util.concurrent.atomic.AtomicLong carried,
      AtomicBoolean marked) {
    Thread t =
        new Thread(
            () -> {
              long sent = 0;
              byte[] buf = new byte[64 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                  sent += n;
                  if (toServer && sent > limit) {
                    cut.incrementAndGet();
                    reset(from);
                    reset(to);
                    return;
                  }
                  if (toServer) {
                    this.toServer.addAndGet(n);
                    carried.addAndGet(n);
                    String marker = holdMarker;
                    if (marker != null
                        && new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains(marker)) {
                      marked.set(true);
                    }
                  } else if (carried.get() > holdLimit || (marked.get() && holdMarker != null)) {
                    held.incrementAndGet();
                    if (!holdUntilReleased()) {
                      return;
                    }
                  }
                  out.write(buf, 0, n);
                }
              } catch (IOException e) {
                // One side closed or was reset; close the other.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "faulty-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** True once {@link #releaseHeldResponses()} was called; false when the proxy closed first. */
  private boolean holdUntilReleased() {
    while (!server.isClosed()) {
      if (released) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // Closing below is enough.
    }
    closeQuietly(s);
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    open.forEach(this::closeQuietly);
  }
}
