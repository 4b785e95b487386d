package io.quantix.agent.client;

import java.util.concurrent.CompletableFuture;

/**
 * The guest's graphical session: display size and clipboard. A {@code success=false} reply (for
 * example no display, empty clipboard) fails with REMOTE_FAILURE carrying the guest's text.
 *
 * <pre>{@code
 * DisplaySize s = client.desktop().resizeDisplay(1920, 1080).join();
 * client.desktop().setClipboard(ClipboardContent.html("<b>hi</b>")).join();
 * }</pre>
 */
public interface GuestDesktop {
  /** Largest width or height accepted: 16,384 pixels. */
  int MAX_PIXELS = 16_384;
  /** Largest DPI accepted: 1,200. */
  int MAX_DPI = 1_200;

  /**
   * Resizes the primary display, DPI left to the guest. Not idempotent, not retried once it may
   * have reached the agent. See {@link #resizeDisplay(int, int, int, String)}.
   */
  default CompletableFuture<DisplaySize> resizeDisplay(int width, int height) {
    return resizeDisplay(width, height, 0, "");
  }

  /**
   * Resizes a display to {@code width} x {@code height} pixels (1..16,384 each) at {@code dpi}
   * (0 for automatic, up to 1,200); {@code displayId} empty for the primary display. Completes
   * with the size the guest actually set. Not idempotent, not retried once it may have reached the
   * agent. Capability {@code display_resize}.
   */
  CompletableFuture<DisplaySize> resizeDisplay(int width, int height, int dpi, String displayId);

  /**
   * Sets the guest clipboard. Text and HTML travel as UTF-8; images must be PNG or BMP (the agent
   * refuses JPEG); FILES is refused by the agent. Not idempotent, not retried once it may have
   * reached the agent. Capability {@code clipboard}.
   */
  CompletableFuture<Void> setClipboard(ClipboardContent content);

  /**
   * Reads the guest clipboard, preferring {@code preferred}: the agent falls back to text when no
   * image is present and to an image when no text is, so check the returned type. An empty
   * clipboard is a REMOTE_FAILURE. Idempotent: retried after a lost reply. Capability
   * {@code clipboard}.
   */
  CompletableFuture<ClipboardContent> getClipboard(ClipboardContent.Type preferred);
}
