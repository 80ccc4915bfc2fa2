package dev.neons3backup.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Dummy static credentials and region for SDK clients pointed at the local servers. */
public final class AwsTestCredentials {
  public static final String ACCESS_KEY_ID = "test";
  public static final String SECRET_ACCESS_KEY = "test";
  public static final Region REGION = Region.US_EAST_1;

  private AwsTestCredentials() {}

  public static StaticCredentialsProvider provider() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
  }
}
