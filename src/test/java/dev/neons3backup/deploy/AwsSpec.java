package dev.neons3backup.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * The published AWS resource specification as shipped in the npm package
 * {@code @aws-cdk/aws-service-spec} (file {@code db.json.gz}): every CloudFormation resource type
 * with its properties, their types and its {@code Fn::GetAtt} attributes, and the {@code
 * AWS::Serverless::*} types of the SAM transform. Installed by {@code scripts/fetch-aws-spec}.
 */
final class AwsSpec {
  /**
   * Where {@code scripts/fetch-aws-spec} puts the package; overridable with {@code -Daws.spec.db}.
   */
  static final String DEFAULT_LOCATION =
      ".cache/aws-spec/node_modules/@aws-cdk/aws-service-spec/db.json.gz";

  record Type(String kind, Type element, String ref, List<Type> members) {}

  record Property(Type type, boolean required) {}

  record Definition(String name, Map<String, Property> properties) {}

  record Resource(String cfnType, Map<String, Property> properties, Set<String> attributes) {}

  private static AwsSpec loaded;

  final String version;
  private final Map<String, Resource> resources;
  private final Map<String, Definition> definitions;

  private AwsSpec(String version, Map<String, Resource> resources, Map<String, Definition> defs) {
    this.version = version;
    this.resources = resources;
    this.definitions = defs;
  }

  /** Loads (once per JVM) the spec; throws with the fix when it is missing, never skips. */
  static synchronized AwsSpec load() throws IOException {
    if (loaded == null) {
      Path db = Path.of(System.getProperty("aws.spec.db", DEFAULT_LOCATION)).toAbsolutePath();
      if (!Files.isRegularFile(db)) {
        throw new IllegalStateException(
            "AWS resource specification not found at "
                + db
                + ": run scripts/fetch-aws-spec (or pass -Daws.spec.db=/path/to/db.json.gz)");
      }
      loaded = parse(db);
    }
    return loaded;
  }

  Optional<Resource> resource(String cfnType) {
    return Optional.ofNullable(resources.get(cfnType));
  }

  Definition definition(String id) {
    Definition definition = definitions.get(id);
    if (definition == null) {
      throw new IllegalStateException("spec references unknown type definition " + id);
    }
    return definition;
  }

  private static AwsSpec parse(Path db) throws IOException {
    JsonNode schema;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(db))) {
      schema = new ObjectMapper().readTree(in).path("schema");
    }
    Map<String, Resource> resources = new HashMap<>();
    for (JsonNode entity : schema.path("resource").path("entities")) {
      Set<String> attributes = new TreeSet<>();
      entity.path("attributes").fieldNames().forEachRemaining(attributes::add);
      String cfnType = entity.path("cloudFormationType").asText();
      resources.put(
          cfnType, new Resource(cfnType, properties(entity.path("properties")), attributes));
    }
    Map<String, Definition> definitions = new HashMap<>();
    for (JsonNode entity : schema.path("typeDefinition").path("entities")) {
      definitions.put(
          entity.path("$id").asText(),
          new Definition(entity.path("name").asText(), properties(entity.path("properties"))));
    }
    if (resources.isEmpty() || definitions.isEmpty()) {
      throw new IllegalStateException(db + " holds no resource types: not an aws-service-spec db");
    }
    return new AwsSpec(packageVersion(db), resources, definitions);
  }

  private static Map<String, Property> properties(JsonNode node) {
    Map<String, Property> properties = new LinkedHashMap<>();
    node.fields()
        .forEachRemaining(
            field ->
                properties.put(
                    field.getKey(),
                    new Property(
                        type(field.getValue().path("type")),
                        field.getValue().path("required").asBoolean(false))));
    return properties;
  }

  private static Type type(JsonNode node) {
    List<Type> members = new ArrayList<>();
    node.path("types").forEach(member -> members.add(type(member)));
    return new Type(
        node.path("type").asText(),
        node.has("element") ? type(node.path("element")) : null,
        node.path("reference").path("$ref").asText(null),
        List.copyOf(members));
  }

  private static String packageVersion(Path db) throws IOException {
    Path packageJson = db.resolveSibling("package.json");
    if (!Files.isRegularFile(packageJson)) {
      return "unknown";
    }
    return new ObjectMapper().readTree(packageJson.toFile()).path("version").asText("unknown");
  }
}
