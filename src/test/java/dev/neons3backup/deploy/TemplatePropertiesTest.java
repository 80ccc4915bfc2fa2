package dev.neons3backup.deploy;

import static dev.neons3backup.deploy.Project.at;
import static dev.neons3backup.deploy.Project.getAtt;
import static dev.neons3backup.deploy.Project.properties;
import static dev.neons3backup.deploy.Project.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What template.yaml promises: the properties issue 3 lists, one behaviour per test. They hold for
 * the single-function shape (FanOut=false, the default), which is the stack as it was before fleet
 * mode; {@link FleetTemplateTest} covers FanOut=true.
 */
class TemplatePropertiesTest {
  private static final String BUCKET_ARN_OBJECTS = "${BackupBucket.Arn}/*";
  private final Map<String, Object> template = StackShape.of(Project.template(), false);

  // ------------------------------------------------------------------ parameters and outputs

  @Test
  void declaresTheParametersWithTheirDefaults() {
    Map<String, Object> parameters = at(template, "Parameters");
    assertThat(parameters)
        .containsKeys(
            "SecretName",
            "Schedule",
            "BackupRetentionDays",
            "AlarmEmail",
            "MemorySize",
            "BackupConcurrency",
            "LogRetentionDays",
            "ObjectLockDays",
            "KmsKeyArn",
            "BackupCompression",
            "CompressionLevel",
            "HeartbeatHours");
    assertThat(defaultOf("SecretName")).isEqualTo("neon-db-backup-urls");
    assertThat(defaultOf("Schedule")).isEqualTo("cron(0 2 * * ? *)");
    assertThat(defaultOf("BackupRetentionDays")).isEqualTo(30);
    assertThat(defaultOf("AlarmEmail")).isEqualTo("");
    assertThat(defaultOf("MemorySize")).isEqualTo(2048);
    assertThat(defaultOf("BackupConcurrency")).isEqualTo(2);
    assertThat(defaultOf("ObjectLockDays")).isEqualTo(0);
    assertThat(defaultOf("KmsKeyArn")).isEqualTo("");
    assertThat(defaultOf("HeartbeatHours")).isEqualTo(26);
    assertThat(defaultOf("BackupCompression")).isEqualTo("gzip");
    assertThat(defaultOf("CompressionLevel")).isEqualTo("");
    assertThat(Project.<List<Object>>at(parameters, "LogRetentionDays", "AllowedValues"))
        .contains(defaultOf("LogRetentionDays"));
  }

  @Test
  void outputsTheOriginalThreeAndTheAlarmTopic() {
    Map<String, Object> outputs = at(template, "Outputs");
    assertThat(value(outputs, "BackupBucketName", "Value")).isEqualTo(ref("BackupBucket"));
    assertThat(value(outputs, "SecretArn", "Value")).isEqualTo(ref("DatabaseSecret"));
    assertThat(value(outputs, "BackupFunctionArn", "Value"))
        .isEqualTo(getAtt("BackupFunction", "Arn"));
    assertThat(value(outputs, "AlarmTopicArn", "Value")).isEqualTo(ref("AlarmTopic"));
  }

  // ------------------------------------------------------------------ bucket

