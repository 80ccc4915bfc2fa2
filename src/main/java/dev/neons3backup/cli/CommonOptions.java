package dev.neons3backup.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
  @Option(
      names = "--store",
      paramLabel = "URI",
      description =
          "s3://bucket[/prefix] or file:DIR (default: s3://$S3_BUCKET when set, else file:./backups)")
  String store;

  @Option(names = "--json", description = "print results as JSON")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "no progress bar")
  boolean quiet;

  @Option(
      names = {"-v", "--verbose"},
      description = "log what happens; stack traces for bugs")
  boolean verbose;
}
