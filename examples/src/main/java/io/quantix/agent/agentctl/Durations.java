package io.quantix.agent.agentctl;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Durations on the command line: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO {@code PT5S}. */
final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

  private Durations() {}

  /** Parses a positive duration. */
  static Duration parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Duration d;
    Matcher m = SIMPLE.matcher(t);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms":
            d = Duration.ofMillis(n);
            break;
          case "s":
            d = Duration.ofSeconds(n);
            break;
          case "m":
            d = Duration.ofMinutes(n);
            break;
          default:
            d = Duration.ofHours(n);
            break;
        }
      } else if (t.startsWith("pt") || t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException | ArithmeticException | DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 5s, 500ms or 2m");
    }
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("'" + text + "': the duration must be positive");
    }
    return d;
  }

  /**
   * Checks a duration the guest receives in whole seconds: anything under a second, or with a
   * fraction of one, is refused rather than silently rounded.
   *
   * @param option the option's name, for the message
   * @throws CliError a usage error
   */
  static Duration wholeSeconds(String option, Duration d) {
    if (d != null && (d.toSeconds() < 1 || d.toNanos() % 1_000_000_000L != 0)) {
      throw CliError.usage(option + " goes to the guest in whole seconds: "
          + Format.duration(d) + " would be rounded; give e.g. " + Math.max(1, d.toSeconds()) + "s");
    }
    return d;
  }

  /** picocli converter: a bad value is a usage error. */
  static final class Converter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
