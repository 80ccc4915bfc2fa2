package dev.neons3backup.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options a user sees as global: accepted before the command or after it ({@code --json list} and
 * {@code list --json} are the same). Inherited options are set here wherever they are given.
 */
final class CommonOptions {
  @Option(
      names = "--store",
      paramLabel = "URI",
      scope = ScopeType.INHERIT,
      description =
          "s3://bucket[/prefix] or file:DIR (default: s3://$S3_BUCKET when set, else file:./backups)")
  String store;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "print results as JSON")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      scope = ScopeType.INHERIT,
      description = "no progress bar")
  boolean quiet;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "log what happens; stack traces for bugs")
  boolean verbose;
}
