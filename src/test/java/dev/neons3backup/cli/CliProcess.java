package dev.neons3backup.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar neon-s3-backup.jar …} as a user would, capturing output and exit code. */
final class CliProcess {
  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private CliProcess() {}

  static Result run(Path workDir, Map<String, String> env, String... args) {
    return run(List.of(), workDir, env, args);
  }

  /** As another OS user ({@code runuser -u USER --}): root reads and writes anything. */
  static Result runAs(String osUser, Path workDir, Map<String, String> env, String... args) {
    return run(List.of("runuser", "-u", osUser, "--"), workDir, env, args);
  }

  private static Result run(
      List<String> prefix, Path workDir, Map<String, String> env, String... args) {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(argv(args));
    ProcessBuilder pb = builder(workDir, env, argv);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      String out = read(p.getInputStream());
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the CLI did not finish: " + argv);
      }
      return new Result(p.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Starts the CLI in the background with its output in {@code output}, for tests that signal it.
   * SIGINT and SIGTERM get their default disposition first (a JVM started with them ignored, as a
   * background job of a script would be, could not react to them).
   */
  static Process start(Path workDir, Map<String, String> env, Path output, String... args) {
    List<String> argv = new ArrayList<>(List.of("env", "--default-signal=INT,TERM"));
    argv.addAll(argv(args));
    ProcessBuilder pb = builder(workDir, env, argv);
    pb.redirectErrorStream(true).redirectOutput(output.toFile());
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return p;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> argv(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-jar");
    argv.add(
        Path.of(System.getProperty("project.jar", "target/neon-s3-backup.jar"))
            .toAbsolutePath()
            .toString());
    argv.addAll(List.of(args));
    return argv;
  }

  private static ProcessBuilder builder(Path workDir, Map<String, String> env, List<String> argv) {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir.toFile());
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("AWS_") || k.equals("S3_BUCKET") || k.equals("DATABASE_URL"));
    pb.environment().putAll(env);
    return pb;
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
