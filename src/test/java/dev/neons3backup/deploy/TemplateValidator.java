package dev.neons3backup.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a parsed template against {@link AwsSpec}: every resource type exists, every property name
 * (at every depth) exists for its type, structures are where structures belong, required properties
 * are present, and every {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub} reference, condition name
 * and {@code DependsOn} target resolves. Intrinsic functions stand in for any value; both branches
 * of {@code Fn::If} are checked.
 */
final class TemplateValidator {
  private static final Set<String> TOP_LEVEL =
      Set.of(
          "AWSTemplateFormatVersion",
          "Description",
          "Metadata",
          "Parameters",
          "Rules",
          "Mappings",
          "Conditions",
          "Transform",
          "Globals",
          "Resources",
          "Outputs");
  private static final Set<String> RESOURCE_KEYS =
      Set.of(
          "Type",
          "Properties",
          "DependsOn",
          "Condition",
          "DeletionPolicy",
          "UpdateReplacePolicy",
          "Metadata",
          "CreationPolicy",
          "UpdatePolicy");

  /**
   * CloudFormation User Guide, "DeletionPolicy attribute" and "UpdateReplacePolicy attribute": the
   * values each accepts (Snapshot only on types that support snapshots, not checked here).
   */
  private static final Map<String, Set<String>> POLICY_VALUES =
      Map.of(
          "DeletionPolicy", Set.of("Delete", "Retain", "RetainExceptOnCreate", "Snapshot"),
          "UpdateReplacePolicy", Set.of("Delete", "Retain", "Snapshot"));

  /** CloudFormation User Guide, "Parameters" section syntax: the properties a parameter takes. */
  private static final Set<String> PARAMETER_KEYS =
      Set.of(
          "Type",
          "Default",
          "AllowedValues",
          "AllowedPattern",
          "ConstraintDescription",
          "Description",
          "MaxLength",
          "MaxValue",
          "MinLength",
          "MinValue",
          "NoEcho");

  private static final Set<String> PSEUDO_PARAMETERS =
      Set.of(
          "AWS::AccountId",
          "AWS::NotificationARNs",
          "AWS::NoValue",
          "AWS::Partition",
          "AWS::Region",
          "AWS::StackId",
          "AWS::StackName",
          "AWS::URLSuffix");
  static final String SAM_TRANSFORM = "AWS::Serverless-2016-10-31";

  /**
   * SAM resolves {@code Fn::GetAtt} on a SAM resource against the CloudFormation resource it
   * generates under the same logical id (SAM developer guide, "Referencing generated AWS
   * CloudFormation resources"); the SAM types themselves declare no attributes in the spec.
   */
  private static final Map<String, String> SAM_GENERATED =
      Map.of(
          "AWS::Serverless::Function", "AWS::Lambda::Function",
          "AWS::Serverless::Api", "AWS::ApiGateway::RestApi",
          "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api",
          "AWS::Serverless::SimpleTable", "AWS::DynamoDB::Table",
          "AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine",
          "AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion",
          "AWS::Serverless::Application", "AWS::CloudFormation::Stack");

  /**
   * Errata of the specification, each with its source; keep this list short and cited. The SAM part
   * of aws-service-spec marks both destinations of EventInvokeDestinationConfig required, but the
   * SAM developer guide (EventInvokeDestinationConfiguration) documents OnSuccess and OnFailure as
   * "Required: No" and SAM accepts either alone.
   */
  private static final Map<String, Set<String>> NOT_ACTUALLY_REQUIRED =
      Map.of("EventInvokeDestinationConfig", Set.of("OnFailure", "OnSuccess"));

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

  private final AwsSpec spec;
  private final Map<String, Object> template;
  private final Map<String, Object> parameters;
  private final Map<String, Object> resources;
  private final Map<String, Object> conditions;
  private List<String> errors = new ArrayList<>();

  private TemplateValidator(AwsSpec spec, Map<String, Object> template) {
    this.spec = spec;
    this.template = template;
    this.parameters = section(template, "Parameters");
    this.resources = section(template, "Resources");
    this.conditions = section(template, "Conditions");
  }

