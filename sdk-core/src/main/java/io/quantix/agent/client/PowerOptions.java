package io.quantix.agent.client;

import io.quantix.agent.internal.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * When and with what message to power off, reboot or halt the guest. Immutable.
 *
 * <p>On Linux the agent runs {@code poweroff}/{@code reboot}/{@code halt} at once when the delay
 * is zero, and otherwise {@code shutdown +<minutes>}, with the delay rounded <em>down</em> to whole
 * minutes: any delay under 60 s means now. Windows guests use the delay in seconds.
 *
 * <pre>{@code
 * client.lifecycle().reboot(
 *     PowerOptions.after(Duration.ofMinutes(5)).withMessage("kernel update"));
 * }</pre>
 */
public final class PowerOptions {
  /** The longest delay: one day. */
  public static final Duration MAX_DELAY = Duration.ofDays(1);
  /** The longest message: 1,024 characters. */
  public static final int MAX_MESSAGE_LENGTH = 1024;
  /** Now, without a message. */
  public static final PowerOptions NOW = new PowerOptions(Duration.ZERO, "");

  private final Duration delay;
  private final String message;

  private PowerOptions(Duration delay, String message) {
    this.delay = delay;
    this.message = message;
  }

  /** After {@code delay} (0..1 day; whole minutes on Linux, see above). */
  public static PowerOptions after(Duration delay) {
    return NOW.withDelay(delay);
  }

  /** These options with another delay. */
  public PowerOptions withDelay(Duration delay) {
    Checks.notNull(delay, "delay");
    if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
      throw Checks.invalid("delay must be within 0.." + MAX_DELAY + ", was " + delay);
    }
    return new PowerOptions(Duration.ofSeconds(delay.toSeconds()), message);
  }

  /** These options with a message broadcast to logged-in users (one line, no NUL). */
  public PowerOptions withMessage(String message) {
    Checks.text(message, "message");
    if (message.length() > MAX_MESSAGE_LENGTH) {
      throw Checks.invalid("message is longer than " + MAX_MESSAGE_LENGTH + " characters");
    }
    if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
      throw Checks.invalid("message contains a line break");
    }
    return new PowerOptions(delay, message);
  }

  /** The delay, in whole seconds. */
  public Duration delay() {
    return delay;
  }

  /** The message, empty for none. */
  public String message() {
    return message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PowerOptions && ((PowerOptions) o).delay.equals(delay)
        && ((PowerOptions) o).message.equals(message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(delay, message);
  }

  @Override
  public String toString() {
    return "PowerOptions{delay=" + delay + (message.isEmpty() ? "" : ", message=" + message) + '}';
  }
}
