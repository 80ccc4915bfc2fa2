package dev.neons3backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Small facts about the machine the integration tests run on. */
public final class TestEnv {
  private TestEnv() {}

  /**
   * A loopback port that was free a moment ago. Another process may take it before the caller binds
   * it, so servers started on it retry with a new port when binding fails.
   */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("could not find a free loopback port", e);
    }
  }

  /** Maven's {@code target/} directory (failsafe runs the tests in the project directory). */
  public static Path targetDir() {
    return Path.of(System.getProperty("project.build.directory", "target")).toAbsolutePath();
  }

  /** {@code target/test-servers/}, where server logs go; created on demand. */
  public static Path serverLogDir() {
    Path dir = targetDir().resolve("test-servers");
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create " + dir, e);
    }
  }

  public static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * RFC 3986 percent-encoding for a URI user-info or path segment: everything but the unreserved
   * characters is encoded as UTF-8 bytes ({@code URLEncoder} would turn a space into {@code +}).
   */
  public static String percentEncode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** The last {@code maxChars} characters of a file, for error messages; never throws. */
  public static String tail(Path file, int maxChars) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.length() <= maxChars ? text : "..." + text.substring(text.length() - maxChars);
    } catch (IOException | RuntimeException e) {
      return "(could not read " + file + ": " + e + ")";
    }
  }

  /** Deletes a directory tree, best effort: used from shutdown hooks, so it never throws. */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