  /** Returns one line per problem, in template order; an empty list means the template is valid. */
  static List<String> validate(AwsSpec spec, Map<String, Object> template) {
    TemplateValidator validator = new TemplateValidator(spec, template);
    validator.run();
    return List.copyOf(validator.errors);
  }

  private void run() {
    for (String key : template.keySet()) {
      if (!TOP_LEVEL.contains(key)) {
        errors.add("unknown top-level section '" + key + "'");
      }
    }
    if (resources.isEmpty()) {
      errors.add("Resources: none declared");
    }
    parameters.forEach(this::checkParameter);
    boolean usesSam = false;
    for (Map.Entry<String, Object> entry : resources.entrySet()) {
      usesSam |= checkResource(entry.getKey(), entry.getValue());
    }
    if (usesSam && !String.valueOf(template.get("Transform")).contains(SAM_TRANSFORM)) {
      errors.add("Transform: AWS::Serverless::* resources need Transform " + SAM_TRANSFORM);
    }
    for (String section : List.of("Conditions", "Resources", "Outputs")) {
      checkReferences(template.get(section), section, section.equals("Conditions"));
    }
    section(template, "Outputs")
        .forEach(
            (name, output) -> {
              if (!(output instanceof Map<?, ?> body) || !body.containsKey("Value")) {
                errors.add("Outputs." + name + ": has no Value");
              }
            });
  }

  private void checkParameter(String name, Object value) {
    if (!(value instanceof Map<?, ?> body) || !body.containsKey("Type")) {
      errors.add("Parameters." + name + ": has no Type");
      return;
    }
    for (Object key : body.keySet()) {
      if (!PARAMETER_KEYS.contains(key)) {
        errors.add("Parameters." + name + ": unknown parameter property '" + key + "'");
      }
    }
  }

  /** Returns whether the resource is a SAM type. */
  private boolean checkResource(String id, Object value) {
    String path = "Resources." + id;
    if (!(value instanceof Map<?, ?> body)) {
      errors.add(path + ": is not a mapping");
      return false;
    }
    for (Object key : body.keySet()) {
      if (!RESOURCE_KEYS.contains(key)) {
        errors.add(path + ": unknown resource attribute '" + key + "'");
      }
    }
    if (parameters.containsKey(id)) {
      errors.add(path + ": logical id is also a parameter name");
    }
    POLICY_VALUES.forEach(
        (attribute, allowed) -> {
          Object policy = body.get(attribute);
          if (policy != null && !allowed.contains(policy)) {
            errors.add(path + "." + attribute + ": '" + policy + "' is not one of " + allowed);
          }
        });
    for (Object target : asList(body.get("DependsOn"))) {
      if (!resources.containsKey(target)) {
        errors.add(path + ".DependsOn: no resource '" + target + "'");
      }
    }
    Object condition = body.get("Condition");
    if (condition != null && !conditions.containsKey(condition)) {
      errors.add(path + ".Condition: no condition '" + condition + "'");
    }
    String type = String.valueOf(body.get("Type"));
    AwsSpec.Resource resource = spec.resource(type).orElse(null);
    if (resource == null) {
      errors.add(path + ".Type: unknown resource type '" + type + "'");
      return false;
    }
    Object properties = body.get("Properties");
    if (properties == null) {
      properties = Map.of();
    }
    if (properties instanceof Map<?, ?> map) {
      checkObject(map, type, resource.properties(), path + ".Properties");
    } else {
      errors.add(path + ".Properties: is not a mapping");
    }
    return type.startsWith("AWS::Serverless::");
  }

