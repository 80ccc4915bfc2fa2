package dev.neons3backup.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neons3backup.BackupException;
import dev.neons3backup.config.DatabaseTarget;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One database of a fleet run, as the dispatcher sends it to a worker through the queue. It holds
 * references only, never a credential: the worker reads the password from the secret or the Neon
 * API itself, so a message in a queue, a dead-letter queue or a log line gives nothing away.
 *
 * @param run the run's key time; every attempt at this item writes the same keys
 * @param name the backup name (first segment of the object keys)
 * @param source where the worker finds the connection
 * @param snapshot dump from a snapshot branch taken at the run's moment (Neon only)
 */
public record WorkItem(Instant run, String name, Source source, boolean snapshot) {
  public static final int VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * A Neon id or a PostgreSQL database/role name as the API lists them. ':' '/' '@' and control
   * characters are refused, so no connection URL (with its password) can ever pass for one.
   */
  private static final Pattern REFERENCE = Pattern.compile("[^:/@\\p{Cntrl}\\s]{1,200}");

  public WorkItem {
    if (run == null || source == null) {
      throw new IllegalArgumentException("a work item needs a run time and a source");
    }
    checkName("name", name);
  }

  /** Where the worker finds the database's connection. */
  public sealed interface Source permits Listed, Neon {}

  /** An entry of the secret's {@code databases} list, by its name. */
  public record Listed(String entry) implements Source {
    public Listed {
      checkName("entry", entry);
    }
  }

  /** A Neon database: the worker asks the API for its connection URI. */
  public record Neon(String projectId, String branchId, String database, String role)
      implements Source {
    public Neon {
      checkReference("projectId", projectId);
      checkReference("branchId", branchId);
      checkReference("database", database);
      checkReference("role", role);
    }
  }

  /** A backup or entry name; the reference check first, so a pasted URL is never echoed. */
  private static void checkName(String field, String value) {
    checkReference(field, value);
    DatabaseTarget.checkName(value);
  }

  private static void checkReference(String field, String value) {
    if (value == null || !REFERENCE.matcher(value).matches()) {
      // The value is not echoed: it may be a pasted URL with a password.
      throw BackupException.config(
          "work item field '"
              + field
              + "' is missing or not a plain name (no ':', '/', '@', spaces or control characters).");
    }
  }

  /** The message body. */
  public String toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("v", VERSION);
    root.put("run", run.toString());
    root.put("name", name);
    ObjectNode src = root.putObject("source");
    if (source instanceof Listed l) {
      src.put("kind", "listed");
      src.put("entry", l.entry());
    } else if (source instanceof Neon n) {
      src.put("kind", "neon");
      src.put("projectId", n.projectId());
      src.put("branchId", n.branchId());
      src.put("database", n.database());
      src.put("role", n.role());
    }
    root.put("snapshot", snapshot);
    return root.toString();
  }

  /**
   * Parses a message body strictly: unknown or missing fields, another version or a wrong type are
   * refused with a one-line {@link BackupException} that never repeats a field's value.
   */
  public static WorkItem parse(String body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw malformed("the message is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw malformed("the message is not a JSON object");
    }
    onlyFields(root, Set.of("v", "run", "name", "source", "snapshot"), "message");
    if (!root.path("v").isInt() || root.path("v").asInt() != VERSION) {
      throw malformed("field 'v' must be " + VERSION);
    }
    JsonNode snapshot = root.path("snapshot");
    if (!snapshot.isBoolean()) {
      throw malformed("field 'snapshot' must be true or false");
    }
    return new WorkItem(
        instant(text(root, "run")),
        text(root, "name"),
        source(root.path("source")),
        snapshot.asBoolean());
  }

  private static Source source(JsonNode src) {
    if (!src.isObject()) {
      throw malformed("field 'source' must be an object");
    }
    String kind = text(src, "kind");
    switch (kind) {
      case "listed":
        onlyFields(src, Set.of("kind", "entry"), "source");
        return new Listed(text(src, "entry"));
      case "neon":
        onlyFields(src, Set.of("kind", "projectId", "branchId", "database", "role"), "source");
        return new Neon(
            text(src, "projectId"),
            text(src, "branchId"),
            text(src, "database"),
            text(src, "role"));
      default:
        throw malformed("source kind must be \"listed\" or \"neon\"");
    }
  }

  private static void onlyFields(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw malformed("unknown field in " + where + " (allowed: " + allowed + ")");
      }
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isTextual()) {
      throw malformed("field '" + field + "' must be a string");
    }
    return value.asText();
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw malformed("field 'run' must be an ISO-8601 instant");
    }
  }

  private static BackupException malformed(String what) {
    return BackupException.config("malformed work item: " + what + ".");
  }
}
