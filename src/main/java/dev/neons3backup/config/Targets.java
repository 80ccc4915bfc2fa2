package dev.neons3backup.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.neons3backup.BackupException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the list of databases from the secret's JSON: {@code {"databases": [{"name": "…", "url":
 * "postgresql://…"}]}}, and the optional {@code "neon"} object ({@link NeonSettingsJson}), with
 * which {@code databases} may be left out. Every error names where it was found and never quotes a
 * URL or the API key.
 *
 * <p>What refuses the whole list (nothing is backed up) and what fails one entry: the JSON itself
 * (not JSON, a BOM, a key twice at any level, anything after the object), a missing or empty {@code
 * databases} array, an entry that is not an object, and a name that is missing, unsafe or used
 * twice refuse the list — names are what results, keys and retries are tied to. A missing or
 * malformed URL fails that entry alone, with its reason, and the others are backed up.
 */
public final class Targets {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");
  private static final Set<String> KNOWN_KEYS = knownKeys();
  private static final String SHAPE =
      "it must look like {\"databases\": [{\"name\": \"my-db\", \"url\": \"postgresql://…\"}]}";

  /** The secret's optional scratch server for restore drills. */
  public static final String DRILL_TARGET = "drillTarget";

  /** The name a drill target carries in messages. */
  public static final String DRILL_TARGET_NAME = "drill-target";

  private Targets() {}

  /**
   * The secret's {@code "drillTarget": "postgresql://…"}, parsed as strictly as the list (the same
   * JSON rules) and masked as its entries are; empty when the key is absent.
   */
  public static Optional<DatabaseTarget> drillTarget(String source, String json) {
    JsonNode node = root(source, json).get(DRILL_TARGET);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw BackupException.config(
          source
              + " has a \"drillTarget\" that is not a URL string; set it to the libpq URL of a"
              + " scratch server, e.g. \"postgresql://user:pw@host/postgres\".");
    }
    return Optional.of(DatabaseTarget.of(DRILL_TARGET_NAME, node.asText()));
  }

  /** The keys a message may quote when one is doubled; no value is ever quoted. */
  private static Set<String> knownKeys() {
    Set<String> keys = new HashSet<>(Set.of("databases", "name", "url", "neon", DRILL_TARGET));
    keys.addAll(NeonSettingsJson.KEYS);
    return Set.copyOf(keys);
  }

  /** {@code source} says where the JSON came from ("secret 'x'"), for messages. */
  public static TargetList fromJson(String source, String json) {
    JsonNode root = root(source, json);
    Optional<NeonSettings> neon =
        Optional.ofNullable(root.get("neon")).map(n -> NeonSettingsJson.parse(source, n));
    JsonNode list = root.get("databases");
    if (neon.isPresent() && (list == null || list.isArray() && list.isEmpty())) {
      // Discovery alone is a complete configuration.
      return new TargetList(List.of(), List.of(), neon);
    }
    if (list == null || !list.isArray()) {
      throw BackupException.config(
          source + " has no \"databases\" array; it must look like {\"databases\": [...]}.");
    }
    if (list.isEmpty()) {
      throw BackupException.config(
          source + " lists no databases; add at least one {\"name\": …, \"url\": …}.");
    }
    List<DatabaseTarget> targets = new ArrayList<>();
    List<TargetList.Rejected> rejected = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String name = name(source, i, list.get(i));
      if (!seen.add(name)) {
        throw BackupException.config(
            source + " lists database '" + name + "' twice; names must be unique.");
      }
      try {
        targets.add(entry(source, name, list.get(i)));
      } catch (BackupException e) {
        rejected.add(new TargetList.Rejected(i, name, e.getMessage()));
      }
    }
    return new TargetList(targets, rejected, neon);
  }

  private static JsonNode root(String source, String json) {
    String text = json == null ? "" : json;
    if (text.startsWith("\uFEFF")) {
      throw BackupException.config(
          source
              + " starts with a byte order mark (BOM, bytes EF BB BF); save it as UTF-8 without a"
              + " BOM (e.g. sed -i '1s/^\\xEF\\xBB\\xBF//' FILE).");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw BackupException.config(source + problem(e));
    }
    if (root == null || !root.isObject()) {
      throw BackupException.config(source + " is not a JSON object; " + SHAPE + ".");
    }
    return root;
  }

  /** What is wrong with the JSON, without quoting it: the text around an error may hold a URL. */
  private static String problem(IOException e) {
    String at = "";
    if (e instanceof JsonProcessingException j && j.getLocation() != null) {
      at =
          " (line "
              + j.getLocation().getLineNr()
              + ", column "
              + j.getLocation().getColumnNr()
              + ")";
    }
    String message = String.valueOf(e.getMessage());
    Matcher duplicate = DUPLICATE.matcher(message);
    if (duplicate.find()) {
      String key =
          KNOWN_KEYS.contains(duplicate.group(1)) ? "\"" + duplicate.group(1) + "\"" : "a key";
      return " has "
          + key
          + " twice in one object"
          + at
          + "; each key may appear once: merge or remove one (nothing was backed up).";
    }
    if (message.startsWith("Trailing token")) {
      return " has more after its JSON object"
          + at
          + "; it must hold exactly one object: merge the \"databases\" lists into one.";
    }
    return " is not valid JSON" + at + "; " + SHAPE + ".";
  }

  private static String name(String source, int index, JsonNode node) {
    String where = source + ", databases[" + index + "]";
    if (node == null || !node.isObject()) {
      throw BackupException.config(where + " is not an object with \"name\" and \"url\".");
    }
    JsonNode name = node.get("name");
    if (name == null || !name.isTextual()) {
      throw BackupException.config(where + " has no \"name\"; add one such as \"my-app-prod\".");
    }
    DatabaseTarget.checkName(name.asText());
    return name.asText();
  }

  private static DatabaseTarget entry(String source, String name, JsonNode node) {
    JsonNode url = node.get("url");
    if (url == null || !url.isTextual() || url.asText().isBlank()) {
      throw BackupException.config(
          "database '" + name + "' in " + source + " has no \"url\"; add its libpq URL.");
    }
    return DatabaseTarget.of(name, url.asText());
  }
}
