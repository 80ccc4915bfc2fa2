package dev.neons3backup.deploy;

import static dev.neons3backup.deploy.Project.at;
import static dev.neons3backup.deploy.Project.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * template.yaml against the published AWS resource specification (CloudFormation and the SAM
 * transform's AWS::Serverless::* types), and proof that the check catches what it claims to.
 */
class TemplateSpecIT {
  private static AwsSpec spec;

  @BeforeAll
  static void loadSpec() throws IOException {
    spec = AwsSpec.load(); // fails, never skips, when scripts/fetch-aws-spec has not run
  }

  @Test
  void templateMatchesThePublishedResourceSpecification() {
    assertThat(TemplateValidator.validate(spec, Project.template()))
        .as("template.yaml against @aws-cdk/aws-service-spec " + spec.version)
        .isEmpty();
  }

  @Test
  void bothShapesMatchThePublishedResourceSpecification() {
    for (boolean fanOut : new boolean[] {false, true}) {
      assertThat(TemplateValidator.validate(spec, StackShape.of(Project.template(), fanOut)))
          .as("template.yaml with FanOut=" + fanOut)
          .isEmpty();
    }
    assertThat(TemplateValidator.validate(spec, StackShape.of(Project.template(), true, true)))
        .as("template.yaml with FanOut=true and Fargate subnets")
        .isEmpty();
  }

  @Test
  void specificationCoversEveryResourceTypeTheTemplateUses() {
    Map<String, Object> resources = at(Project.template(), "Resources");
    resources.values().stream()
        .map(body -> (String) at(body, "Type"))
        .forEach(type -> assertThat(spec.resource(type)).as(type).isPresent());
  }

  @Test
  void rejectsAnUnknownResourceProperty() {
    assertRejected(
        t -> properties(t, "BackupBucket").put("BucketEncyption", Map.of()),
        "Resources.BackupBucket.Properties: unknown property 'BucketEncyption'");
  }

  @Test
  void rejectsAnUnknownNestedProperty() {
    assertRejected(
        t -> {
          List<Map<String, Object>> rules =
              at(properties(t, "BackupBucket"), "LifecycleConfiguration", "Rules");
          rules.get(0).put("ExpirationDays", 30);
        },
        "LifecycleConfiguration.Rules[0]: unknown property 'ExpirationDays'");
  }

  @Test
  void rejectsAnUnknownServerlessFunctionProperty() {
    assertRejected(
        t -> properties(t, "BackupFunction").put("Timeoutt", 900),
        "Resources.BackupFunction.Properties: unknown property 'Timeoutt'");
  }

  @Test
  void rejectsAnUnknownScheduleEventProperty() {
    assertRejected(
        t ->
            Project.<Map<String, Object>>at(
                    properties(t, "BackupFunction"), "Events", "Nightly", "Properties")
                .put("ScheduleExpression", "rate(1 day)"),
        "Events.Nightly.Properties: unknown property 'ScheduleExpression'");
  }

  @Test
  void rejectsAnUnknownResourceType() {
    assertRejected(
        t -> Project.resource(t, "AlarmTopic").put("Type", "AWS::SNS::Topics"),
        "Resources.AlarmTopic.Type: unknown resource type 'AWS::SNS::Topics'");
  }

  @Test
  void rejectsARefToNothing() {
    assertRejected(
        t -> properties(t, "BackupLogGroup").put("RetentionInDays", Project.ref("LogRetention")),
        "Ref to 'LogRetention', which is no parameter or resource");
  }

  @Test
  void rejectsAGetAttOfAnUnknownAttribute() {
    assertRejected(
        t -> properties(t, "BackupFunction").put("Role", Project.getAtt("BackupRole", "RoleArn")),
        "AWS::IAM::Role has no attribute 'RoleArn'");
  }

  @Test
  void rejectsAGetAttOfAnUnknownResource() {
    assertRejected(
        t -> properties(t, "BackupFunction").put("Role", Project.getAtt("Role", "Arn")),
        "Fn::GetAtt of unknown resource 'Role'");
  }

  @Test
  void rejectsASubReferenceToNothing() {
    assertRejected(
        t -> properties(t, "BackupLogGroup").put("LogGroupName", Map.of("Fn::Sub", "/x/${Nope}")),
        "Ref to 'Nope', which is no parameter or resource");
  }

  @Test
  void rejectsAnUnknownCondition() {
    assertRejected(
        t -> Project.resource(t, "AlarmEmailSubscription").put("Condition", "HasEmail"),
        "Resources.AlarmEmailSubscription.Condition: no condition 'HasEmail'");
  }

  @Test
  void rejectsAStructureWhereAScalarBelongs() {
    assertRejected(
        t -> properties(t, "BackupFunction").put("Timeout", List.of(900)),
        "Resources.BackupFunction.Properties.Timeout: expected a number, found a structure");
  }

  @Test
  void rejectsAMissingRequiredProperty() {
    assertRejected(
        t -> properties(t, "AlarmEmailSubscription").remove("Protocol"),
        "Resources.AlarmEmailSubscription.Properties: missing required property 'Protocol'");
  }

  @Test
  void rejectsSamResourcesWithoutTheTransform() {
    assertRejected(t -> t.remove("Transform"), "need Transform AWS::Serverless-2016-10-31");
  }

  @Test
  void rejectsAnUnknownDeletionPolicy() {
    assertRejected(
        t -> Project.resource(t, "DatabaseSecret").put("DeletionPolicy", "Keep"),
        "Resources.DatabaseSecret.DeletionPolicy: 'Keep' is not one of");
  }

  @Test
  void rejectsAnUnknownParameterProperty() {
    assertRejected(
        t -> Project.<Map<String, Object>>at(t, "Parameters", "SecretName").put("Pattern", "x"),
        "Parameters.SecretName: unknown parameter property 'Pattern'");
  }

  private static void assertRejected(Consumer<Map<String, Object>> breakIt, String expected) {
    Map<String, Object> template = mutable(Project.template());
    breakIt.accept(template);
    assertThat(TemplateValidator.validate(spec, template))
        .anySatisfy(error -> assertThat(error).contains(expected));
  }

  /** SnakeYAML's maps are mutable, but the intrinsic shorthands are immutable Map.of copies. */
  @SuppressWarnings("unchecked")
  private static <T> T mutable(T node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), mutable(v)));
      return (T) copy;
    }
    if (node instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(mutable(v)));
      return (T) copy;
    }
    return node;
  }
}