  @Test
  void encryptsWithSseS3UnlessAKmsKeyIsGiven() {
    Map<String, Object> byDefault =
        at(
            ((List<?>)
                    at(
                        properties(template, "BackupBucket"),
                        "BucketEncryption",
                        "ServerSideEncryptionConfiguration"))
                .get(0),
            "ServerSideEncryptionByDefault");
    assertThat(byDefault.get("SSEAlgorithm"))
        .isEqualTo(Map.of("Fn::If", List.of("UseKms", "aws:kms", "AES256")));
    assertThat(byDefault.get("KMSMasterKeyID"))
        .isEqualTo(Map.of("Fn::If", List.of("UseKms", ref("KmsKeyArn"), ref("AWS::NoValue"))));
    assertThat(value(template, "Conditions", "UseKms"))
        .isEqualTo(Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(ref("KmsKeyArn"), "")))));
  }

  @Test
  void blocksAllPublicAccessAndDisablesAcls() {
    Map<String, Object> bucket = properties(template, "BackupBucket");
    assertThat(Project.<Map<String, Object>>at(bucket, "PublicAccessBlockConfiguration"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "BlockPublicAcls", true,
                "BlockPublicPolicy", true,
                "IgnorePublicAcls", true,
                "RestrictPublicBuckets", true));
    assertThat(value(bucket, "OwnershipControls", "Rules"))
        .isEqualTo(List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced")));
  }

  @Test
  void expiresBackupsAfterTheRetentionAndAbortsIncompleteUploadsAfterOneDay() {
    List<Map<String, Object>> rules = lifecycleRules();
    assertThat(rules)
        .anySatisfy(
            rule -> {
              assertThat(rule).containsEntry("Status", "Enabled");
              assertThat(rule).containsEntry("ExpirationInDays", ref("BackupRetentionDays"));
              assertThat(rule).doesNotContainKeys("Prefix", "TagFilters");
            });
    assertThat(rules)
        .anySatisfy(
            rule -> {
              assertThat(rule).containsEntry("Status", "Enabled");
              assertThat(rule)
                  .containsEntry(
                      "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 1));
              assertThat(rule).doesNotContainKeys("Prefix", "TagFilters");
            });
  }

  @Test
  void deniesEveryRequestNotMadeOverTls() {
    assertThat(bucketPolicyStatements())
        .anySatisfy(
            statement -> {
              assertThat(statement).containsEntry("Effect", "Deny").containsEntry("Principal", "*");
              assertThat(statement).containsEntry("Action", "s3:*");
              assertThat(statement.get("Resource"))
                  .isEqualTo(
                      List.of(
                          getAtt("BackupBucket", "Arn"), Map.of("Fn::Sub", BUCKET_ARN_OBJECTS)));
              assertThat(statement.get("Condition"))
                  .isEqualTo(Map.of("Bool", Map.of("aws:SecureTransport", "false")));
            });
  }

  @Test
  void deniesAnyObjectWriteThatCouldOverwrite() {
    // S3 User Guide, "Enforce conditional writes": PutObject/CompleteMultipartUpload without
    // If-None-Match are denied; ObjectCreationOperation exempts CreateMultipartUpload/UploadPart.
    assertThat(bucketPolicyStatements())
        .anySatisfy(
            statement -> {
              assertThat(statement).containsEntry("Effect", "Deny").containsEntry("Principal", "*");
              assertThat(statement).containsEntry("Action", "s3:PutObject");
              assertThat(statement.get("Resource"))
                  .isEqualTo(Map.of("Fn::Sub", BUCKET_ARN_OBJECTS));
              assertThat(statement.get("Condition"))
                  .isEqualTo(
                      Map.of(
                          "Null", Map.of("s3:if-none-match", "true"),
                          "Bool", Map.of("s3:ObjectCreationOperation", "true")));
            });
  }

  @Test
  void locksBackupsInComplianceModeOnlyWhenObjectLockDaysIsPositive() {
    Map<String, Object> bucket = properties(template, "BackupBucket");
    assertThat(value(template, "Conditions", "ObjectLockOn"))
        .isEqualTo(
            Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(ref("ObjectLockDays"), "0")))));
    assertThat(bucket.get("ObjectLockEnabled")).isEqualTo(ifObjectLock(true));
    assertThat(bucket.get("VersioningConfiguration"))
        .isEqualTo(ifObjectLock(Map.of("Status", "Enabled")));
    List<?> lockIf = at(bucket, "ObjectLockConfiguration", "Fn::If");
    assertThat(lockIf.get(0)).isEqualTo("ObjectLockOn");
    assertThat(value(lockIf.get(1), "Rule", "DefaultRetention"))
        .isEqualTo(Map.of("Mode", "COMPLIANCE", "Days", ref("ObjectLockDays")));
    assertThat(lockIf.get(2)).isEqualTo(ref("AWS::NoValue"));
  }

  @Test
  void keepsTheBucketWhenTheStackIsDeleted() {
    assertThat(Project.resource(template, "BackupBucket"))
        .containsEntry("DeletionPolicy", "Retain")
        .containsEntry("UpdateReplacePolicy", "Retain");
  }

  // ------------------------------------------------------------------ secret

  @Test
  void namesTheSecretByAParameterWhoseDefaultIsTheOriginalName() {
    assertThat(properties(template, "DatabaseSecret")).containsEntry("Name", ref("SecretName"));
    assertThat(defaultOf("SecretName")).isEqualTo("neon-db-backup-urls");
    // Secrets Manager names: 1-512 of letters, digits and /_+=.@- (CreateSecret API reference).
    String pattern = Project.at(template, "Parameters", "SecretName", "AllowedPattern");
    assertThat("neon-db-backup-urls").matches(pattern);
    assertThat("team/neon-db-backup-urls_2").matches(pattern);
    assertThat("no spaces").doesNotMatch(pattern);
    assertThat("").doesNotMatch(pattern);
  }

  @Test
  void keepsTheSecretWhenTheStackIsDeletedOrTheSecretReplaced() {
    assertThat(Project.resource(template, "DatabaseSecret"))
        .containsEntry("DeletionPolicy", "Retain")
        .containsEntry("UpdateReplacePolicy", "Retain");
  }

  @Test
  void createsTheSecretWithTheOriginalPlaceholder() throws Exception {
    Map<String, Object> secret = properties(template, "DatabaseSecret");
    JsonNode value = new ObjectMapper().readTree((String) secret.get("SecretString"));
    assertThat(value)
        .isEqualTo(
            new ObjectMapper()
                .readTree(
                    "{\"databases\":[{\"name\":\"example-db\",\"url\":\"postgresql://user:password@"
                        + "ep-example-123456.us-east-2.aws.neon.tech/neondb?sslmode=require\"}]}"));
  }

  // ------------------------------------------------------------------ function

  @Test
  void runsTheContainerImageOnArm64For900SecondsWithMinimalEphemeralStorage() {
    Map<String, Object> function = properties(template, "BackupFunction");
    assertThat(Project.resource(template, "BackupFunction"))
        .containsEntry("Type", "AWS::Serverless::Function");
    assertThat(function).containsEntry("PackageType", "Image");
    assertThat(function).containsEntry("Architectures", List.of("arm64"));
    assertThat(function).containsEntry("Timeout", 900);
    assertThat(function).containsEntry("MemorySize", ref("MemorySize"));
    assertThat(function).containsEntry("EphemeralStorage", Map.of("Size", 512));
    assertThat(function).doesNotContainKeys("Handler", "Runtime", "CodeUri", "ImageConfig");
    assertThat(Project.<Map<String, Object>>at(template, "Resources", "BackupFunction", "Metadata"))
        .containsEntry("Dockerfile", "Dockerfile")
        .containsEntry("DockerContext", ".");
  }

  @Test
  void givesTheFunctionTheEnvironmentTheHandlerReads() {
    Map<String, Object> variables =
        at(properties(template, "BackupFunction"), "Environment", "Variables");
    assertThat(variables)
        .containsEntry("S3_BUCKET", ref("BackupBucket"))
        .containsEntry("SECRET_NAME", ref("DatabaseSecret"))
        .containsEntry("BACKUP_CONCURRENCY", ref("BackupConcurrency"))
        .containsEntry("BACKUP_COMPRESSION", ref("BackupCompression"))
        .containsEntry("BACKUP_COMPRESSION_LEVEL", ref("CompressionLevel"))
        .containsEntry(
            "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=4 -XX:-UsePerfData")
        .containsEntry("BACKUP_DEADLINE_MARGIN_SECONDS", "60")
        .containsEntry("METRICS_NAMESPACE", "NeonS3Backup");
    assertThat(variables.keySet())
        .allSatisfy(
            name ->
                assertThat(name)
                    .matches(
                        "S3_BUCKET|SECRET_NAME|BACKUP_.*|PG_BIN_DIRS|METRICS_NAMESPACE|JAVA_TOOL_OPTIONS"
                            + "|ALARM_TOPIC_ARN|SHRINK_THRESHOLD_PERCENT|DRILL_SAMPLE_SIZE"));
  }

  @Test
  void writesToItsOwnLogGroupWithRetention() {
    Map<String, Object> logGroup = properties(template, "BackupLogGroup");
    assertThat(logGroup).containsEntry("RetentionInDays", ref("LogRetentionDays"));
    // Lambda logs to /aws/lambda/<function name>; the name is the stack's, so they match.
    assertThat(logGroup)
        .containsEntry("LogGroupName", Map.of("Fn::Sub", "/aws/lambda/${AWS::StackName}"));
    assertThat(properties(template, "BackupFunction"))
        .containsEntry("FunctionName", ref("AWS::StackName"));
    assertThat(Project.resource(template, "BackupFunction"))
        .containsEntry("DependsOn", "BackupLogGroup");
  }

  @Test
  void isInvokedByTheScheduleNamedInTheSampleEvent() throws Exception {
    Map<String, Object> events = at(properties(template, "BackupFunction"), "Events");
    // Nightly backs up; the other schedule (Drill) asks for a restore drill.
    assertThat(events.keySet()).containsExactly("Nightly", "Drill");
    Map<String, Object> nightly = at(events, "Nightly");
    assertThat(nightly).containsEntry("Type", "Schedule");
    assertThat(Project.<Object>at(nightly, "Properties", "Schedule")).isEqualTo(ref("Schedule"));
    // SAM names the rule <function id><event id>; events/scheduled-event.json is a real one.
    JsonNode sample = new ObjectMapper().readTree(Project.read("events/scheduled-event.json"));
    assertThat(sample.path("detail-type").asText()).isEqualTo("Scheduled Event");
    assertThat(sample.path("resources").get(0).asText())
        .endsWith("/neon-db-backup-BackupFunctionNightly");
  }

  @Test
  void retriesFailedRunsTwiceWithinAnHourThenPublishesToTheAlarmTopic() {
    Map<String, Object> invoke = at(properties(template, "BackupFunction"), "EventInvokeConfig");
    int retries = (Integer) invoke.get("MaximumRetryAttempts");
    int maxAge = (Integer) invoke.get("MaximumEventAgeInSeconds");
    int timeout = (Integer) at(properties(template, "BackupFunction"), "Timeout");
    assertThat(retries).isBetween(0, 2); // Lambda's limits
    assertThat(maxAge).isBetween(60, 21_600);
    assertThat(retries).isEqualTo(2);
    // The last retry must still be allowed to start: attempts that time out, plus Lambda's
    // 1- and 2-minute back-off between them (Lambda developer guide, asynchronous invocation).
    assertThat(maxAge).isGreaterThanOrEqualTo(retries * timeout + 60 + 120);
    assertThat(Project.<Object>at(invoke, "DestinationConfig", "OnFailure"))
        .isEqualTo(Map.of("Type", "SNS", "Destination", ref("AlarmTopic")));
  }

  // ------------------------------------------------------------------ least privilege

  @Test
  void usesOnlyTheRoleDeclaredHere() {
    Map<String, Object> function = properties(template, "BackupFunction");
    assertThat(function).containsEntry("Role", getAtt("BackupRole", "Arn"));
    assertThat(function).doesNotContainKeys("Policies");
    assertThat(properties(template, "BackupRole"))
        .doesNotContainKeys("ManagedPolicyArns", "PermissionsBoundary");
  }

  @Test
  void roleGrantsExactlyTheActionsTheFunctionNeeds() {
    assertThat(allowedActions())
        .containsExactlyInAnyOrder(
            "s3:PutObject",
            "s3:AbortMultipartUpload",
            "s3:ListMultipartUploadParts",
            "s3:GetObject",
            "s3:ListBucket",
            "secretsmanager:GetSecretValue",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "sns:Publish",
            "kms:GenerateDataKey",
            "kms:Decrypt");
  }

  @Test
  void roleCannotDeleteOverwriteOrReconfigureAnything() {
    assertThat(allowedActions())
        .noneSatisfy(action -> assertThat(action).containsIgnoringCase("delete"))
        .noneSatisfy(action -> assertThat(action).contains("*"))
        .noneSatisfy(
            action ->
                assertThat(action)
                    .matches(
                        "s3:(PutBucket|PutLifecycle|PutEncryption|PutObject(Acl|Retention|LegalHold|Tagging)|Bypass|Restore|Replicate).*"));
    for (Map<String, Object> statement : roleStatements()) {
      assertThat(statement).containsEntry("Effect", "Allow");
      assertThat(statement.get("Resource")).isNotEqualTo("*");
    }
  }

  @Test
  void roleScopesEveryPermissionToItsOwnResources() {
    for (Map<String, Object> statement : roleStatements()) {
      Object resource = statement.get("Resource");
      List<String> actions = actions(statement);
      String service = actions.get(0).substring(0, actions.get(0).indexOf(':'));
      assertThat(actions).allSatisfy(action -> assertThat(action).startsWith(service + ":"));
      switch (service) {
        case "s3" ->
            assertThat(resource)
                .isIn(getAtt("BackupBucket", "Arn"), Map.of("Fn::Sub", BUCKET_ARN_OBJECTS));
        case "secretsmanager" -> assertThat(resource).isEqualTo(ref("DatabaseSecret"));
        case "logs" -> assertThat(resource).isEqualTo(getAtt("BackupLogGroup", "Arn"));
        case "sns" -> assertThat(resource).isEqualTo(ref("AlarmTopic"));
        case "kms" -> {
          assertThat(resource).isEqualTo(ref("KmsKeyArn"));
          assertThat(statement.get("Condition")).asString().contains("kms:ViaService");
        }
        default -> throw new AssertionError("unexpected service " + service);
      }
    }
  }

  @Test
  void grantsKmsOnlyWhenAKeyIsConfigured() {
    List<?> statements =
        at(
            ((List<?>) at(properties(template, "BackupRole"), "Policies")).get(0),
            "PolicyDocument",
            "Statement");
    assertThat(statements)
        .anySatisfy(
            statement -> {
              List<?> ifArgs = at(statement, "Fn::If");
              assertThat(ifArgs.get(0)).isEqualTo("UseKms");
              assertThat(ifArgs.get(2)).isEqualTo(ref("AWS::NoValue"));
            });
  }

  // ------------------------------------------------------------------ alarms

  @Test
  void alarmsOnFunctionErrorsThroughTheTopic() {
    Map<String, Object> alarm = properties(template, "BackupErrorsAlarm");
    assertThat(alarm)
        .containsEntry("Namespace", "AWS/Lambda")
        .containsEntry("MetricName", "Errors")
        .containsEntry("Statistic", "Sum")
        .containsEntry("Threshold", 1)
        .containsEntry("ComparisonOperator", "GreaterThanOrEqualToThreshold")
        .containsEntry("TreatMissingData", "notBreaching")
        .containsEntry("AlarmActions", List.of(ref("AlarmTopic")));
    assertThat(alarm.get("Dimensions"))
        .isEqualTo(List.of(Map.of("Name", "FunctionName", "Value", ref("BackupFunction"))));
  }

  @Test
  void alarmsWhenNoSuccessfulRunWasRecordedFor26Hours() {
    Map<String, Object> alarm = properties(template, "NoRecentBackupAlarm");
    Map<String, Object> environment =
        at(properties(template, "BackupFunction"), "Environment", "Variables");
    assertThat(alarm)
        .containsEntry("Namespace", environment.get("METRICS_NAMESPACE"))
        .containsEntry("MetricName", "RunSucceeded")
        .containsEntry("Statistic", "Sum")
        .containsEntry("Threshold", 1)
        .containsEntry("ComparisonOperator", "LessThanThreshold")
        // no data at all (the schedule stopped) must alarm too
        .containsEntry("TreatMissingData", "breaching")
        .containsEntry("EvaluationPeriods", ref("HeartbeatHours"))
        .containsEntry("DatapointsToAlarm", ref("HeartbeatHours"))
        .containsEntry("AlarmActions", List.of(ref("AlarmTopic")));
    assertThat(alarm.get("Dimensions"))
        .isEqualTo(List.of(Map.of("Name", "Service", "Value", "neon-s3-backup")));
    int period = (Integer) alarm.get("Period");
    assertThat(period * (Integer) defaultOf("HeartbeatHours")).isEqualTo(26 * 3600);
  }

  @Test
  void heartbeatStaysWithinCloudWatchEvaluationLimits() {
    // PutMetricAlarm: Period x EvaluationPeriods <= 7 days, and <= 1 day when Period < 1 hour.
    int period = (Integer) at(properties(template, "NoRecentBackupAlarm"), "Period");
    int maxHours = (Integer) at(template, "Parameters", "HeartbeatHours", "MaxValue");
    int minHours = (Integer) at(template, "Parameters", "HeartbeatHours", "MinValue");
    assertThat(period).isEqualTo(3600);
    assertThat(period * maxHours).isLessThanOrEqualTo(604_800);
    assertThat(minHours).isGreaterThanOrEqualTo(1);
  }

  @Test
  void subscribesTheAlarmEmailOnlyWhenGiven() {
    Map<String, Object> subscription = Project.resource(template, "AlarmEmailSubscription");
    assertThat(subscription).containsEntry("Condition", "HasAlarmEmail");
    assertThat(Project.<Map<String, Object>>at(subscription, "Properties"))
        .containsEntry("Protocol", "email")
        .containsEntry("Endpoint", ref("AlarmEmail"))
        .containsEntry("TopicArn", ref("AlarmTopic"));
    assertThat(value(template, "Conditions", "HasAlarmEmail"))
        .isEqualTo(
            Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(ref("AlarmEmail"), "")))));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * {@link Project#at} typed as Object, for assertThat (whose overloads a generic return confuses).
   */
  private static Object value(Object node, String... keys) {
    return at(node, keys);
  }

  private Object defaultOf(String parameter) {
    return at(template, "Parameters", parameter, "Default");
  }

  private static Map<String, Object> ifObjectLock(Object value) {
    return Map.of("Fn::If", List.of("ObjectLockOn", value, ref("AWS::NoValue")));
  }

  private List<Map<String, Object>> lifecycleRules() {
    return at(properties(template, "BackupBucket"), "LifecycleConfiguration", "Rules");
  }

  private List<Map<String, Object>> bucketPolicyStatements() {
    return at(properties(template, "BackupBucketPolicy"), "PolicyDocument", "Statement");
  }

  /** Every statement of the role, both branches of any Fn::If (AWS::NoValue dropped). */
  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> roleStatements() {
    List<Map<String, Object>> statements = new ArrayList<>();
    for (Object policy : (List<?>) at(properties(template, "BackupRole"), "Policies")) {
      for (Object statement : (List<?>) at(policy, "PolicyDocument", "Statement")) {
        if (statement instanceof Map<?, ?> map && map.containsKey("Fn::If")) {
          for (Object branch : ((List<?>) map.get("Fn::If")).subList(1, 3)) {
            if (!ref("AWS::NoValue").equals(branch)) {
              statements.add((Map<String, Object>) branch);
            }
          }
        } else {
          statements.add((Map<String, Object>) statement);
        }
      }
    }
    return statements;
  }

  private Set<String> allowedActions() {
    Set<String> actions = new TreeSet<>();
    roleStatements().forEach(statement -> actions.addAll(actions(statement)));
    return actions;
  }

  private static List<String> actions(Map<String, Object> statement) {
    assertThat(statement).doesNotContainKeys("NotAction", "NotResource");
    Object action = statement.get("Action");
    return action instanceof List<?> list
        ? list.stream().map(String::valueOf).toList()
        : List.of(String.valueOf(action));
  }
}
