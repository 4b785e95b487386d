package io.quantix.agent.testkit.internal;

import com.google.protobuf.Timestamp;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/** Envelope helpers: ids, timestamps, request/response pairing. Not API. */
public final class Messages {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int FIRST_REQUEST = 10;
  private static final int LAST_REQUEST = 34;
  private static final int RESPONSE_OFFSET = 40;
  private static final int FIRST_EVENT = 100;

  private Messages() {}

  /** A random version-4 UUID string (36 characters, lowercase), like the agent's ids. */
  public static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long hi = (random.nextLong() & 0xffff_ffff_ffff_0fffL) | 0x0000_0000_0000_4000L;
    long lo = (random.nextLong() & 0x3fff_ffff_ffff_ffffL) | 0x8000_0000_0000_0000L;
    char[] out = new char[36];
    int at = 0;
    for (int i = 0; i < 32; i++) {
      if (i == 8 || i == 12 || i == 16 || i == 20) {
        out[at++] = '-';
      }
      long word = i < 16 ? hi : lo;
      int shift = 60 - 4 * (i % 16);
      out[at++] = HEX[(int) (word >>> shift) & 0xf];
    }
    return new String(out);
  }

  /** Wall-clock now as a protobuf timestamp. */
  public static Timestamp now() {
    return timestamp(Instant.now());
  }

  /** {@code instant} as a protobuf timestamp. */
  public static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  /** {@code timestamp} as an instant. */
  public static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  /** True for the host-to-guest request payloads (field numbers 10 to 34). */
  public static boolean isRequest(PayloadCase payload) {
    int n = payload.getNumber();
    return n >= FIRST_REQUEST && n <= LAST_REQUEST;
  }

  /** True for guest-to-host events (field numbers from 100). */
  public static boolean isEvent(PayloadCase payload) {
    return payload.getNumber() >= FIRST_EVENT;
  }

  /** The response payload paired with a request payload (field number + 40). */
  public static PayloadCase responseFor(PayloadCase request) {
    if (!isRequest(request)) {
      throw new IllegalArgumentException(request + " is not a request");
    }
    return PayloadCase.forNumber(request.getNumber() + RESPONSE_OFFSET);
  }

  /** A reply envelope for {@code request}: same message_id, timestamp now. */
  public static AgentMessage.Builder replyTo(AgentMessage request) {
    return AgentMessage.newBuilder().setMessageId(request.getMessageId()).setTimestamp(now());
  }

  /** A new unsolicited envelope: fresh id, timestamp now. */
  public static AgentMessage.Builder event() {
    return AgentMessage.newBuilder().setMessageId(newId()).setTimestamp(now());
  }

  /**
   * Fills what a scripted message left empty: a response gets the request's message_id, an event a
   * fresh one; a missing timestamp becomes now.
   */
  public static AgentMessage complete(AgentMessage message, AgentMessage request) {
    boolean needsId = message.getMessageId().isEmpty();
    if (!needsId && message.hasTimestamp()) {
      return message;
    }
    AgentMessage.Builder builder = message.toBuilder();
    if (needsId) {
      boolean event = message.getPayloadCase() != PayloadCase.PAYLOAD_NOT_SET && isEvent(message.getPayloadCase());
      builder.setMessageId(event || request == null ? newId() : request.getMessageId());
    }
    if (!message.hasTimestamp()) {
      builder.setTimestamp(now());
    }
    return builder.build();
  }
}
