package io.quantix.agent.client;

import io.quantix.agent.internal.Checks;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Clipboard content of a given type: text, HTML, an image, or (reading only) files. Immutable; the
 * bytes are copied in and out. {@code toString} shows the type and size, never the content, which
 * may be sensitive.
 *
 * <pre>{@code
 * client.desktop().setClipboard(ClipboardContent.text("hello")).join();
 * ClipboardContent c = client.desktop().getClipboard(ClipboardContent.Type.TEXT).join();
 * System.out.println(c.type() == ClipboardContent.Type.TEXT ? c.text() : c.mimeType());
 * }</pre>
 */
public final class ClipboardContent {
  /** The largest content the host sends: 8 MiB, well inside the 16 MiB frame limit. */
  public static final int MAX_BYTES = 8 * 1024 * 1024;

  /** The kind of clipboard content. */
  public enum Type {
    /** UTF-8 text. */
    TEXT,
    /** HTML markup as UTF-8 text (the agent sets it as plain text). */
    HTML,
    /** An image; the agent takes PNG or BMP and returns PNG. */
    IMAGE,
    /** A file list; the agent does not support it yet (it answers with an error). */
    FILES
  }

  private final Type type;
  private final byte[] data;
  private final String mimeType;

  private ClipboardContent(Type type, byte[] data, String mimeType) {
    this.type = type;
    this.data = data;
    this.mimeType = mimeType;
  }

  /** Plain text. */
  public static ClipboardContent text(String text) {
    Checks.notNull(text, "text");
    return of(Type.TEXT, text.getBytes(StandardCharsets.UTF_8), "text/plain");
  }

  /** HTML markup. */
  public static ClipboardContent html(String html) {
    Checks.notNull(html, "html");
    return of(Type.HTML, html.getBytes(StandardCharsets.UTF_8), "text/html");
  }

  /** An image's encoded bytes (PNG or BMP for the agent) and its MIME type, e.g. image/png. */
  public static ClipboardContent image(byte[] data, String mimeType) {
    Checks.notNull(data, "image data");
    return of(Type.IMAGE, data, mimeType);
  }

  /** Content of any type; the bytes are copied. Setting it sends at most {@link #MAX_BYTES}. */
  public static ClipboardContent of(Type type, byte[] data, String mimeType) {
    Checks.notNull(type, "type");
    Checks.notNull(data, "data");
    Checks.text(mimeType, "MIME type");
    return new ClipboardContent(type, data.clone(), mimeType);
  }

  /** The content's type. */
  public Type type() {
    return type;
  }

  /** A copy of the bytes. */
  public byte[] data() {
    return data.clone();
  }

  /** The size in bytes. */
  public int size() {
    return data.length;
  }

  /** The bytes as UTF-8 text (meaningful for TEXT and HTML). */
  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** The MIME type, possibly empty. */
  public String mimeType() {
    return mimeType;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClipboardContent && ((ClipboardContent) o).type == type
        && Arrays.equals(((ClipboardContent) o).data, data)
        && ((ClipboardContent) o).mimeType.equals(mimeType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, Arrays.hashCode(data), mimeType);
  }

  @Override
  public String toString() {
    return "ClipboardContent{" + type + ", " + data.length + " bytes"
        + (mimeType.isEmpty() ? "" : ", " + mimeType) + '}';
  }
}
