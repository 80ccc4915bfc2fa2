package dev.neons3backup.deploy;

import static dev.neons3backup.deploy.Project.at;
import static dev.neons3backup.deploy.Project.getAtt;
import static dev.neons3backup.deploy.Project.properties;
import static dev.neons3backup.deploy.Project.ref;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Fleet mode (issue 12): what FanOut=true adds, and that FanOut=false is the stack of before. */
class FleetTemplateTest {
  static final String DISPATCH_HANDLER = "dev.neons3backup.lambda.DispatchHandler::handleRequest";
  static final String WORKER_HANDLER = "dev.neons3backup.lambda.WorkerHandler::handleRequest";

  /** The logical ids of the stack before fleet mode existed; existing stacks keep exactly these. */
  private static final List<String> SINGLE_FUNCTION_RESOURCES =
      List.of(
          "BackupBucket",
          "BackupBucketPolicy",
          "DatabaseSecret",
          "BackupLogGroup",
          "BackupRole",
          "BackupFunction",
          "AlarmTopic",
          "AlarmEmailSubscription",
          "BackupErrorsAlarm",
          "NoRecentBackupAlarm",
          // issue 13: drills, shrinks and the dashboard, in both shapes
          "DrillFailedAlarm",
          "BackupShrunkAlarm",
          "Dashboard");

  private static final List<String> FLEET_RESOURCES =
      List.of(
          "WorkQueue",
          "DeadLetterQueue",
          "FleetQueuePolicy",
          "DispatcherRole",
          "AccountingRule",
          "AccountingPermission",
          "WorkerLogGroup",
          "WorkerRole",
          "WorkerFunction",
          "WorkerEventSourceMapping",
          "DeadLetterQueueDepthAlarm",
          "DeadLetterQueueAgeAlarm");

  private final Map<String, Object> template = Project.template();
  private final Map<String, Object> single = StackShape.of(Project.template(), false);
  private final Map<String, Object> fleet = StackShape.of(Project.template(), true);

  // ------------------------------------------------------------------ the parameter

  @Test
  void fanOutIsOffByDefault() {
    Map<String, Object> fanOut = at(template, "Parameters", "FanOut");
    assertThat(fanOut)
        .containsEntry("Type", "String")
        .containsEntry("Default", "false")
        .containsEntry("AllowedValues", List.of("true", "false"));
    assertThat(Project.<Object>at(template, "Conditions", "FanOutOn"))
        .isEqualTo(Map.of("Fn::Equals", List.of(ref("FanOut"), "true")));
  }

  @Test
  void singleFunctionShapeHasExactlyTheResourcesAndOutputsOfBefore() {
    assertThat(Project.<Map<String, Object>>at(single, "Resources").keySet())
        .containsExactlyElementsOf(SINGLE_FUNCTION_RESOURCES);
    assertThat(Project.<Map<String, Object>>at(single, "Outputs").keySet())
        .containsExactly(
            "BackupBucketName", "SecretArn", "BackupFunctionArn", "AlarmTopicArn", "DashboardUrl");
  }

  @Test
  void singleFunctionShapeRunsTheBackupHandlerWithItsOwnRoleAndNoQueueVariables() {
    Map<String, Object> function = properties(single, "BackupFunction");
    assertThat(function).doesNotContainKey("ImageConfig");
    assertThat(function).containsEntry("Role", getAtt("BackupRole", "Arn"));
    assertThat(Project.<Map<String, Object>>at(function, "Environment", "Variables"))
        .doesNotContainKeys("WORK_QUEUE_URL", "DEAD_LETTER_QUEUE_URL");
  }

  @Test
  void fleetShapeAddsOnlyConditionalResources() {
    Set<String> expected = new TreeSet<>(SINGLE_FUNCTION_RESOURCES);
    expected.addAll(FLEET_RESOURCES);
    assertThat(Project.<Map<String, Object>>at(fleet, "Resources").keySet())
        .containsExactlyInAnyOrderElementsOf(expected);
    for (String id : FLEET_RESOURCES) {
      assertThat(Project.resource(template, id)).as(id).containsEntry("Condition", "FanOutOn");
    }
  }

