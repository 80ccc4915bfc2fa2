package dev.neons3backup.it;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

final class TestEncoding {
  private TestEncoding() {}

  static String percentEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
