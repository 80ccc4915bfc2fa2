package dev.neons3backup.cli;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Maps exceptions to exit codes. A user's mistake prints one line; a bug prints one line too, and
 * its stack trace with {@code --verbose}. Messages never hold a password: they are built so.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  /** Read when an exception is handled: -v may be given anywhere on the line. */
  private final CommonOptions options;

  ErrorHandler(CommonOptions options) {
    this.options = options;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    var err = cli.getErr();
    boolean verbose = options.verbose;
    if (e instanceof BackupException be) {
      err.println("error: " + be.getMessage());
      if (verbose && be.getCause() != null) {
        err.print(stackTrace(be.getCause()));
      }
      err.flush();
      return be.code().exitCode();
    }
    err.println("error: unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
    if (verbose) {
      err.print(stackTrace(e));
    } else {
      err.println("(run again with --verbose for details)");
    }
    err.flush();
    return ErrorCode.INTERNAL.exitCode();
  }

  /** The stack of a throwable and its causes, as the JVM would print it. */
  static String stackTrace(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      b.append(c == t ? "" : "Caused by: ").append(c).append('\n');
      for (StackTraceElement frame : c.getStackTrace()) {
        b.append("\tat ").append(frame).append('\n');
      }
    }
    return b.toString();
  }

  static int usage(ParameterException e, String[] args) {
    var err = e.getCommandLine().getErr();
    err.println("error: " + e.getMessage());
    // The qualified name is the program's own for the top command, "neon-s3-backup backup" below.
    err.println("(see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
    err.flush();
    return ErrorCode.CONFIG.exitCode();
  }
}
