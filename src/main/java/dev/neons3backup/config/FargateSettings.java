package dev.neons3backup.config;

import dev.neons3backup.BackupException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the fleet starts a Fargate task for a database too big for Lambda, read from the
 * dispatcher's environment (the template sets these only when the stack was given subnets).
 *
 * @param cluster {@code FARGATE_CLUSTER}, the ECS cluster (name or ARN)
 * @param taskDefinition {@code FARGATE_TASK_DEFINITION} (family, family:revision or ARN)
 * @param subnets {@code FARGATE_SUBNETS}, comma-separated subnet ids
 * @param assignPublicIp {@code FARGATE_ASSIGN_PUBLIC_IP}, {@code DISABLED} (default: private
 *     subnets that reach S3, Secrets Manager, ECR and the databases through a NAT gateway or VPC
 *     endpoints) or {@code ENABLED} (public subnets, whose only way out is the internet gateway,
 *     which a task without a public address cannot use)
 * @param endpoint {@code AWS_ENDPOINT_URL_ECS} or {@code AWS_ENDPOINT_URL}
 */
public record FargateSettings(
    String cluster,
    String taskDefinition,
    List<String> subnets,
    String assignPublicIp,
    Optional<URI> endpoint) {

  public FargateSettings {
    subnets = List.copyOf(subnets);
  }

  /** Empty when {@code FARGATE_CLUSTER} is unset: the stack has no Fargate. */
  public static Optional<FargateSettings> from(Map<String, String> env) {
    Optional<String> cluster = get(env, "FARGATE_CLUSTER");
    if (cluster.isEmpty()) {
      return Optional.empty();
    }
    String taskDefinition = required(env, "FARGATE_TASK_DEFINITION");
    List<String> subnets =
        Arrays.stream(required(env, "FARGATE_SUBNETS").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    if (subnets.isEmpty()) {
      throw BackupException.config(
          "FARGATE_SUBNETS names no subnet; give comma-separated subnet ids (subnet-…).");
    }
    return Optional.of(
        new FargateSettings(
            cluster.get(),
            taskDefinition,
            subnets,
            assignPublicIp(env),
            Settings.endpoint(env, "AWS_ENDPOINT_URL_ECS")));
  }

  private static String assignPublicIp(Map<String, String> env) {
    String value = get(env, "FARGATE_ASSIGN_PUBLIC_IP").orElse("DISABLED").toUpperCase(Locale.ROOT);
    if (!value.equals("DISABLED") && !value.equals("ENABLED")) {
      throw BackupException.config(
          "FARGATE_ASSIGN_PUBLIC_IP is '"
              + value
              + "'; it must be DISABLED (private subnets with a NAT gateway or VPC endpoints) or"
              + " ENABLED (public subnets).");
    }
    return value;
  }

  private static String required(Map<String, String> env, String key) {
    return get(env, key)
        .orElseThrow(
            () ->
                BackupException.config(
                    key + " is not set; FARGATE_CLUSTER needs it to start Fargate backups."));
  }

  private static Optional<String> get(Map<String, String> env, String key) {
    String v = env.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }
}
