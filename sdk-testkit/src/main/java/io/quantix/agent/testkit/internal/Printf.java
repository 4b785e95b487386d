package io.quantix.agent.testkit.internal;

import io.quantix.agent.testkit.internal.BuiltInShell.Sink;
import io.quantix.agent.testkit.internal.BuiltInShell.Stalled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The built-in {@code printf}: {@code %s %b %d %i %c %%} with widths ignored, the format reused
 * while arguments remain, and escapes ({@code \n \t \\ \NNN \xHH}...) turned into bytes, so
 * {@code printf 'h\303\251'} writes UTF-8 {@code hé}. Not API.
 */
final class Printf {
  private Printf() {}

  static int run(List<String> args, Sink out, Sink err) throws Stalled {
    if (args.isEmpty()) {
      err.write(BuiltInShell.bytes("printf: usage: printf format [arguments]\n"));
      return 2;
    }
    String format = args.get(0);
    List<String> values = args.subList(1, args.size());
    ByteArrayOutputStream result = new ByteArrayOutputStream();
    int used = 0;
    int status = 0;
    do {
      int consumed = 0;
      for (int i = 0; i < format.length(); i++) {
        char c = format.charAt(i);
        if (c == '\\') {
          i = escape(format, i, result);
        } else if (c == '%' && i + 1 < format.length()) {
          int j = i + 1;
          while (j < format.length() && "-+ #0123456789.".indexOf(format.charAt(j)) >= 0) {
            j++;
          }
          char conversion = j < format.length() ? format.charAt(j) : '%';
          i = j;
          if (conversion == '%') {
            result.write('%');
            continue;
          }
          String value = used + consumed < values.size() ? values.get(used + consumed) : "";
          consumed++;
          switch (conversion) {
            case 'd': case 'i':
              try {
                write(result, String.valueOf(value.isEmpty() ? 0 : Long.parseLong(value.trim())));
              } catch (NumberFormatException e) {
                err.write(BuiltInShell.bytes("printf: " + value + ": expected a numeric value\n"));
                write(result, "0");
                status = 1;
              }
              break;
            case 'b':
              result.writeBytes(unescape(value));
              break;
            case 'c':
              write(result, value.isEmpty() ? "" : value.substring(0, 1));
              break;
            default:
              write(result, value);
          }
        } else {
          write(result, String.valueOf(c));
        }
      }
      used += consumed;
      if (consumed == 0) {
        break;
      }
    } while (used < values.size());
    out.write(result.toByteArray());
    return status;
  }

  /** {@code text} with its backslash escapes turned into bytes (echo -e, printf %b). */
  static byte[] unescape(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\\') {
        i = escape(text, i, out);
      } else {
        write(out, String.valueOf(text.charAt(i)));
      }
    }
    return out.toByteArray();
  }

  /** Writes the escape at {@code at} (a backslash); returns the index of its last character. */
  private static int escape(String text, int at, ByteArrayOutputStream out) {
    if (at + 1 >= text.length()) {
      out.write('\\');
      return at;
    }
    char c = text.charAt(at + 1);
    String simple = "ntr\\\"'abfve";
    int known = simple.indexOf(c);
    if (known >= 0) {
      out.write("\n\t\r\\\"'\u0007\b\f\u000b\u001b".charAt(known));
      return at + 1;
    }
    if (c >= '0' && c <= '7') {
      int end = at + 1;
      int value = 0;
      while (end < text.length() && end < at + 4 && text.charAt(end) >= '0' && text.charAt(end) <= '7') {
        value = value * 8 + (text.charAt(end) - '0');
        end++;
      }
      out.write(value & 0xff);
      return end - 1;
    }
    if (c == 'x') {
      int end = at + 2;
      int value = 0;
      while (end < text.length() && end < at + 4 && Character.digit(text.charAt(end), 16) >= 0) {
        value = value * 16 + Character.digit(text.charAt(end), 16);
        end++;
      }
      if (end == at + 2) {
        write(out, "\\x");
        return at + 1;
      }
      out.write(value);
      return end - 1;
    }
    write(out, "\\" + c);
    return at + 1;
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
