package dev.neons3backup.neon;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;

/** The Neon API refused a request: its HTTP status, and a one-line message for the user. */
public final class NeonApiException extends BackupException {
  private final int status;

  NeonApiException(int status, ErrorCode code, String message) {
    super(code, message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
