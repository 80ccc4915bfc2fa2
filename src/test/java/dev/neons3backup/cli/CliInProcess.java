package dev.neons3backup.cli;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neons3backup.cli.CliProcess.Result;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs the command line in this JVM through its own entry point ({@link Main#run}), with the test's
 * environment variables and working directory, as {@link CliProcess} would in a process of its own
 * but without starting a JVM per command. What needs a real process stays there: signals, another
 * OS user, the jar's own start, and what reaches only through the process environment (AWS
 * credentials read by the SDK, libpq's PG* variables for pg_dump).
 */
final class CliInProcess {
  private CliInProcess() {}

  /** One run at a time: log lines are captured by pointing System.err at this run's output. */
  static synchronized Result run(Path workDir, Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream saved = System.err;
    System.setErr(errStream);
    try {
      int exit =
          assertTimeoutPreemptively(
              Duration.ofSeconds(300),
              () ->
                  Main.run(
                      new Invocation(env, workDir),
                      new PrintStream(out, true, StandardCharsets.UTF_8),
                      errStream,
                      args),
              () -> "the CLI did not finish: " + String.join(" ", args));
      return new Result(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(saved);
    }
  }
}
