package dev.neons3backup.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h} / {@code --help} on every command, answered before any required option is checked. A
 * mixin, not an inherited option: picocli's own {@code help} command has a {@code -h} of its own.
 */
final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;
}
