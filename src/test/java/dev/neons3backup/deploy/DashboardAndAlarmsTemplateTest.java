package dev.neons3backup.deploy;

import static dev.neons3backup.deploy.Project.at;
import static dev.neons3backup.deploy.Project.properties;
import static dev.neons3backup.deploy.Project.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupResult;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.health.Shrink;
import dev.neons3backup.lambda.EmbeddedMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 in the template: the drill schedule, the drill and shrink alarms, and the dashboard, in
 * both shapes; the alarms and the dashboard name exactly the metrics, namespace and dimension that
 * {@link EmbeddedMetrics} writes (read from its constants and its output, never retyped here).
 */
class DashboardAndAlarmsTemplateTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Object> template = Project.template();

  private static Map<String, Object> shape(boolean fanOut) {
    return StackShape.of(Project.template(), fanOut);
  }

  @Test
  void theNewParametersHaveTheirDefaultsAndAGroup() {
    assertThat(Project.<Map<String, Object>>at(template, "Parameters", "DrillSchedule"))
        .containsEntry("Default", "rate(7 days)");
    assertThat(Project.<Map<String, Object>>at(template, "Parameters", "DrillSampleSize"))
        .containsEntry("Default", 0);
    assertThat(Project.<Map<String, Object>>at(template, "Parameters", "ShrinkThresholdPercent"))
        .containsEntry("Default", Shrink.DEFAULT_THRESHOLD_PERCENT)
        .containsEntry("MinValue", 0)
        .containsEntry("MaxValue", 100);
    List<Map<String, Object>> groups =
        at(template, "Metadata", "AWS::CloudFormation::Interface", "ParameterGroups");
    List<Object> grouped = new ArrayList<>();
    groups.forEach(g -> grouped.addAll((List<?>) g.get("Parameters")));
    assertThat(grouped).contains("DrillSchedule", "DrillSampleSize", "ShrinkThresholdPercent");
  }

  @Test
  void theBackupFunctionGetsADrillScheduleWithTheDrillInputInBothShapes() throws Exception {
    for (boolean fanOut : List.of(false, true)) {
      Map<String, Object> events = at(properties(shape(fanOut), "BackupFunction"), "Events");
      Map<String, Object> drill = at(events, "Drill");
      assertThat(drill).as("fanOut=" + fanOut).containsEntry("Type", "Schedule");
      Map<String, Object> props = at(drill, "Properties");
      assertThat(props).containsEntry("Schedule", ref("DrillSchedule"));
      assertThat(JSON.readTree((String) props.get("Input")))
          .isEqualTo(JSON.readTree("{\"action\":\"drill\"}"));
      assertThat(Project.<Map<String, Object>>at(events, "Nightly", "Properties"))
          .as("the nightly event stays a plain scheduled event")
          .doesNotContainKey("Input");
    }
  }

  @Test
  void theFunctionsGetTheAlarmTopicAndTheThresholdsInBothShapes() {
    for (boolean fanOut : List.of(false, true)) {
      assertThat(
              Project.<Map<String, Object>>at(
                  properties(shape(fanOut), "BackupFunction"), "Environment", "Variables"))
          .as("fanOut=" + fanOut)
          .containsEntry("ALARM_TOPIC_ARN", ref("AlarmTopic"))
          .containsEntry("SHRINK_THRESHOLD_PERCENT", ref("ShrinkThresholdPercent"))
          .containsEntry("DRILL_SAMPLE_SIZE", ref("DrillSampleSize"));
    }
    assertThat(
            Project.<Map<String, Object>>at(
                properties(shape(true), "WorkerFunction"), "Environment", "Variables"))
        .containsEntry("ALARM_TOPIC_ARN", ref("AlarmTopic"))
        .containsEntry("SHRINK_THRESHOLD_PERCENT", ref("ShrinkThresholdPercent"));
  }

  @Test
  void theDrillAndShrinkAlarmsWatchTheMetricsAsEmitted() throws Exception {
    JsonNode line = emittedLine();
    JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
    String dimension = directive.path("Dimensions").get(0).get(0).asText();
    Map<String, Object> expectedDimension =
        Map.of("Name", dimension, "Value", line.path(dimension).asText());
    assertThat(emittedNames(directive)).contains(EmbeddedMetrics.BACKUP_SHRUNK);
    for (String id : List.of("DrillFailedAlarm", "BackupShrunkAlarm")) {
      Map<String, Object> alarm = properties(template, id);
      assertThat(alarm)
          .as(id)
          .containsEntry("Namespace", directive.path("Namespace").asText())
          .containsEntry("Dimensions", List.of(expectedDimension))
          .containsEntry("Statistic", "Sum")
          .containsEntry("Threshold", 1)
          .containsEntry("ComparisonOperator", "GreaterThanOrEqualToThreshold")
          .containsEntry("TreatMissingData", "notBreaching")
          .containsEntry("AlarmActions", List.of(ref("AlarmTopic")));
    }
    assertThat(properties(template, "DrillFailedAlarm"))
        .containsEntry("MetricName", EmbeddedMetrics.DRILL_FAILED);
    assertThat(properties(template, "BackupShrunkAlarm"))
        .containsEntry("MetricName", EmbeddedMetrics.BACKUP_SHRUNK);
  }

  @Test
  void theDashboardIsValidJsonNamingOnlyEmittedMetricsInBothShapes() throws Exception {
    JsonNode line = emittedLine();
    String namespace =
        line.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText();
    Set<String> single = dashboardMetrics(shape(false), namespace);
    Set<String> fleet = dashboardMetrics(shape(true), namespace);
    Set<String> core =
        Set.of(
            EmbeddedMetrics.RUN_SUCCEEDED,
            EmbeddedMetrics.RUN_FAILED_DATABASES,
            EmbeddedMetrics.BACKUP_SUCCEEDED,
            EmbeddedMetrics.BACKUP_FAILED,
            EmbeddedMetrics.BACKUP_STORED_BYTES,
            EmbeddedMetrics.BACKUP_DURATION_SECONDS,
            EmbeddedMetrics.BACKUP_SHRUNK,
            EmbeddedMetrics.DRILL_PASSED,
            EmbeddedMetrics.DRILL_FAILED);
    Set<String> fleetOnly =
        Set.of(
            EmbeddedMetrics.FLEET_PLANNED,
            EmbeddedMetrics.FLEET_BACKED_UP,
            EmbeddedMetrics.FLEET_MISSING,
            EmbeddedMetrics.FLEET_DEAD_LETTERED);
    assertThat(single).containsExactlyInAnyOrderElementsOf(core);
    Set<String> both = new TreeSet<>(core);
    both.addAll(fleetOnly);
    assertThat(fleet).containsExactlyInAnyOrderElementsOf(both);
    assertThat(metricConstants()).containsAll(both);
  }

  @Test
  void theDashboardUrlIsAnOutputInBothShapesWithTheConsoleOfEachPartition() {
    for (boolean fanOut : List.of(false, true)) {
      List<?> china =
          (List<?>)
              Project.<Map<String, Object>>at(shape(fanOut), "Outputs", "DashboardUrl", "Value")
                  .get("Fn::If");
      List<?> gov = (List<?>) ((Map<?, ?>) china.get(2)).get("Fn::If");
      assertThat(china.get(0)).isEqualTo("InChina");
      assertThat(gov.get(0)).isEqualTo("InGovCloud");
      Map<String, String> urls =
          Map.of(
              "aws-cn", sub(china.get(1)),
              "aws-us-gov", sub(gov.get(1)),
              "aws", sub(gov.get(2)));
      assertThat(urls.get("aws-cn")).startsWith("https://console.amazonaws.cn/cloudwatch/");
      assertThat(urls.get("aws-us-gov"))
          .startsWith("https://console.amazonaws-us-gov.com/cloudwatch/");
      assertThat(urls.get("aws"))
          .startsWith("https://${AWS::Region}.console.aws.amazon.com/cloudwatch/");
      assertThat(urls.values())
          .allSatisfy(url -> assertThat(url).endsWith("#dashboards:name=${Dashboard}"));
    }
    Map<String, Object> conditions = Project.at(template, "Conditions");
    assertThat(conditions.get("InChina"))
        .isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "AWS::Partition"), "aws-cn")));
    assertThat(conditions.get("InGovCloud"))
        .isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "AWS::Partition"), "aws-us-gov")));
  }

  private static String sub(Object node) {
    return (String) ((Map<?, ?>) node).get("Fn::Sub");
  }

  /** The metric names of the dashboard's widgets, after each row is checked for its dimension. */
  private static Set<String> dashboardMetrics(Map<String, Object> stack, String namespace)
      throws Exception {
    Object body = Project.at(properties(stack, "Dashboard"), "DashboardBody");
    JsonNode dashboard = JSON.readTree(substitute(body));
    Set<String> names = new TreeSet<>();
    for (JsonNode widget : dashboard.path("widgets")) {
      for (JsonNode row : widget.path("properties").path("metrics")) {
        assertThat(row.get(0).asText()).isEqualTo(namespace);
        assertThat(row.get(2).asText()).isEqualTo(EmbeddedMetrics.DIMENSION);
        assertThat(row.get(3).asText()).isEqualTo(EmbeddedMetrics.SERVICE);
        names.add(row.get(1).asText());
      }
    }
    return names;
  }

  /**
   * What CloudFormation's Fn::Sub would give, for a body built with !Sub (with or without vars).
   */
  @SuppressWarnings("unchecked")
  private static String substitute(Object sub) {
    Object args = ((Map<String, Object>) sub).get("Fn::Sub");
    String text;
    Map<String, Object> vars = Map.of();
    if (args instanceof List<?> list) {
      text = (String) list.get(0);
      vars = (Map<String, Object>) list.get(1);
    } else {
      text = (String) args;
    }
    Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      Object value =
          switch (name) {
            case "AWS::Region" -> "eu-west-1";
            case "AWS::StackName" -> "neon-db-backup";
            default -> vars.get(name);
          };
      assertThat(value).as("${" + name + "} has a value").isNotNull();
      String replacement = value instanceof String s ? s : substitute(value);
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** One per-database line as the function writes it, with the template's namespace. */
  private JsonNode emittedLine() throws Exception {
    String namespace =
        (String)
            Project.<Map<String, Object>>at(
                    properties(template, "BackupFunction"), "Environment", "Variables")
                .get("METRICS_NAMESPACE");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EmbeddedMetrics metrics =
        new EmbeddedMetrics(
            namespace, new PrintStream(bytes, true, StandardCharsets.UTF_8), Clock.systemUTC());
    BackupResult failed = BackupResult.failed("db", "", "x", Duration.ZERO, ErrorCode.DATABASE);
    metrics.emit(new BackupReport(Instant.EPOCH, List.of(failed)));
    return JSON.readTree(bytes.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
  }

  private static List<String> emittedNames(JsonNode directive) {
    List<String> names = new ArrayList<>();
    directive.path("Metrics").forEach(m -> names.add(m.path("Name").asText()));
    return names;
  }

  /**
   * Every metric name the code declares (EmbeddedMetrics' constants but the service and dimension).
   */
  private static Set<String> metricConstants() throws IllegalAccessException {
    Set<String> names = new TreeSet<>();
    for (Field f : EmbeddedMetrics.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())
          && f.getType() == String.class
          && !Set.of("SERVICE", "DIMENSION").contains(f.getName())) {
        names.add((String) f.get(null));
      }
    }
    return names;
  }
}