  private void checkObject(
      Map<?, ?> object, String typeName, Map<String, AwsSpec.Property> known, String path) {
    for (Map.Entry<?, ?> entry : object.entrySet()) {
      String name = String.valueOf(entry.getKey());
      AwsSpec.Property property = known.get(name);
      if (property == null) {
        errors.add(path + ": unknown property '" + name + "' (known: " + known.keySet() + ")");
        continue;
      }
      AwsSpec.Type type = property.type();
      AwsSpec.Type eventType = samEventProperties(object, name, type);
      checkValue(entry.getValue(), eventType != null ? eventType : type, path + "." + name);
    }
    known.forEach(
        (name, property) -> {
          if (property.required()
              && !object.containsKey(name)
              && !NOT_ACTUALLY_REQUIRED.getOrDefault(typeName, Set.of()).contains(name)) {
            errors.add(path + ": missing required property '" + name + "'");
          }
        });
  }

  /**
   * A SAM event source is {@code {Type: Schedule, Properties: ...}} where the spec types {@code
   * Properties} as the union of every event kind; the kind named by {@code Type} is the one that
   * applies (definitions are named {@code <Type>Event}: ScheduleEvent, SQSEvent, ...).
   */
  private AwsSpec.Type samEventProperties(Map<?, ?> object, String name, AwsSpec.Type type) {
    if (!name.equals("Properties") || !type.kind().equals("union")) {
      return null;
    }
    if (!(object.get("Type") instanceof String kind)) {
      return null;
    }
    for (AwsSpec.Type member : type.members()) {
      if (member.ref() != null && spec.definition(member.ref()).name().equals(kind + "Event")) {
        return member;
      }
    }
    errors.add("event type '" + kind + "' is not in the specification");
    return null;
  }

  private void checkValue(Object value, AwsSpec.Type type, String path) {
    if (isIntrinsic(value)) {
      Map<?, ?> function = (Map<?, ?>) value;
      if (function.get("Fn::If") instanceof List<?> args && args.size() == 3) {
        for (int branch = 1; branch <= 2; branch++) {
          if (!isNoValue(args.get(branch))) {
            checkValue(args.get(branch), type, path + "<If branch " + branch + ">");
          }
        }
      }
      return;
    }
    switch (type.kind()) {
      case "json" -> {}
      case "array" -> {
        if (value instanceof List<?> list) {
          for (int i = 0; i < list.size(); i++) {
            checkValue(list.get(i), type.element(), path + "[" + i + "]");
          }
        } else {
          errors.add(path + ": expected a list");
        }
      }
      case "map" -> {
        if (value instanceof Map<?, ?> map) {
          map.forEach((key, item) -> checkValue(item, type.element(), path + "." + key));
        } else {
          errors.add(path + ": expected a mapping");
        }
      }
      case "tag" -> {
        if (!(value instanceof Map<?, ?> map)
            || !Set.of("Key", "Value").containsAll(map.keySet())) {
          errors.add(path + ": expected a tag {Key, Value}");
        }
      }
      case "ref" -> {
        if (value instanceof Map<?, ?> map) {
          AwsSpec.Definition definition = spec.definition(type.ref());
          checkObject(map, definition.name(), definition.properties(), path);
        } else {
          errors.add(path + ": expected a mapping (" + spec.definition(type.ref()).name() + ")");
        }
      }
      case "union" -> checkUnion(value, type, path);
      default -> {
        if (value instanceof Map || value instanceof List) {
          errors.add(path + ": expected a " + type.kind() + ", found a structure");
        }
      }
    }
  }

  /** A union value is valid when it matches one member; otherwise the closest member's errors. */
  private void checkUnion(Object value, AwsSpec.Type type, String path) {
    List<String> outer = errors;
    List<String> best = null;
    for (AwsSpec.Type member : type.members()) {
      errors = new ArrayList<>();
      checkValue(value, member, path);
      List<String> found = errors;
      errors = outer;
      if (found.isEmpty()) {
        return;
      }
      if (best == null || found.size() < best.size()) {
        best = found;
      }
    }
    if (best != null) {
      errors.addAll(best);
    }
  }

