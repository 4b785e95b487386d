package io.quantix.agent.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What goes wrong with one reply, in the spirit of OkHttp's {@code SocketEffect}: a small immutable
 * value describing the fault, applied by the fake agent's reply path once the reply is ready.
 * Effects run in order; unless an effect consumed it (no reply, truncated, close before, guest
 * reset, endless stall, dribble), the reply itself is written last. Combine with {@link
 * #then(Fault)}.
 *
 * <pre>{@code
 * agent.fault(PayloadCase.PING, Fault.delay(Duration.ofMillis(200)).then(Fault.duplicateReply()));
 * agent.enqueue(PayloadCase.EXECUTE, ScriptedReply.handled().withFault(Fault.closeBeforeReply()));
 * }</pre>
 */
public sealed interface Fault {

  /** No fault. */
  static Fault none() {
    return None.INSTANCE;
  }

  /** Holds the reply back for {@code delay} (later replies may overtake it). */
  static Fault delay(Duration delay) {
    return new Delay(delay);
  }

  /** Never replies (the request was handled; its answer is lost). */
  static Fault noReply() {
    return new NoReply();
  }

  /** Closes the host connection when the reply is ready, without sending it. */
  static Fault closeBeforeReply() {
    return new CloseBeforeReply();
  }

  /** Sends the reply, then closes the host connection. */
  static Fault closeAfterReply() {
    return new CloseAfterReply();
  }

  /** Writes {@code bytes} random bytes (never a magic) before the reply. */
  static Fault garbageBeforeReply(int bytes) {
    return new Garbage(bytes);
  }

  /** Writes only half of the reply frame (header and half the payload); the reply is lost. */
  static Fault truncatedReply() {
    return new Truncated(-1);
  }

  /** Writes only the first {@code keepBytes} bytes of the reply frame; the reply is lost. */
  static Fault truncatedReply(int keepBytes) {
    return new Truncated(keepBytes);
  }

  /** Writes a frame header announcing 16 MiB + 1 bytes before the reply (the host must resync). */
  static Fault oversizeLength() {
    return new OversizeLength();
  }

  /** Writes a well-framed payload that is not a protobuf message before the reply. */
  static Fault unparsableFrame() {
    return new UnparsableFrame();
  }

  /** Sends the reply twice. */
  static Fault duplicateReply() {
    return new DuplicateReply();
  }

  /** Sends the reply with a fresh message_id nobody asked for: the request stays unanswered. */
  static Fault unknownMessageId() {
    return new UnknownMessageId();
  }

  /** Sends an AgentReady (as after a guest-side reset) before the reply, which still follows. */
  static Fault agentReadyBeforeReply() {
    return new AgentReadyFirst(false);
  }

  /** A guest reset: an AgentReady instead of the reply, which is lost. */
  static Fault guestReset() {
    return new AgentReadyFirst(true);
  }

  /**
   * Stops reading from the host for {@code duration}, then sends the reply; {@link Duration#ZERO}
   * stalls until the connection ends and never replies. Telemetry keeps flowing, as from an agent
   * whose read loop is stuck.
   */
  static Fault stall(Duration duration) {
    return new Stall(duration);
  }

  /** Writes the reply {@code chunkBytes} at a time, every {@code interval}, holding the writer. */
  static Fault dribble(int chunkBytes, Duration interval) {
    return new Dribble(chunkBytes, interval);
  }

  /** This fault's effects followed by {@code next}'s. */
  default Fault then(Fault next) {
    List<Fault> steps = new ArrayList<>(steps());
    steps.addAll(next.steps());
    return new Sequence(steps);
  }

  /** The single effects this fault consists of, in order. */
  default List<Fault> steps() {
    return this instanceof None ? List.of() : List.of(this);
  }

  /** No effect. */
  enum None implements Fault {
    /** The only instance. */
    INSTANCE
  }

  /** See {@link Fault#delay(Duration)}. */
  record Delay(Duration delay) implements Fault {
    /** Checks the delay. */
    public Delay {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("negative delay " + delay);
      }
    }
  }

  /** See {@link Fault#noReply()}. */
  record NoReply() implements Fault {}

  /** See {@link Fault#closeBeforeReply()}. */
  record CloseBeforeReply() implements Fault {}

  /** See {@link Fault#closeAfterReply()}. */
  record CloseAfterReply() implements Fault {}

  /** See {@link Fault#garbageBeforeReply(int)}. */
  record Garbage(int bytes) implements Fault {
    /** Checks the size. */
    public Garbage {
      if (bytes < 1 || bytes > 1 << 20) {
        throw new IllegalArgumentException("garbage of " + bytes + " bytes");
      }
    }
  }

  /** See {@link Fault#truncatedReply(int)}; {@code keepBytes} &lt; 0 keeps half the frame. */
  record Truncated(int keepBytes) implements Fault {}

  /** See {@link Fault#oversizeLength()}. */
  record OversizeLength() implements Fault {}

  /** See {@link Fault#unparsableFrame()}. */
  record UnparsableFrame() implements Fault {}

  /** See {@link Fault#duplicateReply()}. */
  record DuplicateReply() implements Fault {}

  /** See {@link Fault#unknownMessageId()}. */
  record UnknownMessageId() implements Fault {}

  /** See {@link Fault#agentReadyBeforeReply()} and {@link Fault#guestReset()}. */
  record AgentReadyFirst(boolean dropReply) implements Fault {}

  /** See {@link Fault#stall(Duration)}. */
  record Stall(Duration duration) implements Fault {
    /** Checks the duration. */
    public Stall {
      if (duration.isNegative()) {
        throw new IllegalArgumentException("negative stall " + duration);
      }
    }
  }

  /** See {@link Fault#dribble(int, Duration)}. */
  record Dribble(int chunkBytes, Duration interval) implements Fault {
    /** Checks the arguments. */
    public Dribble {
      if (chunkBytes < 1 || interval.isNegative()) {
        throw new IllegalArgumentException("dribble " + chunkBytes + " bytes every " + interval);
      }
    }
  }

  /** Several effects in order; see {@link Fault#then(Fault)}. */
  record Sequence(List<Fault> faults) implements Fault {
    /** Copies the list. */
    public Sequence {
      faults = List.copyOf(faults);
      faults.forEach(Objects::requireNonNull);
    }

    @Override
    public List<Fault> steps() {
      return faults;
    }
  }
}
