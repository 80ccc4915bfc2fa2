package dev.neons3backup;

/**
 * The one exception type of the project. Its message is a single line meant for a user: what
 * failed, for which database, what to do. It never contains a password.
 */
public class BackupException extends RuntimeException {
  private final ErrorCode code;

  public BackupException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public BackupException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static BackupException config(String message) {
    return new BackupException(ErrorCode.CONFIG, message);
  }
}
