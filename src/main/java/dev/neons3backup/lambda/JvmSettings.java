package dev.neons3backup.lambda;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * The JIT and heap settings in effect in this JVM, as HotSpot reports them. Lambda's Java 21
 * runtime stops the JIT at level 1 (C1) by default and the template asks for level 4 through
 * JAVA_TOOL_OPTIONS; whether that request wins can only be seen in the running function, so the
 * handler logs these once per cold start.
 *
 * @param tieredCompilation the VM option {@code TieredCompilation}; empty when not readable
 * @param tieredStopAtLevel the VM option {@code TieredStopAtLevel}; empty when not readable
 * @param maxHeapBytes {@link Runtime#maxMemory()}
 */
record JvmSettings(
    Optional<Boolean> tieredCompilation, Optional<Integer> tieredStopAtLevel, long maxHeapBytes) {

  static JvmSettings current() {
    return new JvmSettings(
        vmOption("TieredCompilation").map(Boolean::parseBoolean),
        vmOption("TieredStopAtLevel").map(Integer::parseInt),
        Runtime.getRuntime().maxMemory());
  }

  long maxHeapMib() {
    return maxHeapBytes / (1024 * 1024);
  }

  /** The highest compiler in use: level 4 is C2, 1 to 3 are C1, 0 is the interpreter alone. */
  String compiler() {
    if (tieredCompilation.isEmpty() || tieredStopAtLevel.isEmpty()) {
      return "unknown";
    }
    int level = tieredCompilation.get() ? tieredStopAtLevel.get() : 4;
    return level >= 4 ? "C2" : level >= 1 ? "C1" : "interpreter";
  }

  String describe() {
    return "JVM settings: TieredCompilation="
        + tieredCompilation.map(String::valueOf).orElse("unknown")
        + " TieredStopAtLevel="
        + tieredStopAtLevel.map(String::valueOf).orElse("unknown")
        + " (JIT up to "
        + compiler()
        + "), max heap "
        + maxHeapMib()
        + " MiB";
  }

  /** A logging aid must never fail a cold start: a VM without the option reads as empty. */
  private static Optional<String> vmOption(String name) {
    try {
      HotSpotDiagnosticMXBean hotspot =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return hotspot == null ? Optional.empty() : Optional.of(hotspot.getVMOption(name).getValue());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }
}
