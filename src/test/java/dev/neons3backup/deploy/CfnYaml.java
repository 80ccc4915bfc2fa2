package dev.neons3backup.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation/SAM YAML template into plain maps and lists, turning the short-form tags
 * into their long form exactly as CloudFormation does: {@code !Ref X} becomes {@code {Ref: X}},
 * {@code !GetAtt A.B} becomes {@code {Fn::GetAtt: [A, B]}}, {@code !Condition C} becomes {@code
 * {Condition: C}} and every other {@code !Name} becomes {@code {Fn::Name: ...}}.
 */
final class CfnYaml {
  private static final List<String> FN_TAGS =
      List.of(
          "Base64",
          "Cidr",
          "Equals",
          "FindInMap",
          "GetAZs",
          "If",
          "ImportValue",
          "Join",
          "Not",
          "And",
          "Or",
          "Select",
          "Split",
          "Sub",
          "Transform",
          "Length",
          "ToJsonString");

  private CfnYaml() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> load(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return (Map<String, Object>) new Yaml(new CfnConstructor()).load(reader);
    }
  }

  private static final class CfnConstructor extends SafeConstructor {
    CfnConstructor() {
      super(new LoaderOptions());
      yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
      yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
      yamlConstructors.put(new Tag("!GetAtt"), new GetAtt());
      for (String name : FN_TAGS) {
        yamlConstructors.put(new Tag("!" + name), new Intrinsic("Fn::" + name));
      }
    }

    Object constructAny(Node node) {
      if (node instanceof ScalarNode scalar) {
        return constructScalar(scalar);
      }
      if (node instanceof SequenceNode sequence) {
        List<Object> list = new ArrayList<>();
        for (Node child : sequence.getValue()) {
          list.add(constructObject(child));
        }
        return list;
      }
      return constructMapping((MappingNode) node);
    }

    private final class Intrinsic extends AbstractConstruct {
      private final String key;

      Intrinsic(String key) {
        this.key = key;
      }

      @Override
      public Object construct(Node node) {
        return Map.of(key, constructAny(node));
      }
    }

    /** {@code !GetAtt Resource.Attribute.Path} splits at the first dot, like CloudFormation. */
    private final class GetAtt extends AbstractConstruct {
      @Override
      public Object construct(Node node) {
        Object value = constructAny(node);
        if (value instanceof String text) {
          int dot = text.indexOf('.');
          value =
              dot < 0 ? List.of(text) : List.of(text.substring(0, dot), text.substring(dot + 1));
        }
        return Map.of("Fn::GetAtt", value);
      }
    }
  }
}
