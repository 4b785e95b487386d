package io.quantix.agent.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The examples' tiny command line: positional arguments, and {@code --name value} options such as
 * {@code --for 10s} (how long to run; CI passes it to bound a smoke run).
 */
final class ExampleArgs {
  private final List<String> positional = new ArrayList<>();
  private final Map<String, String> options = new HashMap<>();

  private ExampleArgs() {}

  static ExampleArgs parse(String... args) {
    ExampleArgs a = new ExampleArgs();
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        a.options.put(args[i].substring(2), args[++i]);
      } else {
        a.positional.add(args[i]);
      }
    }
    return a;
  }

  /** The {@code index}th positional argument, or null. */
  String positional(int index) {
    return index < positional.size() ? positional.get(index) : null;
  }

  int positionalCount() {
    return positional.size();
  }

  /** {@code --name} as a duration ({@code 500ms}, {@code 5s}, {@code 2m}), or {@code fallback}. */
  Duration duration(String name, Duration fallback) {
    String v = options.get(name);
    if (v == null) {
      return fallback;
    }
    String t = v.strip().toLowerCase(Locale.ROOT);
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    if (t.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
    }
    if (t.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
    }
    throw new IllegalArgumentException("--" + name + ": '" + v + "' is not a duration like 10s");
  }

  /** {@code --name} as a whole number, or {@code fallback}. */
  int integer(String name, int fallback) {
    String v = options.get(name);
    return v == null ? fallback : Integer.parseInt(v.strip());
  }
}
