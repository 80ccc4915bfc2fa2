package dev.neons3backup.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived command with an explicit argv, a time limit and captured output. */
public final class ProcessRunner {
  private ProcessRunner() {}

  public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
    /** Throws with the command, exit code and stderr unless the command succeeded. */
    public Result check() {
      if (exitCode != 0) {
        throw new IllegalStateException(
            String.join(" ", argv)
                + " exited with "
                + exitCode
                + ": "
                + stderr.strip()
                + (stdout.isBlank() ? "" : " (stdout: " + stdout.strip() + ")"));
      }
      return this;
    }
  }

  /**
   * Runs {@code argv} in {@code dir} with {@code env} added to the inherited environment, feeds it
   * {@code stdin} (may be empty) and waits at most {@code timeout}; on timeout the process is
   * killed and the call fails.
   */
  public static Result run(
      List<String> argv, Map<String, String> env, Path dir, String stdin, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile());
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + argv, e);
    }
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The process may exit without reading its input; its exit code and stderr tell why.
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            String.join(" ", argv) + " did not finish within " + timeout.toSeconds() + " s");
      }
      return new Result(
          argv, process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + argv, e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("could not read the output of " + argv, e);
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              ByteArrayOutputStream buffer = new ByteArrayOutputStream();
              try (stream) {
                stream.transferTo(buffer);
                result.complete(buffer.toString(StandardCharsets.UTF_8));
              } catch (IOException e) {
                result.completeExceptionally(e);
              }
            },
            "process-drain");
    thread.setDaemon(true);
    thread.start();
    return result;
  }
}
