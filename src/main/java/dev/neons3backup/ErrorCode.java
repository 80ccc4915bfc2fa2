package dev.neons3backup;

/** What kind of failure an error is; each maps to one CLI exit code. */
public enum ErrorCode {
  INTERNAL(1),
  CONFIG(2),
  DATABASE(3),
  STORAGE(4),
  VERIFICATION(5);

  private final int exitCode;

  ErrorCode(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
