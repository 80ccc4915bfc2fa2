package dev.neons3backup.fleet;

import dev.neons3backup.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * The dispatcher invoking itself asynchronously (Lambda's Invoke API, invocation type {@code
 * Event}: Lambda queues the event and answers 202 at once) with {@code
 * {"action":"continue","run":"<ISO instant>","part":n}}. Lambda retries a failed asynchronous
 * invocation (twice by default), so the continuation is idempotent: a part already planned is
 * reused, never planned again.
 */
public final class LambdaContinuation implements Continuation {
  private static final int ACCEPTED = 202;

  private final LambdaClient lambda;
  private final String functionArn;

  public LambdaContinuation(LambdaClient lambda, String functionArn) {
    this.lambda = lambda;
    this.functionArn = functionArn;
  }

  /** The event a continuation is invoked with. */
  public static String event(Instant run, int part) {
    return Json.line(Map.of("action", "continue", "run", run.toString(), "part", part));
  }

  @Override
  public void request(Instant run, int part) throws IOException {
    InvokeResponse response;
    try {
      response =
          lambda.invoke(
              b ->
                  b.functionName(functionArn)
                      .invocationType(InvocationType.EVENT)
                      .payload(SdkBytes.fromUtf8String(event(run, part))));
    } catch (SdkException e) {
      throw new IOException("Lambda refused to invoke " + functionArn + ": " + e.getMessage(), e);
    }
    if (response.statusCode() != ACCEPTED) {
      throw new IOException(
          "Lambda answered " + response.statusCode() + " to invoking " + functionArn);
    }
  }
}