  private void checkReferences(Object node, String path, boolean inConditions) {
    if (node instanceof Map<?, ?> map) {
      if (map.size() == 1) {
        checkIntrinsic(map, path, inConditions);
      }
      map.forEach((key, child) -> checkReferences(child, path + "." + key, inConditions));
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        checkReferences(list.get(i), path + "[" + i + "]", inConditions);
      }
    }
  }

  private void checkIntrinsic(Map<?, ?> map, String path, boolean inConditions) {
    Map.Entry<?, ?> only = map.entrySet().iterator().next();
    String key = String.valueOf(only.getKey());
    Object arg = only.getValue();
    switch (key) {
      case "Ref" -> checkRef(String.valueOf(arg), path);
      case "Fn::GetAtt" -> {
        List<?> parts = arg instanceof String text ? List.of(text.split("\\.", 2)) : asList(arg);
        if (parts.size() != 2) {
          errors.add(path + ": Fn::GetAtt needs [resource, attribute], got " + arg);
        } else if (parts.get(1) instanceof String attribute) {
          checkGetAtt(String.valueOf(parts.get(0)), attribute, path);
        }
      }
      case "Fn::Sub" -> checkSub(arg, path);
      case "Fn::If" -> {
        List<?> args = asList(arg);
        if (args.size() != 3) {
          errors.add(path + ": Fn::If needs [condition, then, else]");
        } else if (!conditions.containsKey(args.get(0))) {
          errors.add(path + ": Fn::If names no condition '" + args.get(0) + "'");
        }
      }
      case "Condition" -> {
        if (inConditions && !conditions.containsKey(arg)) {
          errors.add(path + ": no condition '" + arg + "'");
        }
      }
      default -> {}
    }
  }

  private void checkRef(String target, String path) {
    if (!parameters.containsKey(target)
        && !resources.containsKey(target)
        && !PSEUDO_PARAMETERS.contains(target)) {
      errors.add(path + ": Ref to '" + target + "', which is no parameter or resource");
    }
  }

  private void checkGetAtt(String id, String attribute, String path) {
    if (!(resources.get(id) instanceof Map<?, ?> body)) {
      errors.add(path + ": Fn::GetAtt of unknown resource '" + id + "'");
      return;
    }
    String type = String.valueOf(body.get("Type"));
    String attributeType = SAM_GENERATED.getOrDefault(type, type);
    AwsSpec.Resource resource = spec.resource(attributeType).orElse(null);
    if (resource != null && !resource.attributes().contains(attribute)) {
      errors.add(
          path
              + ": "
              + type
              + " has no attribute '"
              + attribute
              + "' (has: "
              + resource.attributes()
              + ")");
    }
  }

  private void checkSub(Object arg, String path) {
    List<?> args = arg instanceof String ? List.of(arg) : asList(arg);
    if (args.isEmpty() || !(args.get(0) instanceof String text)) {
      return;
    }
    Map<?, ?> variables = args.size() > 1 && args.get(1) instanceof Map<?, ?> m ? m : Map.of();
    Matcher matcher = SUB_VARIABLE.matcher(text);
    while (matcher.find()) {
      String name = matcher.group(1).trim();
      if (name.startsWith("!") || variables.containsKey(name)) {
        continue;
      }
      int dot = name.indexOf('.');
      if (dot > 0 && !PSEUDO_PARAMETERS.contains(name)) {
        checkGetAtt(name.substring(0, dot), name.substring(dot + 1), path);
      } else {
        checkRef(name, path);
      }
    }
  }

  private static boolean isIntrinsic(Object value) {
    if (!(value instanceof Map<?, ?> map) || map.size() != 1) {
      return false;
    }
    String key = String.valueOf(map.keySet().iterator().next());
    return key.equals("Ref") || key.startsWith("Fn::");
  }

  private static boolean isNoValue(Object value) {
    return value instanceof Map<?, ?> map && "AWS::NoValue".equals(map.get("Ref"));
  }

  private static List<?> asList(Object value) {
    if (value == null) {
      return List.of();
    }
    return value instanceof List<?> list ? list : List.of(value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> template, String name) {
    Object value = template.get(name);
    return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
  }
}