  // ------------------------------------------------------------------ dispatcher

  @Test
  void theScheduledFunctionBecomesTheDispatcherUnderFanOut() {
    Map<String, Object> function = properties(fleet, "BackupFunction");
    assertThat(Project.<Object>at(function, "ImageConfig", "Command"))
        .isEqualTo(List.of(DISPATCH_HANDLER));
    assertThat(function).containsEntry("Role", getAtt("DispatcherRole", "Arn"));
    assertThat(Project.<Map<String, Object>>at(function, "Environment", "Variables"))
        .containsEntry("WORK_QUEUE_URL", ref("WorkQueue"))
        .containsEntry("DEAD_LETTER_QUEUE_URL", ref("DeadLetterQueue"))
        .containsEntry("ALARM_TOPIC_ARN", ref("AlarmTopic"));
    // still the one backup schedule: the night is dispatched once, never also backed up by a
    // second run; the other schedule asks for a drill
    assertThat(Project.<Map<String, Object>>at(function, "Events").keySet())
        .containsExactly("Nightly", "Drill");
  }

  @Test
  void dispatcherRoleWritesOnlyRunPlansAndSendsWork() {
    assertThat(allowedActions("DispatcherRole"))
        .containsExactlyInAnyOrder(
            "s3:PutObject",
            "s3:GetObject",
            "s3:ListBucket",
            "secretsmanager:GetSecretValue",
            "sqs:SendMessage",
            "sqs:GetQueueAttributes",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "sns:Publish",
            "lambda:InvokeFunction",
            "kms:GenerateDataKey",
            "kms:Decrypt");
    assertThat(statementGranting("DispatcherRole", "s3:PutObject").get("Resource"))
        .isEqualTo(Map.of("Fn::Sub", "${BackupBucket.Arn}/_runs/*"));
    assertThat(statementGranting("DispatcherRole", "sqs:SendMessage").get("Resource"))
        .isEqualTo(getAtt("WorkQueue", "Arn"));
    assertThat(statementGranting("DispatcherRole", "sqs:GetQueueAttributes").get("Resource"))
        .isEqualTo(getAtt("DeadLetterQueue", "Arn"));
  }

  @Test
  void theDispatcherMayInvokeOnlyItselfToContinueDiscovery() {
    String self = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:";
    // The function's name is fixed (the stack's), so its ARN is built without referring to it:
    // the role cannot name the function that uses it.
    assertThat(properties(fleet, "BackupFunction"))
        .containsEntry("FunctionName", ref("AWS::StackName"));
    assertThat(statementGranting("DispatcherRole", "lambda:InvokeFunction").get("Resource"))
        .isEqualTo(
            List.of(
                Map.of("Fn::Sub", self + "${AWS::StackName}"),
                Map.of("Fn::Sub", self + "${AWS::StackName}:*")));
    assertThat(allowedActions("WorkerRole")).doesNotContain("lambda:InvokeFunction");
    assertThat(allowedActions("BackupRole")).doesNotContain("lambda:InvokeFunction");
  }

  @Test
  void dispatcherReadsBackupsForDrillsAndWritesOnlyRunObjectsAndDrillRecords() {
    assertThat(resourcesOf("DispatcherRole", "s3:GetObject"))
        .containsExactlyInAnyOrder(
            Map.of("Fn::Sub", "${BackupBucket.Arn}/_runs/*"),
            Map.of("Fn::Sub", "${BackupBucket.Arn}/*"));
    assertThat(resourcesOf("DispatcherRole", "s3:PutObject"))
        .containsExactlyInAnyOrder(
            Map.of("Fn::Sub", "${BackupBucket.Arn}/_runs/*"),
            Map.of("Fn::Sub", "${BackupBucket.Arn}/*.drill.json"));
  }

