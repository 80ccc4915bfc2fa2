package dev.neons3backup.it;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.util.function.LongSupplier;

/** A Lambda {@code Context} whose remaining time the test controls. */
final class TestContext implements Context {
  private final LongSupplier remaining;

  TestContext(LongSupplier remainingMillis) {
    this.remaining = remainingMillis;
  }

  @Override
  public String getAwsRequestId() {
    return "test-request";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/neon-db-backup";
  }

  @Override
  public String getLogStreamName() {
    return "test";
  }

  @Override
  public String getFunctionName() {
    return "neon-db-backup";
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:us-east-1:123456789012:function:neon-db-backup";
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.min(Integer.MAX_VALUE, remaining.getAsLong());
  }

  @Override
  public int getMemoryLimitInMB() {
    return 2048;
  }

  @Override
  public LambdaLogger getLogger() {
    return null;
  }
}
