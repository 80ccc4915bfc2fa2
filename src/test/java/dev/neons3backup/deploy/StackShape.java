package dev.neons3backup.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The template as CloudFormation would see it for one value of FanOut (and of the Fargate inputs):
 * resources and outputs whose condition is false are gone, and every {@code Fn::If} on a decided
 * condition is replaced by its branch ({@code AWS::NoValue} removing the key or element).
 * Conditions that do not depend on them (UseKms, ObjectLockOn, HasAlarmEmail) are left as they are.
 */
final class StackShape {
  private static final Object REMOVED = new Object();
  private final Map<String, Boolean> decided;

  private StackShape(Map<String, Boolean> decided) {
    this.decided = decided;
  }

  /** FanOut as given, without Fargate (no subnets). */
  static Map<String, Object> of(Map<String, Object> template, boolean fanOut) {
    return of(template, fanOut, false);
  }

  /** {@code fargate}: subnets and image given, which takes effect only with FanOut. */
  static Map<String, Object> of(Map<String, Object> template, boolean fanOut, boolean fargate) {
    Map<String, Boolean> decided = Map.of("FanOutOn", fanOut, "HasFargate", fanOut && fargate);
    return new StackShape(decided).resolveTemplate(template);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> resolveTemplate(Map<String, Object> template) {
    Map<String, Object> copy = (Map<String, Object>) resolve(template);
    for (String section : List.of("Resources", "Outputs")) {
      Map<String, Object> entries = (Map<String, Object>) copy.get(section);
      entries.values().removeIf(body -> Boolean.FALSE.equals(condition(body)));
      entries.values().stream()
          .filter(body -> Boolean.TRUE.equals(condition(body)))
          .forEach(body -> ((Map<String, Object>) body).remove("Condition"));
    }
    return copy;
  }

  /** The decided value of the entry's condition, or null when it has none or it is undecided. */
  private Boolean condition(Object body) {
    Object name = ((Map<?, ?>) body).get("Condition");
    return name == null ? null : decided.get(String.valueOf(name));
  }

  private Object resolve(Object node) {
    if (node instanceof Map<?, ?> map) {
      if (map.size() == 1 && map.get("Fn::If") instanceof List<?> args && args.size() == 3) {
        Boolean value = decided.get(String.valueOf(args.get(0)));
        if (value != null) {
          Object branch = args.get(value ? 1 : 2);
          return isNoValue(branch) ? REMOVED : resolve(branch);
        }
      }
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach(
          (key, child) -> {
            Object resolved = resolve(child);
            if (resolved != REMOVED) {
              copy.put(String.valueOf(key), resolved);
            }
          });
      return copy;
    }
    if (node instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      for (Object child : list) {
        Object resolved = resolve(child);
        if (resolved != REMOVED) {
          copy.add(resolved);
        }
      }
      return copy;
    }
    return node;
  }

  private static boolean isNoValue(Object value) {
    return value instanceof Map<?, ?> map && "AWS::NoValue".equals(map.get("Ref"));
  }
}
