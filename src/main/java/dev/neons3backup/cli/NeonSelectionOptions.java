package dev.neons3backup.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The Neon selection flags, the same on {@code discover} and {@code backup --neon}. */
final class NeonSelectionOptions {
  @Option(names = "--project", paramLabel = "GLOB", description = "Neon project name or id")
  List<String> projects = new ArrayList<>();

  @Option(
      names = "--branch",
      paramLabel = "GLOB",
      description = "branch name or id (default: each project's default branch)")
  List<String> branches = new ArrayList<>();

  @Option(names = "--all-branches", description = "every branch, not only the default one")
  boolean allBranches;

  @Option(names = "--database", paramLabel = "GLOB", description = "database name")
  List<String> databases = new ArrayList<>();

  /** Whether any of the flags was given. */
  boolean any() {
    return !projects.isEmpty() || !branches.isEmpty() || allBranches || !databases.isEmpty();
  }
}
