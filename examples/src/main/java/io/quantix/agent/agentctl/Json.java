package io.quantix.agent.agentctl;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small JSON writer for {@code --json}: maps (in insertion order), collections, strings, numbers,
 * booleans, instants (ISO-8601), durations (milliseconds) and null. One object per line, each
 * starting with the {@linkplain #line envelope}: {@code schemaVersion}, {@code vm}, {@code endpoint}.
 */
final class Json {
  /**
   * The version of agentctl's JSON lines (README, "JSON output"). Raised only when a field changes
   * meaning or disappears; new fields may appear in any version.
   */
  static final int SCHEMA_VERSION = 1;

  private Json() {}

  /**
   * One output line: {@code schemaVersion}, {@code vm} and {@code endpoint} first, then the
   * fields of {@code body} (a non-null {@code vm} or {@code endpoint} in the body wins).
   */
  static Obj line(String vm, String endpoint, Obj body) {
    Obj o = obj().put("schemaVersion", SCHEMA_VERSION).put("vm", vm).put("endpoint", endpoint);
    for (Map.Entry<String, Object> e : body.map().entrySet()) {
      boolean envelope = e.getKey().equals("vm") || e.getKey().equals("endpoint")
          || e.getKey().equals("schemaVersion");
      if (!envelope || e.getValue() != null && !e.getKey().equals("schemaVersion")) {
        o.put(e.getKey(), e.getValue());
      }
    }
    return o;
  }

  /** JSON text written as it is (already valid JSON, e.g. from protobuf's JsonFormat). */
  record Raw(String json) {}

  /** An ordered object under construction. */
  static Obj obj() {
    return new Obj();
  }

  /** An insertion-ordered JSON object. */
  static final class Obj {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    /** Adds a field (a null value is written as null). */
    Obj put(String name, Object value) {
      fields.put(name, value);
      return this;
    }

    Map<String, Object> map() {
      return fields;
    }

    @Override
    public String toString() {
      return write(fields);
    }
  }

  /** The JSON text of {@code value}. */
  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    append(sb, value);
    return sb.toString();
  }

  private static void append(StringBuilder sb, Object value) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof Raw r) {
      sb.append(r.json());
    } else if (value instanceof Obj o) {
      append(sb, o.map());
    } else if (value instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        string(sb, String.valueOf(e.getKey()));
        sb.append(':');
        append(sb, e.getValue());
      }
      sb.append('}');
    } else if (value instanceof Collection<?> c) {
      sb.append('[');
      boolean first = true;
      for (Object o : c) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        append(sb, o);
      }
      sb.append(']');
    } else if (value instanceof Boolean) {
      sb.append(value);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        sb.append("null");
      } else {
        sb.append(value);
      }
    } else if (value instanceof Number) {
      sb.append(value);
    } else if (value instanceof Duration d) {
      sb.append(d.toMillis());
    } else if (value instanceof Instant i) {
      string(sb, i.toString());
    } else {
      string(sb, value.toString());
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }
}
