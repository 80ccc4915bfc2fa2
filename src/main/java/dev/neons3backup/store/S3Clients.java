package dev.neons3backup.store;

import dev.neons3backup.config.FleetSettings;
import dev.neons3backup.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the SDK clients from the settings. An endpoint override (for S3-compatible stores and
 * local servers) switches S3 to path-style addressing.
 */
public final class S3Clients {
  /** A connection that moves no byte for this long is broken (a stalled S3 or proxy). */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Bounds on every call, so nothing waits forever: one attempt may carry a 1 GiB part at a few
   * MB/s. A Lambda run does not rely on them to meet its deadline (it stops waiting by itself).
   */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofMinutes(5);

  static final Duration CALL_TIMEOUT = Duration.ofMinutes(15);

  private S3Clients() {}

  public static S3Client s3(Settings settings) {
    var builder =
        S3Client.builder()
            .httpClientBuilder(http().maxConnections(64))
            .overrideConfiguration(timeouts(ATTEMPT_TIMEOUT, CALL_TIMEOUT))
            // Part checksums are computed by us (CRC32C); no second checksum over every byte.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
    builder.region(region(settings)).crossRegionAccessEnabled(settings.s3Endpoint().isEmpty());
    settings.s3Endpoint().ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true));
    return builder.build();
  }

  public static SecretsManagerClient secrets(Settings settings) {
    var builder =
        SecretsManagerClient.builder()
            .httpClientBuilder(http())
            .overrideConfiguration(timeouts(Duration.ofSeconds(30), Duration.ofSeconds(90)));
    builder.region(region(settings));
    settings.secretsEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /**
   * ECS, for the fleet's Fargate tasks; {@code endpoint} from {@code AWS_ENDPOINT_URL_ECS} (local
   * stand-ins). RunTask is small: the secrets client's bounds.
   */
  public static EcsClient ecs(Settings settings, Optional<URI> endpoint) {
    var builder =
        EcsClient.builder()
            .httpClientBuilder(http())
            .overrideConfiguration(timeouts(Duration.ofSeconds(30), Duration.ofSeconds(90)));
    builder.region(region(settings));
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** The fleet's queues: the dispatcher sends to the work queue and counts the dead letters. */
  public static SqsClient sqs(Settings settings, FleetSettings fleet) {
    var builder =
        SqsClient.builder()
            .httpClientBuilder(http())
            .overrideConfiguration(timeouts(Duration.ofSeconds(30), Duration.ofSeconds(90)));
    builder.region(region(settings));
    fleet.sqsEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /**
   * The alarm topic: a run's one message about its shrunken backups or failed drills, and
   * accounting's one missing-databases message.
   */
  public static SnsClient sns(Settings settings) {
    Optional<URI> endpoint = settings.snsEndpoint();
    var builder =
        SnsClient.builder()
            .httpClientBuilder(http())
            .overrideConfiguration(timeouts(Duration.ofSeconds(30), Duration.ofSeconds(90)));
    builder.region(region(settings));
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** Lambda, for the dispatcher's asynchronous invocation of itself (a small request). */
  public static LambdaClient lambda(Settings settings, FleetSettings fleet) {
    var builder =
        LambdaClient.builder()
            .httpClientBuilder(http())
            .overrideConfiguration(timeouts(Duration.ofSeconds(30), Duration.ofSeconds(90)));
    builder.region(region(settings));
    fleet.lambdaEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static ApacheHttpClient.Builder http() {
    return ApacheHttpClient.builder()
        .socketTimeout(SOCKET_TIMEOUT)
        .connectionTimeout(CONNECT_TIMEOUT)
        .connectionAcquisitionTimeout(Duration.ofMinutes(1));
  }

  private static ClientOverrideConfiguration timeouts(Duration attempt, Duration call) {
    return ClientOverrideConfiguration.builder()
        .apiCallAttemptTimeout(attempt)
        .apiCallTimeout(call)
        .build();
  }

  /** The configured region, else the SDK's usual chain (profile, instance), else us-east-1. */
  private static Region region(Settings settings) {
    if (settings.region().isPresent()) {
      return Region.of(settings.region().get());
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (RuntimeException e) {
      return Region.US_EAST_1;
    }
  }
}
