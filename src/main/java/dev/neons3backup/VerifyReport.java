package dev.neons3backup;

import java.util.List;

/** The outcome of checking one stored backup against what was recorded when it was made. */
public record VerifyReport(
    BackupEntry backup, long storedBytes, String sha256, List<String> problems) {
  public VerifyReport {
    problems = List.copyOf(problems);
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
