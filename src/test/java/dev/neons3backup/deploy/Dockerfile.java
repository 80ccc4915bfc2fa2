package dev.neons3backup.deploy;

import java.util.ArrayList;
import java.util.List;

/** The instructions of a Dockerfile: continuation lines joined, comments dropped. */
record Dockerfile(List<Instruction> instructions) {
  record Instruction(String keyword, String arguments) {}

  static Dockerfile parse(String text) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.length() == 0)) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      pending.append(trimmed);
      String joined = pending.toString().strip();
      pending.setLength(0);
      if (!joined.isEmpty()) {
        String[] parts = joined.split("\\s+", 2);
        instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
      }
    }
    return new Dockerfile(List.copyOf(instructions));
  }

  List<String> all(String keyword) {
    return instructions.stream()
        .filter(i -> i.keyword().equals(keyword))
        .map(Instruction::arguments)
        .toList();
  }

  String last(String keyword) {
    List<String> found = all(keyword);
    if (found.isEmpty()) {
      throw new AssertionError("Dockerfile has no " + keyword);
    }
    return found.get(found.size() - 1);
  }

  /** The instructions of each stage, each list starting with its FROM. */
  List<Dockerfile> stages() {
    List<Dockerfile> stages = new ArrayList<>();
    int from = -1;
    for (int i = 0; i <= instructions.size(); i++) {
      if (i == instructions.size() || instructions.get(i).keyword().equals("FROM")) {
        if (from >= 0) {
          stages.add(new Dockerfile(instructions.subList(from, i)));
        }
        from = i;
      }
    }
    return stages;
  }

  /** The ARG instructions before the first FROM: the only ones a FROM line can use. */
  List<String> globalArgs() {
    List<String> args = new ArrayList<>();
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals("FROM")) {
        break;
      }
      if (instruction.keyword().equals("ARG")) {
        args.add(instruction.arguments());
      }
    }
    return args;
  }

  /** The instructions of the last stage (after its FROM). */
  Dockerfile finalStage() {
    int from = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals("FROM")) {
        from = i;
      }
    }
    return new Dockerfile(instructions.subList(from, instructions.size()));
  }
}
