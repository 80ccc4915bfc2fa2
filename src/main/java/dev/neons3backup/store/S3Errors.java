package dev.neons3backup.store;

import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** One-line descriptions of what went wrong talking to S3, with what to do where we know. */
public final class S3Errors {
  private S3Errors() {}

  /**
   * The exception for a failed write made with {@code If-None-Match: *}: a 412 means the key is
   * taken (nothing was overwritten); anything else is described for the user.
   */
  static IOException ofConditionalWrite(RuntimeException e, String key) {
    if (e instanceof S3Exception s3 && s3.statusCode() == 412) {
      return new AlreadyExistsException(key);
    }
    return new IOException(describe(e), e);
  }

  public static String describe(Throwable t) {
    if (t instanceof S3Exception e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if ("NoSuchBucket".equals(code) || e.statusCode() == 404 && code.isEmpty()) {
        return "the bucket does not exist; check S3_BUCKET or --store";
      }
      if ("AccessDenied".equals(code) || e.statusCode() == 403) {
        return "access to the bucket was denied ("
            + code
            + "); check the credentials and the role's permissions";
      }
      String message =
          e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      return "S3 answered " + e.statusCode() + " " + code + ": " + message;
    }
    if (t instanceof SdkClientException e) {
      return "cannot reach S3: " + firstLine(e.getMessage());
    }
    return t.getClass().getSimpleName() + ": " + firstLine(String.valueOf(t.getMessage()));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
