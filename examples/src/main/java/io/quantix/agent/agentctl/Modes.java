package io.quantix.agent.agentctl;

import picocli.CommandLine;

/** Octal permission bits on the command line: {@code 0644}, {@code 644}, {@code 0o755}. */
final class Modes implements CommandLine.ITypeConverter<Integer> {
  @Override
  public Integer convert(String value) {
    String t = value.strip();
    if (t.startsWith("0o") || t.startsWith("0O")) {
      t = t.substring(2);
    }
    try {
      int mode = Integer.parseInt(t, 8);
      if (!t.isEmpty() && t.charAt(0) != '-' && t.charAt(0) != '+' && mode <= 07777) {
        return mode;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CommandLine.TypeConversionException(
        "'" + value + "' is not an octal mode within 0000..7777, such as 0644");
  }
}
