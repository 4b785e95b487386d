package io.quantix.agent.client;

import java.time.Instant;
import java.util.Map;

/**
 * Events the agent pushes besides telemetry and AgentReady. Agents up to 0.1.27 define but never
 * send them; the SDK delivers them when a newer agent does.
 *
 * <pre>{@code
 * client.onGuestEvent(e -> {
 *   if (e instanceof GuestEvent.Error err) log.warn("guest error: {}", err.message());
 * });
 * }</pre>
 */
public sealed interface GuestEvent {

  /** When the host received the event. */
  Instant receivedAt();

  /** How bad a guest {@link Error} is. */
  enum Severity {
    WARNING,
    ERROR,
    CRITICAL,
    /** A severity this SDK does not know yet (sent by a newer agent). */
    UNKNOWN
  }

  /**
   * An ErrorEvent.
   *
   * @param severity how bad it is
   * @param code the agent's code, often empty
   * @param message the text
   * @param details extra key/values
   * @param receivedAt arrival time
   */
  record Error(Severity severity, String code, String message, Map<String, String> details,
      Instant receivedAt) implements GuestEvent {
    /** Copies the map. */
    public Error {
      details = Map.copyOf(details);
    }
  }

  /**
   * The guest clipboard changed.
   *
   * @param type what the clipboard holds now
   * @param data the content (UTF-8 text for TEXT and HTML)
   * @param mimeType the MIME type, when given
   * @param receivedAt arrival time
   */
  record ClipboardChanged(ClipboardContent.Type type, byte[] data, String mimeType, Instant receivedAt)
      implements GuestEvent {
    /** Copies the bytes. */
    public ClipboardChanged {
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public String toString() {
      // Clipboard content can be sensitive: never print it.
      return "ClipboardChanged[type=" + type + ", bytes=" + data.length + ", mimeType=" + mimeType
          + ", receivedAt=" + receivedAt + ']';
    }
  }
}
