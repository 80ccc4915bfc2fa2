package dev.neons3backup.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neons3backup.BackupException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the secret's {@code neon} object. Strict: an unknown key (a typo such as {@code
 * "snapshots"}) or a value of the wrong type refuses the whole secret, since a selection silently
 * ignored would back up the wrong databases. Messages never quote the API key.
 */
final class NeonSettingsJson {
  static final Set<String> KEYS =
      Set.of("api_key", "org_id", "projects", "branches", "all_branches", "databases", "snapshot");
  static final String SHAPE =
      "{\"neon\": {\"api_key\": \"napi_…\", \"projects\": [\"shop-*\"], \"branches\": [\"main\"],"
          + " \"all_branches\": false, \"databases\": [\"!scratch\"], \"snapshot\": false,"
          + " \"org_id\": \"org-…\"}}";

  private NeonSettingsJson() {}

  static NeonSettings parse(String source, JsonNode node) {
    String where = source + ", \"neon\"";
    if (!node.isObject()) {
      throw BackupException.config(where + " is not an object; it must look like " + SHAPE + ".");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw BackupException.config(
            where + " has an unknown key \"" + key + "\"; the keys are " + sorted() + ".");
      }
    }
    JsonNode key = node.get("api_key");
    if (key == null || !key.isTextual() || key.asText().isBlank()) {
      throw BackupException.config(
          where
              + " has no \"api_key\"; add a Neon API key (organization settings, API keys in the"
              + " Neon Console).");
    }
    return new NeonSettings(
        key.asText().strip(),
        text(where, node, "org_id"),
        globs(where, node, "projects"),
        globs(where, node, "branches"),
        flag(where, node, "all_branches"),
        globs(where, node, "databases"),
        flag(where, node, "snapshot"));
  }

  private static Optional<String> text(String where, JsonNode node, String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw BackupException.config(where + " has \"" + name + "\" that is not a non-empty string.");
    }
    return Optional.of(v.asText().strip());
  }

  private static List<String> globs(String where, JsonNode node, String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return List.of();
    }
    String wrong =
        where
            + " has \""
            + name
            + "\" that is not a list of non-empty strings; write e.g. [\"shop-*\", \"!staging-*\"].";
    if (!v.isArray()) {
      throw BackupException.config(wrong);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode g : v) {
      if (!g.isTextual() || g.asText().isEmpty() || g.asText().equals("!")) {
        throw BackupException.config(wrong);
      }
      out.add(g.asText());
    }
    return out;
  }

  private static boolean flag(String where, JsonNode node, String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw BackupException.config(
          where + " has \"" + name + "\" that is not true or false (without quotes).");
    }
    return v.asBoolean();
  }

  private static String sorted() {
    return String.join(", ", KEYS.stream().sorted().toList());
  }
}
