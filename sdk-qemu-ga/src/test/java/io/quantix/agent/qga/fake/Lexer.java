package io.quantix.agent.qga.fake;

import java.io.ByteArrayOutputStream;

/**
 * qemu-ga's stream lexer, reduced to what a client can observe: top-level JSON objects are cut
 * out by brace depth (strings and escapes respected); a 0xFF anywhere drops the object being read
 * and costs one parse error; other bytes outside an object are one parse error per run.
 */
final class Lexer {
  static final Object STRAY_FF = new Object();
  static final Object GARBAGE = new Object();

  private final ByteArrayOutputStream object = new ByteArrayOutputStream();
  private int depth;
  private boolean inString;
  private boolean escape;
  private boolean inGarbage;

  /** One byte; returns a complete object (byte[]), a marker, or null. */
  Object feed(byte b) {
    if (b == (byte) 0xFF) {
      object.reset();
      depth = 0;
      inString = false;
      escape = false;
      inGarbage = false;
      return STRAY_FF;
    }
    if (depth == 0) {
      if (b == '{') {
        inGarbage = false;
        depth = 1;
        object.write(b);
        return null;
      }
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        inGarbage = false;
        return null;
      }
      if (inGarbage) {
        return null;
      }
      inGarbage = true;
      return GARBAGE;
    }
    object.write(b);
    if (inString) {
      if (escape) {
        escape = false;
      } else if (b == '\\') {
        escape = true;
      } else if (b == '"') {
        inString = false;
      }
      return null;
    }
    if (b == '"') {
      inString = true;
    } else if (b == '{' || b == '[') {
      depth++;
    } else if (b == '}' || b == ']') {
      depth--;
      if (depth == 0) {
        byte[] done = object.toByteArray();
        object.reset();
        return done;
      }
    }
    return null;
  }
}
