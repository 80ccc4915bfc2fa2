package dev.neons3backup.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.BackupException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the list of databases from the secret's JSON: {@code {"databases": [{"name": "…", "url":
 * "postgresql://…"}]}}. Every error names where it was found and never quotes a URL.
 */
public final class Targets {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Targets() {}

  /** {@code source} says where the JSON came from ("secret 'x'"), for messages. */
  public static List<DatabaseTarget> fromJson(String source, String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json == null ? "" : json);
    } catch (IOException e) {
      throw BackupException.config(
          source
              + " is not valid JSON; it must look like {\"databases\": [{\"name\": \"my-db\","
              + " \"url\": \"postgresql://…\"}]}.");
    }
    JsonNode list = root == null ? null : root.get("databases");
    if (list == null || !list.isArray()) {
      throw BackupException.config(
          source + " has no \"databases\" array; it must look like {\"databases\": [...]}.");
    }
    if (list.isEmpty()) {
      throw BackupException.config(
          source + " lists no databases; add at least one {\"name\": …, \"url\": …}.");
    }
    List<DatabaseTarget> targets = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      DatabaseTarget target = entry(source, i, list.get(i));
      if (!seen.add(target.name())) {
        throw BackupException.config(
            source + " lists database '" + target.name() + "' twice; names must be unique.");
      }
      targets.add(target);
    }
    return List.copyOf(targets);
  }

  private static DatabaseTarget entry(String source, int index, JsonNode node) {
    String where = source + ", databases[" + index + "]";
    if (node == null || !node.isObject()) {
      throw BackupException.config(where + " is not an object with \"name\" and \"url\".");
    }
    JsonNode name = node.get("name");
    if (name == null || !name.isTextual()) {
      throw BackupException.config(where + " has no \"name\"; add one such as \"my-app-prod\".");
    }
    DatabaseTarget.checkName(name.asText());
    JsonNode url = node.get("url");
    if (url == null || !url.isTextual() || url.asText().isBlank()) {
      throw BackupException.config(
          "database '" + name.asText() + "' in " + source + " has no \"url\"; add its libpq URL.");
    }
    return DatabaseTarget.of(name.asText(), url.asText());
  }
}
