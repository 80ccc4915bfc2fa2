package dev.neons3backup.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "prune",
    description = "Delete old backups by a retention policy (plan only unless --confirm).")
final class PruneCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
