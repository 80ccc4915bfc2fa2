package dev.neons3backup.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Records which server process each test JVM started, so that servers left behind by a JVM that
 * died without running its shutdown hooks (kill -9, a crashed fork) are stopped by the next run.
 *
 * <p>A record is a file {@code <owner pid>-<child pid>} in a directory under java.io.tmpdir,
 * holding a marker that must appear in the child's command line (guards against pid reuse) and a
 * directory to delete once the child is gone.
 */
final class Orphans {
  private static final Path DIR =
      Path.of(System.getProperty("java.io.tmpdir"), "neon-s3-backup-test-servers");
  private static final long SELF = ProcessHandle.current().pid();

  private Orphans() {}

  static void register(long childPid, String commandLineMarker, Path dirToDelete) {
    try {
      Files.createDirectories(DIR);
      Files.writeString(
          record(childPid), commandLineMarker + "\n" + dirToDelete, StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.err.println("could not record test server " + childPid + ": " + e);
    }
  }

  static void unregister(long childPid) {
    try {
      Files.deleteIfExists(record(childPid));
    } catch (IOException e) {
      System.err.println("could not remove the record of test server " + childPid + ": " + e);
    }
  }

  /** Stops the servers of test JVMs that no longer exist; never throws. */
  static synchronized void reap() {
    if (!Files.isDirectory(DIR)) {
      return;
    }
    try (DirectoryStream<Path> records = Files.newDirectoryStream(DIR)) {
      for (Path record : records) {
        reapOne(record);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("could not reap orphaned test servers: " + e);
    }
  }

  private static void reapOne(Path record) throws IOException {
    String[] pids = record.getFileName().toString().split("-");
    if (pids.length != 2 || ProcessHandle.of(Long.parseLong(pids[0])).isPresent()) {
      return;
    }
    List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
    Optional<ProcessHandle> child = ProcessHandle.of(Long.parseLong(pids[1]));
    if (child.isPresent() && !lines.isEmpty() && commandLine(child.get()).contains(lines.get(0))) {
      stop(child.get(), Duration.ofSeconds(15));
    }
    if (lines.size() > 1 && !lines.get(1).isBlank()) {
      TestEnv.deleteTree(Path.of(lines.get(1)));
    }
    Files.deleteIfExists(record);
  }

  /** SIGTERM, then SIGKILL if the process is still there after {@code grace}. */
  static void stop(ProcessHandle process, Duration grace) {
    process.destroy();
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
    }
  }

  private static String commandLine(ProcessHandle process) {
    ProcessHandle.Info info = process.info();
    return info.commandLine().orElse(info.command().orElse(""));
  }

  private static Path record(long childPid) {
    return DIR.resolve(SELF + "-" + childPid);
  }
}