  private List<Object> resourcesOf(String role, String action) {
    return statements(role).stream()
        .filter(s -> actions(s).contains(action))
        .map(s -> s.get("Resource"))
        .toList();
  }

  @Test
  void accountingRunsTheDispatcherOnItsOwnScheduleWithTheAccountInput() {
    assertThat(Project.<Object>at(template, "Parameters", "AccountSchedule", "Default"))
        .isEqualTo("cron(0 8 * * ? *)");
    Map<String, Object> rule = properties(fleet, "AccountingRule");
    assertThat(rule)
        .containsEntry("ScheduleExpression", ref("AccountSchedule"))
        .containsEntry("State", "ENABLED");
    assertThat(Project.<List<Map<String, Object>>>at(rule, "Targets"))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.get("Arn")).isEqualTo(getAtt("BackupFunction", "Arn"));
              assertThat(t.get("Input")).isEqualTo("{\"action\":\"account\"}");
            });
    assertThat(properties(fleet, "AccountingPermission"))
        .containsEntry("Action", "lambda:InvokeFunction")
        .containsEntry("FunctionName", ref("BackupFunction"))
        .containsEntry("Principal", "events.amazonaws.com")
        .containsEntry("SourceArn", getAtt("AccountingRule", "Arn"));
  }

  // ------------------------------------------------------------------ worker

  @Test
  void workerRunsTheWorkerHandlerFromTheSameImage() {
    Map<String, Object> worker = properties(fleet, "WorkerFunction");
    Map<String, Object> backup = properties(fleet, "BackupFunction");
    assertThat(Project.<Object>at(worker, "ImageConfig", "Command"))
        .isEqualTo(List.of(WORKER_HANDLER));
    assertThat(Project.<Object>at(fleet, "Resources", "WorkerFunction", "Metadata"))
        .isEqualTo(at(fleet, "Resources", "BackupFunction", "Metadata"));
    for (String key : List.of("PackageType", "Architectures", "MemorySize", "EphemeralStorage")) {
      assertThat(worker.get(key)).as(key).isEqualTo(backup.get(key));
    }
    assertThat(worker).containsEntry("Role", getAtt("WorkerRole", "Arn"));
    assertThat(worker).doesNotContainKeys("Events", "Policies");
    assertThat(Project.<Map<String, Object>>at(worker, "Environment", "Variables"))
        .containsEntry("S3_BUCKET", ref("BackupBucket"))
        .containsEntry("SECRET_NAME", ref("DatabaseSecret"))
        .doesNotContainKey("BACKUP_CONCURRENCY");
  }

  @Test
  void workerRoleWritesBackupsAsTheSingleFunctionDoesAndConsumesOnlyTheWorkQueue() {
    assertThat(allowedActions("WorkerRole"))
        .containsExactlyInAnyOrder(
            "s3:PutObject",
            "s3:AbortMultipartUpload",
            "s3:ListMultipartUploadParts",
            "s3:GetObject",
            "s3:ListBucket",
            "s3:ListBucketMultipartUploads",
            "secretsmanager:GetSecretValue",
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:ChangeMessageVisibility",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "sns:Publish",
            "kms:GenerateDataKey",
            "kms:Decrypt");
    assertThat(statementGranting("WorkerRole", "sns:Publish").get("Resource"))
        .isEqualTo(ref("AlarmTopic"));
    assertThat(statementGranting("WorkerRole", "s3:ListBucketMultipartUploads").get("Resource"))
        .isEqualTo(getAtt("BackupBucket", "Arn"));
    assertThat(statementGranting("WorkerRole", "sqs:ReceiveMessage").get("Resource"))
        .isEqualTo(getAtt("WorkQueue", "Arn"));
    assertThat(statementGranting("WorkerRole", "logs:PutLogEvents").get("Resource"))
        .isEqualTo(getAtt("WorkerLogGroup", "Arn"));
  }

  @Test
  void fleetRolesGrantNoWildcardAndScopeEveryStatementToThisStack() {
    for (String role : List.of("DispatcherRole", "WorkerRole")) {
      assertThat(properties(fleet, role))
          .as(role)
          .doesNotContainKeys("ManagedPolicyArns", "PermissionsBoundary");
      for (Map<String, Object> statement : statements(role)) {
        assertThat(statement).as(role).containsEntry("Effect", "Allow");
        assertThat(statement).doesNotContainKeys("NotAction", "NotResource");
        assertThat(actions(statement)).noneSatisfy(a -> assertThat(a).contains("*"));
        assertThat(String.valueOf(statement.get("Resource"))).isNotEqualTo("*");
        String service = actions(statement).get(0).replaceAll(":.*", "");
        Object resource = statement.get("Resource");
        switch (service) {
          case "s3" -> assertThat(String.valueOf(resource)).contains("BackupBucket");
          case "secretsmanager" -> assertThat(resource).isEqualTo(ref("DatabaseSecret"));
          case "sqs" ->
              assertThat(resource)
                  .isIn(getAtt("WorkQueue", "Arn"), getAtt("DeadLetterQueue", "Arn"));
          case "logs" ->
              assertThat(resource)
                  .isIn(getAtt("BackupLogGroup", "Arn"), getAtt("WorkerLogGroup", "Arn"));
          case "sns" -> assertThat(resource).isEqualTo(ref("AlarmTopic"));
          case "kms" -> assertThat(resource).isEqualTo(ref("KmsKeyArn"));
          case "lambda" ->
              assertThat(String.valueOf(resource)).contains(":function:${AWS::StackName}");
          default -> throw new AssertionError(role + ": unexpected service " + service);
        }
      }
    }
  }

  // ------------------------------------------------------------------ queues

  @Test
  void visibilityTimeoutIsSixTimesTheWorkerTimeout() {
    // Lambda developer guide: the source queue's visibility timeout at least 6 x function timeout.
    int timeout = (Integer) properties(fleet, "WorkerFunction").get("Timeout");
    int visibility = (Integer) properties(fleet, "WorkQueue").get("VisibilityTimeout");
    assertThat(visibility).isEqualTo(6 * timeout);
    assertThat(visibility).isLessThanOrEqualTo(43_200); // SQS maximum, 12 hours
  }

  @Test
  void redrivesToTheDeadLetterQueueAfterMaxReceiveCountAttempts() {
    assertThat(Project.<Object>at(properties(fleet, "WorkQueue"), "RedrivePolicy"))
        .isEqualTo(
            Map.of(
                "deadLetterTargetArn",
                getAtt("DeadLetterQueue", "Arn"),
                "maxReceiveCount",
                ref("MaxReceiveCount")));
    assertThat(Project.<Object>at(template, "Parameters", "MaxReceiveCount", "Default"))
        .isEqualTo(3);
  }

  @Test
  void deadLetterQueueKeepsMessagesFourteenDays() {
    assertThat(properties(fleet, "DeadLetterQueue"))
        .containsEntry("MessageRetentionPeriod", 14 * 24 * 3600);
  }

  @Test
  void bothQueuesAreEncryptedAndRefuseRequestsWithoutTls() {
    for (String queue : List.of("WorkQueue", "DeadLetterQueue")) {
      assertThat(properties(fleet, queue)).as(queue).containsEntry("SqsManagedSseEnabled", true);
    }
    Map<String, Object> policy = properties(fleet, "FleetQueuePolicy");
    assertThat(policy.get("Queues")).isEqualTo(List.of(ref("WorkQueue"), ref("DeadLetterQueue")));
    List<Map<String, Object>> statements = at(policy, "PolicyDocument", "Statement");
    assertThat(statements)
        .singleElement()
        .satisfies(
            statement -> {
              assertThat(statement).containsEntry("Effect", "Deny").containsEntry("Principal", "*");
              assertThat(statement.get("Resource"))
                  .isEqualTo(List.of(getAtt("WorkQueue", "Arn"), getAtt("DeadLetterQueue", "Arn")));
              assertThat(statement.get("Condition"))
                  .isEqualTo(Map.of("Bool", Map.of("aws:SecureTransport", "false")));
            });
  }

  // ------------------------------------------------------------------ event source mapping

  @Test
  void workerTakesOneDatabasePerInvocationWithPartialBatchResponses() {
    Map<String, Object> mapping = properties(fleet, "WorkerEventSourceMapping");
    assertThat(mapping)
        .containsEntry("EventSourceArn", getAtt("WorkQueue", "Arn"))
        .containsEntry("FunctionName", ref("WorkerFunction"))
        .containsEntry("BatchSize", 1)
        .containsEntry("FunctionResponseTypes", List.of("ReportBatchItemFailures"))
        .containsEntry("ScalingConfig", Map.of("MaximumConcurrency", ref("WorkerConcurrency")));
  }

  @Test
  void workerConcurrencyDefaultsToEightWithinWhatLambdaAccepts() {
    Map<String, Object> parameter = at(template, "Parameters", "WorkerConcurrency");
    // Lambda API reference, ScalingConfig: MaximumConcurrency 2 to 1000.
    assertThat(parameter)
        .containsEntry("Type", "Number")
        .containsEntry("Default", 8)
        .containsEntry("MinValue", 2)
        .containsEntry("MaxValue", 1000);
  }

  // ------------------------------------------------------------------ alarms and outputs

  @Test
  void alarmsOnTheDeadLetterQueueDepthAndAgeThroughTheAlarmTopic() {
    Map<String, Object> depth = properties(fleet, "DeadLetterQueueDepthAlarm");
    Map<String, Object> age = properties(fleet, "DeadLetterQueueAgeAlarm");
    assertThat(depth)
        .containsEntry("MetricName", "ApproximateNumberOfMessagesVisible")
        .containsEntry("Threshold", 0)
        .containsEntry("ComparisonOperator", "GreaterThanThreshold");
    assertThat(age).containsEntry("MetricName", "ApproximateAgeOfOldestMessage");
    int maxAge = (Integer) age.get("Threshold");
    assertThat(maxAge)
        .isPositive()
        .isLessThan((Integer) properties(fleet, "DeadLetterQueue").get("MessageRetentionPeriod"));
    for (Map<String, Object> alarm : List.of(depth, age)) {
      assertThat(alarm)
          .containsEntry("Namespace", "AWS/SQS")
          .containsEntry("TreatMissingData", "notBreaching")
          .containsEntry("AlarmActions", List.of(ref("AlarmTopic")));
      assertThat(alarm.get("Dimensions"))
          .isEqualTo(
              List.of(
                  Map.of("Name", "QueueName", "Value", getAtt("DeadLetterQueue", "QueueName"))));
    }
  }

  @Test
  void fleetShapeOutputsTheQueueUrls() {
    Map<String, Object> outputs = at(fleet, "Outputs");
    assertThat(Project.<Object>at(outputs, "WorkQueueUrl", "Value")).isEqualTo(ref("WorkQueue"));
    assertThat(Project.<Object>at(outputs, "DeadLetterQueueUrl", "Value"))
        .isEqualTo(ref("DeadLetterQueue"));
    assertThat(Project.<Object>at(outputs, "WorkerFunctionArn", "Value"))
        .isEqualTo(getAtt("WorkerFunction", "Arn"));
  }

  // ------------------------------------------------------------------ Fargate

  @Test
  void fargateNeedsFanOutSubnetsAndTheImage() {
    assertThat(Project.<Object>at(template, "Parameters", "FargateSubnets", "Type"))
        .isEqualTo("CommaDelimitedList");
    assertThat(Project.<Object>at(template, "Parameters", "FargateSubnets", "Default"))
        .isEqualTo("");
    assertThat(Project.<Object>at(template, "Conditions", "HasFargate"))
        .isEqualTo(
            Map.of(
                "Fn::And",
                List.of(
                    Map.of("Condition", "FanOutOn"),
                    Map.of(
                        "Fn::Not",
                        List.of(
                            Map.of(
                                "Fn::Equals",
                                List.of(
                                    Map.of("Fn::Join", List.of("", ref("FargateSubnets"))), "")))),
                    Map.of(
                        "Fn::Not",
                        List.of(Map.of("Fn::Equals", List.of(ref("FargateImageUri"), "")))))));
    String pattern = at(template, "Parameters", "FargateImageUri", "AllowedPattern");
    assertThat("").matches(pattern);
    assertThat(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/neon-db-backup1a2b/backupfn3c4drepo:java21")
        .matches(pattern);
    assertThat("neon-s3-backup:latest").doesNotMatch(pattern);
  }

  @Test
  void fargateAddsItsResourcesOnlyWithSubnetsInFleetMode() {
    Map<String, Object> withFargate = StackShape.of(Project.template(), true, true);
    Set<String> added =
        new TreeSet<>(Project.<Map<String, Object>>at(withFargate, "Resources").keySet());
    added.removeAll(Project.<Map<String, Object>>at(fleet, "Resources").keySet());
    assertThat(added)
        .containsExactlyInAnyOrder(
            "FargateCluster",
            "FargateLogGroup",
            "FargateExecutionRole",
            "FargateTaskRole",
            "FargateTaskDefinition");
    for (String id : added) {
      assertThat(Project.resource(template, id)).as(id).containsEntry("Condition", "HasFargate");
    }
    assertThat(StackShape.of(Project.template(), false, true).get("Resources"))
        .isEqualTo(single.get("Resources"));
  }

  @Test
  void fargateTaskRunsTheImagesCliOnArm64WithItsOwnRoles() {
    Map<String, Object> task =
        properties(StackShape.of(template, true, true), "FargateTaskDefinition");
    assertThat(task)
        .containsEntry("RequiresCompatibilities", List.of("FARGATE"))
        .containsEntry("NetworkMode", "awsvpc")
        .containsEntry(
            "RuntimePlatform", Map.of("CpuArchitecture", "ARM64", "OperatingSystemFamily", "LINUX"))
        .containsEntry("ExecutionRoleArn", getAtt("FargateExecutionRole", "Arn"))
        .containsEntry("TaskRoleArn", getAtt("FargateTaskRole", "Arn"));
    Map<String, Object> container =
        Project.<List<Map<String, Object>>>at(task, "ContainerDefinitions").get(0);
    assertThat(container).containsEntry("Image", ref("FargateImageUri"));
    // The jar where the Dockerfile puts it; LAMBDA_TASK_ROOT is /var/task in the Lambda base image.
    String copy = Dockerfile.parse(Project.read("Dockerfile")).last("COPY");
    String jar = copy.substring(copy.lastIndexOf(' ') + 1);
    assertThat(jar).isEqualTo("${LAMBDA_TASK_ROOT}/lib/neon-s3-backup.jar");
    assertThat(container.get("EntryPoint"))
        .isEqualTo(List.of("java", "-jar", jar.replace("${LAMBDA_TASK_ROOT}", "/var/task")));
    assertThat(Project.<List<Object>>at(container, "Command").get(0)).isEqualTo("backup");
  }

  @Test
  void dispatcherStartsOnlyThisTaskAndPassesOnlyItsRolesWhenFargateIsOn() {
    Map<String, Object> withFargate = StackShape.of(Project.template(), true, true);
    List<Map<String, Object>> statements = statements(withFargate, "DispatcherRole");
    Map<String, Object> runTask = granting(statements, "ecs:RunTask");
    assertThat(runTask.get("Resource")).isEqualTo(ref("FargateTaskDefinition"));
    assertThat(runTask.get("Condition"))
        .isEqualTo(Map.of("ArnEquals", Map.of("ecs:cluster", getAtt("FargateCluster", "Arn"))));
    Map<String, Object> passRole = granting(statements, "iam:PassRole");
    assertThat(passRole.get("Resource"))
        .isEqualTo(
            List.of(getAtt("FargateExecutionRole", "Arn"), getAtt("FargateTaskRole", "Arn")));
    assertThat(passRole.get("Condition"))
        .isEqualTo(
            Map.of("StringEquals", Map.of("iam:PassedToService", "ecs-tasks.amazonaws.com")));
    assertThat(
            Project.<Map<String, Object>>at(
                properties(withFargate, "BackupFunction"), "Environment", "Variables"))
        .containsEntry("FARGATE_CLUSTER", getAtt("FargateCluster", "Arn"))
        .containsEntry("FARGATE_TASK_DEFINITION", ref("FargateTaskDefinition"))
        .containsEntry("FARGATE_SUBNETS", Map.of("Fn::Join", List.of(",", ref("FargateSubnets"))))
        .containsEntry("FARGATE_ASSIGN_PUBLIC_IP", ref("FargateAssignPublicIp"));
    assertThat(Project.<Object>at(template, "Parameters", "FargateAssignPublicIp", "Default"))
        .isEqualTo("DISABLED");
    assertThat(Project.<Object>at(template, "Parameters", "FargateAssignPublicIp", "AllowedValues"))
        .isEqualTo(List.of("DISABLED", "ENABLED"));
    assertThat(allowedActions("DispatcherRole")).doesNotContain("ecs:RunTask", "iam:PassRole");
  }

  @Test
  void fargateRolesGrantNoWildcardActionAndOnlyTheEcrLoginTakesAnyResource() {
    Map<String, Object> withFargate = StackShape.of(Project.template(), true, true);
    for (String role : List.of("FargateExecutionRole", "FargateTaskRole")) {
      for (Map<String, Object> statement : statements(withFargate, role)) {
        assertThat(statement).as(role).containsEntry("Effect", "Allow");
        assertThat(actions(statement)).noneSatisfy(a -> assertThat(a).contains("*"));
        if ("*".equals(statement.get("Resource"))) {
          // ECR's GetAuthorizationToken supports no resource-level permission.
          assertThat(actions(statement)).containsExactly("ecr:GetAuthorizationToken");
        }
      }
    }
    assertThat(
            statements(withFargate, "FargateTaskRole").stream()
                .flatMap(statement -> actions(statement).stream())
                .toList())
        .noneSatisfy(action -> assertThat(action).startsWith("sqs:"))
        .noneSatisfy(action -> assertThat(action).containsIgnoringCase("delete"));
  }

  // ------------------------------------------------------------------ helpers

  /** Every statement of the role, both branches of any Fn::If (AWS::NoValue dropped). */
  private List<Map<String, Object>> statements(String role) {
    return statements(fleet, role);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> statements(Map<String, Object> shape, String role) {
    List<Map<String, Object>> statements = new ArrayList<>();
    for (Object policy : (List<?>) at(properties(shape, role), "Policies")) {
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

  private Set<String> allowedActions(String role) {
    Set<String> actions = new TreeSet<>();
    statements(role).forEach(statement -> actions.addAll(actions(statement)));
    return actions;
  }

  private Map<String, Object> statementGranting(String role, String action) {
    return granting(statements(role), action);
  }

  private static Map<String, Object> granting(List<Map<String, Object>> statements, String action) {
    return statements.stream()
        .filter(statement -> actions(statement).contains(action))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no statement grants " + action));
  }

  private static List<String> actions(Map<String, Object> statement) {
    Object action = statement.get("Action");
    return action instanceof List<?> list
        ? list.stream().map(String::valueOf).toList()
        : List.of(String.valueOf(action));
  }
}
