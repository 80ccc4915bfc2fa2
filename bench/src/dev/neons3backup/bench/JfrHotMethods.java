package dev.neons3backup.bench;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording for bench/README.md: where the samples are, by thread, by top frame
 * and by the first frame in a "interesting" package (JDK 17's {@code jfr} tool has no {@code view
 * hot-methods}). Java samples ({@code jdk.ExecutionSample}) are threads running Java code; native
 * samples ({@code jdk.NativeMethodSample}) are threads inside a native method, which is CPU for
 * {@code Deflater.deflateBytesBytes} but waiting for {@code FileInputStream.readBytes} (the pipe)
 * or {@code SocketInputStream} reads.
 *
 * <p>Usage: {@code JfrHotMethods RECORDING.jfr [TOP]}.
 */
public final class JfrHotMethods {
  private JfrHotMethods() {}

  public static void main(String[] args) throws Exception {
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    Map<String, Map<String, Integer>> byTop = new HashMap<>();
    Map<String, Map<String, Integer>> byThread = new HashMap<>();
    Map<String, Integer> totals = new HashMap<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      String type = e.getEventType().getName();
      String kind =
          switch (type) {
            case "jdk.ExecutionSample" -> "java";
            case "jdk.NativeMethodSample" -> "native";
            default -> null;
          };
      if (kind == null || e.getStackTrace() == null) {
        continue;
      }
      String thread =
          e.getThread("sampledThread") == null
              ? "?"
              : e.getThread("sampledThread").getJavaName().replaceAll("-\\d+$", "-N");
      String frame = frame(e.getStackTrace());
      totals.merge(kind, 1, Integer::sum);
      byTop
          .computeIfAbsent(kind, k -> new HashMap<>())
          .merge(thread + "  " + frame, 1, Integer::sum);
      byThread.computeIfAbsent(kind, k -> new HashMap<>()).merge(thread, 1, Integer::sum);
    }
    for (String kind : List.of("java", "native")) {
      int total = totals.getOrDefault(kind, 0);
      System.out.printf("%n%s samples: %d%n", kind, total);
      print("by thread", byThread.getOrDefault(kind, Map.of()), total, top);
      print("by thread and top frame", byTop.getOrDefault(kind, Map.of()), total, top);
    }
  }

  private static String frame(RecordedStackTrace stack) {
    List<RecordedFrame> frames = stack.getFrames();
    if (frames.isEmpty()) {
      return "?";
    }
    RecordedFrame f = frames.get(0);
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static void print(String title, Map<String, Integer> counts, int total, int top) {
    System.out.println("  " + title + ":");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
        .limit(top)
        .forEach(
            en ->
                System.out.printf(
                    "    %5.1f%%  %6d  %s%n",
                    100.0 * en.getValue() / Math.max(1, total), en.getValue(), en.getKey()));
  }
}
