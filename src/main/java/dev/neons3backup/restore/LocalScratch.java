package dev.neons3backup.restore;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.config.DatabaseTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for drills ({@code drill --local}): the newest server installed
 * under {@code /usr/lib/postgresql/<major>/bin}, initialised in a temporary directory, listening on
 * a free loopback port, its superuser's password random (scram: no other local user gets in), and
 * removed on {@link #close} or when the JVM is stopped. As root it runs as the {@code postgres}
 * account, since the server refuses to run as root.
 */
public final class LocalScratch implements AutoCloseable {
  private static final Path INSTALLS = Path.of("/usr/lib/postgresql");
  private static final long WAIT_SECONDS = 120;

  private final Path bin;
  private final Path dir;
  private final int port;
  private final String password = HexFormat.of().formatHex(Restorer.randomBytes(16));
  private final boolean asPostgres;
  private final Thread hook;
  private boolean removed;

  private LocalScratch(Path bin, Path dir, int port, boolean asPostgres) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgres = asPostgres;
    this.hook = new Thread(this::remove, "remove-local-scratch");
  }

  /** Starts a cluster of the newest installed server; one line saying what is missing if none. */
  public static LocalScratch start() {
    Path bin = newestServer();
    boolean asPostgres = "root".equals(System.getProperty("user.name"));
    Path dir;
    int port;
    try {
      dir = Files.createTempDirectory("nsb-drill-");
      port = freePort();
    } catch (IOException e) {
      throw new BackupException(ErrorCode.CONFIG, "--local: cannot prepare a cluster: " + e);
    }
    LocalScratch cluster = new LocalScratch(bin, dir, port, asPostgres);
    Runtime.getRuntime().addShutdownHook(cluster.hook);
    try {
      cluster.init();
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Where drills connect: the cluster's {@code postgres} database as its superuser. */
  public DatabaseTarget target() {
    return DatabaseTarget.of(
        "local-scratch", "postgresql://postgres:" + password + "@127.0.0.1:" + port + "/postgres");
  }

  public Path directory() {
    return dir;
  }

  private static Path newestServer() {
    try (Stream<Path> versions = Files.list(INSTALLS)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(
              b ->
                  Files.isExecutable(b.resolve("initdb"))
                      && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparingInt(LocalScratch::major))
          .orElseThrow(LocalScratch::noServer);
    } catch (IOException e) {
      throw noServer();
    }
  }

  private static int major(Path bin) {
    String v = bin.getParent().getFileName().toString();
    return v.matches("\\d+") ? Integer.parseInt(v) : 0;
  }

  private static BackupException noServer() {
    return BackupException.config(
        "--local needs the PostgreSQL server programs (initdb, pg_ctl) under "
            + INSTALLS
            + "/<version>/bin; install the postgresql package, or give --target-url.");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void init() {
    Path pwfile = dir.resolve("pw");
    try {
      Files.writeString(pwfile, password + "\n");
    } catch (IOException e) {
      throw new BackupException(ErrorCode.CONFIG, "--local: cannot prepare a cluster: " + e);
    }
    if (asPostgres) {
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
    }
    Path data = dir.resolve("data");
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "-A",
            "scram-sha-256",
            "--pwfile=" + pwfile,
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C"),
        asPostgres);
    String options =
        "-c listen_addresses=127.0.0.1 -p "
            + port
            + " -k "
            + dir
            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            dir.resolve("log").toString(),
            "-o",
            options,
            "-w",
            "start"),
        asPostgres);
  }

  private static void run(List<String> argv, boolean asPostgres) {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(argv);
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        String last = out.isEmpty() ? "" : ": " + out.substring(out.lastIndexOf('\n') + 1);
        throw new BackupException(
            ErrorCode.DATABASE,
            "--local: " + Path.of(argv.get(0)).getFileName() + " failed" + last);
      }
    } catch (IOException e) {
      throw new BackupException(ErrorCode.CONFIG, "--local: cannot run " + argv.get(0) + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException(ErrorCode.DATABASE, "--local: interrupted");
    }
  }

  /** Stops the server at once (its data is thrown away) and deletes the directory. */
  private synchronized void remove() {
    if (removed) {
      return;
    }
    removed = true;
    Path data = dir.resolve("data");
    if (Files.exists(data.resolve("postmaster.pid"))) {
      try {
        run(
            List.of(
                bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"),
            asPostgres);
      } catch (BackupException e) {
        // Deleting the directory below still removes its data; the server exits when it notices.
      }
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a temporary directory.
    }
  }

  @Override
  public void close() {
    remove();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is stopping: the hook runs (or ran) and removes the cluster.
    }
  }
}
