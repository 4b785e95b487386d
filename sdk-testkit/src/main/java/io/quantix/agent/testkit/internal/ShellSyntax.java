package io.quantix.agent.testkit.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the small shell language the built-in command set understands: commands separated by
 * {@code ;}, newlines, {@code &&} and {@code ||}; pipelines with {@code |}; single and double quotes
 * and backslashes; {@code $VAR}, {@code ${VAR}}, {@code $?} and {@code $$} (expanded when run);
 * redirections {@code > f}, {@code >> f}, {@code < f}, {@code 2> f}, {@code >&2}, {@code 2>&1},
 * {@code 1>&2}, {@code &> f}; and {@code #} comments. No globbing, no field splitting, no control
 * structures: anything else is a syntax error, answered like {@code sh} answers one. Not API.
 */
final class ShellSyntax {
  /**
   * A part of a word: literal text, or text whose {@code $} expansions still apply; a quoted part
   * keeps its word even when it expands to nothing.
   */
  record Part(String text, boolean literal, boolean quoted) {}

  /** A word before expansion. */
  record Word(List<Part> parts) {}

  /** A redirection of {@code fd}: to a file ({@code target}) or to another fd ({@code dupFd} >= 0). */
  record Redirect(int fd, String op, Word target, int dupFd) {}

  /** One simple command with its redirections. */
  record Command(List<Word> words, List<Redirect> redirects) {}

  /** Commands joined by pipes. */
  record Pipeline(List<Command> commands) {}

  /** A pipeline and how it joins the one before it: {@code ";"}, {@code "&&"} or {@code "||"}. */
  record Step(String joiner, Pipeline pipeline) {}

  /** A syntax error, with sh's wording. */
  static final class SyntaxError extends Exception {
    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  private final String text;
  private int at;

  private ShellSyntax(String text) {
    this.text = text;
  }

  /** The steps of a script. */
  static List<Step> parse(String script) throws SyntaxError {
    return new ShellSyntax(script).script();
  }

  private List<Step> script() throws SyntaxError {
    List<Step> steps = new ArrayList<>();
    String joiner = ";";
    while (true) {
      skipBlanks(true);
      if (at >= text.length()) {
        if (!joiner.equals(";")) {
          throw new SyntaxError("Syntax error: end of file unexpected");
        }
        return steps;
      }
      Pipeline pipeline = pipeline();
      steps.add(new Step(joiner, pipeline));
      skipBlanks(false);
      if (at >= text.length()) {
        return steps;
      }
      if (text.startsWith("&&", at) || text.startsWith("||", at)) {
        joiner = text.substring(at, at + 2);
        at += 2;
      } else if (text.charAt(at) == ';' || text.charAt(at) == '\n') {
        joiner = ";";
        at++;
      } else {
        throw new SyntaxError("Syntax error: \"" + text.charAt(at) + "\" unexpected");
      }
    }
  }

  private Pipeline pipeline() throws SyntaxError {
    List<Command> commands = new ArrayList<>();
    while (true) {
      commands.add(command());
      skipBlanks(false);
      if (at < text.length() && text.charAt(at) == '|' && !text.startsWith("||", at)) {
        at++;
        skipBlanks(true);
        continue;
      }
      return new Pipeline(commands);
    }
  }

  private Command command() throws SyntaxError {
    List<Word> words = new ArrayList<>();
    List<Redirect> redirects = new ArrayList<>();
    while (true) {
      skipBlanks(false);
      if (at >= text.length() || ";\n|".indexOf(text.charAt(at)) >= 0 || text.startsWith("&&", at)) {
        break;
      }
      if (text.charAt(at) == '&' && !text.startsWith("&>", at)) {
        throw new SyntaxError("Syntax error: background jobs (&) are not in the built-in command set");
      }
      Redirect redirect = redirect();
      if (redirect != null) {
        redirects.add(redirect);
      } else {
        words.add(word());
      }
    }
    if (words.isEmpty() && redirects.isEmpty()) {
      String found = at < text.length() ? String.valueOf(text.charAt(at)) : "end of file";
      throw new SyntaxError("Syntax error: \"" + found + "\" unexpected");
    }
    return new Command(words, redirects);
  }

  private Redirect redirect() throws SyntaxError {
    int start = at;
    int fd = -1;
    if (text.startsWith("&>", at)) {
      at += 2;
      skipBlanks(false);
      return new Redirect(-2, ">", word(), -1);
    }
    if (at < text.length() && Character.isDigit(text.charAt(at)) && at + 1 < text.length()
        && "<>".indexOf(text.charAt(at + 1)) >= 0) {
      fd = text.charAt(at) - '0';
      at++;
    }
    if (at >= text.length() || "<>".indexOf(text.charAt(at)) < 0) {
      at = start;
      return null;
    }
    String op = text.startsWith(">>", at) ? ">>" : text.substring(at, at + 1);
    at += op.length();
    if (fd < 0) {
      fd = op.equals("<") ? 0 : 1;
    }
    if (text.startsWith("&", at) && !op.equals("<")) {
      at++;
      if (at >= text.length() || !Character.isDigit(text.charAt(at))) {
        throw new SyntaxError("Syntax error: Bad fd number");
      }
      return new Redirect(fd, op, null, text.charAt(at++) - '0');
    }
    skipBlanks(false);
    if (at >= text.length() || ";\n|&<>".indexOf(text.charAt(at)) >= 0) {
      throw new SyntaxError("Syntax error: redirection unexpected");
    }
    return new Redirect(fd, op, word(), -1);
  }

  private Word word() throws SyntaxError {
    List<Part> parts = new ArrayList<>();
    StringBuilder plain = new StringBuilder();
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == ' ' || c == '\t' || ";\n|&<>".indexOf(c) >= 0) {
        break;
      }
      if (c == '\'') {
        int end = text.indexOf('\'', at + 1);
        if (end < 0) {
          throw new SyntaxError("Syntax error: Unterminated quoted string");
        }
        flush(parts, plain);
        parts.add(new Part(text.substring(at + 1, end), true, true));
        at = end + 1;
      } else if (c == '"') {
        flush(parts, plain);
        doubleQuoted(parts);
      } else if (c == '\\' && at + 1 < text.length()) {
        flush(parts, plain);
        parts.add(new Part(String.valueOf(text.charAt(at + 1)), true, true));
        at += 2;
      } else {
        plain.append(c);
        at++;
      }
    }
    flush(parts, plain);
    return new Word(parts);
  }

  private void doubleQuoted(List<Part> parts) throws SyntaxError {
    at++;
    StringBuilder inner = new StringBuilder();
    while (at < text.length() && text.charAt(at) != '"') {
      char c = text.charAt(at);
      if (c == '\\' && at + 1 < text.length() && "\"\\$`".indexOf(text.charAt(at + 1)) >= 0) {
        if (inner.length() > 0) {
          parts.add(new Part(inner.toString(), false, true));
          inner.setLength(0);
        }
        parts.add(new Part(String.valueOf(text.charAt(at + 1)), true, true));
        at += 2;
      } else {
        inner.append(c);
        at++;
      }
    }
    if (at >= text.length()) {
      throw new SyntaxError("Syntax error: Unterminated quoted string");
    }
    at++;
    // "" and "$EMPTY" are still words.
    parts.add(new Part(inner.toString(), false, true));
  }

  private static void flush(List<Part> parts, StringBuilder plain) {
    if (plain.length() > 0) {
      parts.add(new Part(plain.toString(), false, false));
      plain.setLength(0);
    }
  }

  private void skipBlanks(boolean newlines) {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '#' && (at == 0 || " \t\n;".indexOf(text.charAt(at - 1)) >= 0)) {
        while (at < text.length() && text.charAt(at) != '\n') {
          at++;
        }
      } else if (c == ' ' || c == '\t' || (newlines && c == '\n')) {
        at++;
      } else {
        return;
      }
    }
  }
}
