package dev.neons3backup.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {
  private static S3Exception s3(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage("msg " + code).build())
            .build();
  }

  @Test
  void aMissingBucketSaysWhatToCheck() {
    assertThat(S3Errors.describe(s3(404, "NoSuchBucket")))
        .isEqualTo("the bucket does not exist; check S3_BUCKET or --store");
  }

  @Test
  void accessDeniedPointsAtCredentialsAndTheRole() {
    assertThat(S3Errors.describe(s3(403, "AccessDenied")))
        .isEqualTo(
            "access to the bucket was denied (AccessDenied); check the credentials and the role's permissions");
  }

  @Test
  void otherErrorsKeepStatusCodeAndMessageOnOneLine() {
    assertThat(S3Errors.describe(s3(500, "InternalError")))
        .isEqualTo("S3 answered 500 InternalError: msg InternalError");
    assertThat(
            S3Errors.describe(
                SdkClientException.create("Unable to execute HTTP request: refused\nmore")))
        .isEqualTo("cannot reach S3: Unable to execute HTTP request: refused");
  }
}
