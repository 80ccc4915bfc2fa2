package dev.neons3backup.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar neon-s3-backup.jar <command>}: the command line. */
@Command(
    name = "neon-s3-backup",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Verifiable backups of Neon and PostgreSQL databases into S3 or a directory.",
    subcommands = {
      BackupCommand.class,
      ListCommand.class,
      RestoreCommand.class,
      VerifyCommand.class,
      PruneCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:everything succeeded",
      "1:internal error (a bug: please report it with --verbose output)",
      "2:usage or configuration error",
      "3:a database failed",
      "4:storage error (bucket or directory)",
      "5:verification mismatch"
    })
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code; used by tests too. */
  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    Logging.configureForCli(verbose);
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(new ErrorHandler(verbose));
    cli.setParameterExceptionHandler(ErrorHandler::usage);
    return cli.execute(args);
  }
}
