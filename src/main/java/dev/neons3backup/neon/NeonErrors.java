package dev.neons3backup.neon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;

/**
 * One-line messages for the Neon API's refusals: what failed and what to do. Neon's error body is
 * {@code {"code": "...", "message": "..."}} (the {@code GeneralError} schema); only its message is
 * quoted, shortened and scrubbed of the API key, never the rest of a body.
 */
final class NeonErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NeonErrors() {}

  static NeonApiException of(int status, String body, String what, NeonConfig config) {
    String said = message(body, config);
    String detail = " (" + status + (said.isEmpty() ? "" : ": " + said) + ")";
    return switch (status) {
      case 401 ->
          new NeonApiException(
              status,
              ErrorCode.CONFIG,
              "the Neon API key was refused when trying to "
                  + what
                  + detail
                  + "; check NEON_API_KEY (it may be revoked or mistyped).");
      case 403 ->
          new NeonApiException(
              status,
              ErrorCode.CONFIG,
              "the Neon API key may not "
                  + what
                  + detail
                  + "; use an organization API key, or a personal key of a member of the"
                  + " organization, or select only the project a project-scoped key belongs to.");
      case 404 ->
          new NeonApiException(
              status,
              ErrorCode.CONFIG,
              "the Neon API found nothing when trying to "
                  + what
                  + detail
                  + "; check the project and NEON_ORG_ID, and that NEON_API_URL ends in /api/v2.");
      default ->
          new NeonApiException(
              status,
              status >= 500 ? ErrorCode.DATABASE : ErrorCode.CONFIG,
              "the Neon API could not "
                  + what
                  + detail
                  + (status >= 500
                      ? "; Neon may be having trouble: run again later."
                      : "; check NEON_ORG_ID and the selection."));
    };
  }

  static BackupException throttled(String what, int attempts) {
    return new BackupException(
        ErrorCode.DATABASE,
        "the Neon API kept refusing requests as too many (429) when trying to "
            + what
            + ", "
            + attempts
            + " times; another client may be using the same account's rate limit: run again"
            + " later.");
  }

  private static String message(String body, NeonConfig config) {
    try {
      JsonNode node = JSON.readTree(body);
      String m = node.path("message").asText("");
      m = m.replaceAll("\\s+", " ").trim();
      if (m.length() > 200) {
        m = m.substring(0, 200) + "…";
      }
      return scrub(m, config);
    } catch (Exception e) {
      return "";
    }
  }

  /** {@code text} with the API key, should a server echo it, replaced by asterisks. */
  static String scrub(String text, NeonConfig config) {
    return text.replace(config.apiKey(), "****");
  }
}
