package dev.neons3backup.cli;

import dev.neons3backup.config.Settings;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code java -jar neon-s3-backup.jar <command>}: the command line. */
@Command(
    name = "neon-s3-backup",
    versionProvider = Version.class,
    description = "Verifiable backups of Neon and PostgreSQL databases into S3 or a directory.",
    subcommands = {
      BackupCommand.class,
      ListCommand.class,
      RestoreCommand.class,
      DrillCommand.class,
      VerifyCommand.class,
      PruneCommand.class,
      StatusCommand.class,
      DiscoverCommand.class,
      WorkCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:everything succeeded",
      "1:internal error (a bug: please report it with --verbose output)",
      "2:usage or configuration error",
      "3:a database failed (status: a flag was raised; drill: a drill could not run)",
      "4:storage error (bucket or directory)",
      "5:verification mismatch (drill: a backup failed its drill)"
    })
public final class Main implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin HelpOption help;
  @Spec CommandSpec spec;

  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      description = "print the version and exit")
  boolean version;

  /** The environment and directory of this run, for the commands. */
  final Invocation invocation;

  private Main(Invocation invocation) {
    this.invocation = invocation;
  }

  public static void main(String[] args) {
    // The process's environment is handed on as it is; config.Settings interprets it.
    System.exit(run(Invocation.ofProcess(System.getenv()), System.out, System.err, args));
  }

  /**
   * Runs one command line to its end and returns its exit code, never exiting the JVM: the jar's
   * entry point, and how tests run the CLI in-process with their own environment and directory.
   */
  static int run(Invocation invocation, PrintStream out, PrintStream err, String... args) {
    Main main = new Main(invocation);
    CommandLine cli = new CommandLine(main);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    // Logging is set up from the parsed options (-v or --verbose, before or after the command),
    // before any command creates a logger.
    cli.setExecutionStrategy(
        parsed -> {
          Logging.configureForCli(main.common.verbose);
          return new CommandLine.RunLast().execute(parsed);
        });
    cli.setExecutionExceptionHandler(new ErrorHandler(main.common));
    cli.setParameterExceptionHandler(ErrorHandler::usage);
    return cli.execute(args);
  }

  /** The settings from this run's environment, before any flag. */
  Settings settings() {
    return Settings.from(invocation.env());
  }

  /** No command given: a usage error that lists the commands. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "no command given");
  }
}
