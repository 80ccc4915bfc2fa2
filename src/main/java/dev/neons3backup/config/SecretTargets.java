package dev.neons3backup.config;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/** Reads the databases to back up from one Secrets Manager secret. */
public final class SecretTargets {
  private SecretTargets() {}

  public static TargetList load(SecretsManagerClient client, String secretId) {
    return Targets.fromJson("secret '" + secretId + "'", read(client, secretId));
  }

  /** The secret's scratch server for drills; one line saying to add it when it has none. */
  public static DatabaseTarget drillTarget(SecretsManagerClient client, String secretId) {
    String source = "secret '" + secretId + "'";
    return Targets.drillTarget(source, read(client, secretId))
        .orElseThrow(
            () ->
                BackupException.config(
                    source
                        + " has no \"drillTarget\"; add \"drillTarget\": \"postgresql://…\" (a"
                        + " scratch server where drills create and drop their own database)."));
  }

  private static String read(SecretsManagerClient client, String secretId) {
    if (secretId == null || secretId.isBlank()) {
      throw BackupException.config(
          "no secret is configured; set SECRET_NAME to the id of the secret listing the databases.");
    }
    String value;
    try {
      value = client.getSecretValue(r -> r.secretId(secretId)).secretString();
    } catch (ResourceNotFoundException e) {
      throw BackupException.config(
          "secret '" + secretId + "' was not found; create it or fix SECRET_NAME.");
    } catch (SecretsManagerException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      throw new BackupException(
          ErrorCode.CONFIG,
          "secret '"
              + secretId
              + "' could not be read ("
              + code
              + "): check the role's permissions.");
    } catch (SdkException e) {
      throw new BackupException(
          ErrorCode.CONFIG, "secret '" + secretId + "' could not be read: " + e.getMessage());
    }
    if (value == null) {
      throw BackupException.config(
          "secret '" + secretId + "' has no string value; store the JSON as SecretString.");
    }
    return value;
  }
}
