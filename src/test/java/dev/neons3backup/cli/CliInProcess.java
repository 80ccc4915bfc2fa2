package dev.neons3backup.cli;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neons3backup.cli.CliProcess.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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

  /**
   * Where System.err goes while a run is under way. Installed once: Log4j's console binds the
   * System.err it finds when it is configured, and is not rebound for each run.
   */
  private static final Switch ERR = new Switch(System.err);

  static {
    System.setErr(new PrintStream(ERR, true, StandardCharsets.UTF_8));
  }

  /** One run at a time: System.err, where log lines go, is this run's while it lasts. */
  static synchronized Result run(Path workDir, Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    ERR.to(err);
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
      ERR.back();
    }
  }

  /** An output stream that writes to one target, switched between runs. */
  private static final class Switch extends OutputStream {
    private final OutputStream original;
    private volatile OutputStream target;

    Switch(OutputStream original) {
      this.original = original;
      this.target = original;
    }

    void to(OutputStream run) {
      target = run;
    }

    void back() {
      target = original;
    }

    @Override
    public void write(int b) throws IOException {
      target.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      target.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      target.flush();
    }
  }
}
