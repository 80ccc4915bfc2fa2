package dev.neons3backup.store;

import dev.neons3backup.config.Settings;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the SDK clients from the settings. An endpoint override (for S3-compatible stores and
 * local servers) switches S3 to path-style addressing.
 */
public final class S3Clients {
  private S3Clients() {}

  public static S3Client s3(Settings settings) {
    var builder =
        S3Client.builder()
            .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
            // Part checksums are computed by us (CRC32C); no second checksum over every byte.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
    builder.region(region(settings)).crossRegionAccessEnabled(settings.s3Endpoint().isEmpty());
    settings.s3Endpoint().ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true));
    return builder.build();
  }

  public static SecretsManagerClient secrets(Settings settings) {
    var builder = SecretsManagerClient.builder().httpClientBuilder(ApacheHttpClient.builder());
    builder.region(region(settings));
    settings.secretsEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
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
