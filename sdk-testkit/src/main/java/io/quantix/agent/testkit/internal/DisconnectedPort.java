package io.quantix.agent.testkit.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.ScheduledFuture;
import io.quantix.agent.framing.FrameEncoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.proto.AgentMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The guest's side of the port while no host reads it: the frames the guest writes meanwhile (kept
 * in a {@link StaleBuffer} for the next host) and the telemetry the agent keeps writing into the
 * port. It lives apart from {@link AgentServer} because it is a separate job (what a virtio-serial
 * port holds) from accepting and serving hosts; the server decides when a host is or is not
 * connected and calls in here.
 *
 * <p>Not thread-safe on its own: every call is made while holding the owning {@link AgentServer}'s
 * monitor, which also guards the server's session list, so "no host is connected" and "keep this
 * for the next host" stay one atomic step. Not API.
 */
final class DisconnectedPort {
  private final AgentSettings settings;
  private final GuestInfo guest;
  /** Where idle telemetry goes: the server's emit, so a host that connects meanwhile gets it live. */
  private final Consumer<AgentMessage> emit;
  private AgentRuntime runtime;
  private StaleBuffer stale;
  private ScheduledFuture<?> idleTelemetry;
  private boolean closed;

  DisconnectedPort(AgentSettings settings, GuestInfo guest, Consumer<AgentMessage> emit) {
    this.settings = settings;
    this.guest = guest;
    this.emit = emit;
  }

  /**
   * What the guest port holds before the first host: the AgentReady the agent wrote when it opened
   * the port (in that mode), then the stale backlog. In port-open mode the agent runs from the
   * start, so its telemetry flows into the port while no host is connected.
   */
  void open(AgentRuntime runtime) {
    this.runtime = runtime;
    if (!enabled()) {
      return;
    }
    int backlog = settings.staleBacklogBytes();
    if (backlog > 0) {
      stale = new StaleBuffer(Math.max(settings.staleBufferBytes(), backlog + (settings.agentReadyOnPortOpen()
          ? guest.agentReady().getSerializedSize() + 8 : 0)), settings.staleWholeFrames());
    }
    if (settings.agentReadyOnPortOpen()) {
      keep(guest.agentReady());
    }
    if (backlog > 0) {
      fillBacklog(backlog);
    }
    if (settings.agentReadyOnPortOpen()) {
      startIdleTelemetry();
    }
  }

  /** Old telemetry frames, whole ones then the last cut, adding up to exactly {@code bytes}. */
  private void fillBacklog(int bytes) {
    int left = bytes;
    while (left > 0) {
      for (AgentMessage report : guest.pastTelemetry(left / 200 + 2)) {
        ByteBuf frame = FrameEncoder.encode(report, ByteBufAllocator.DEFAULT, FrameFormat.MAGIC);
        int keep = Math.min(left, frame.readableBytes());
        stale.offer(frame.retainedSlice(frame.readerIndex(), keep));
        frame.release();
        left -= keep;
        if (left == 0) {
          return;
        }
      }
    }
  }

  /**
   * Whether the port keeps anything for the next host. Behind a hybrid-vsock socket every host
   * connection is its own vsock stream rather than one shared port, so nothing carries over.
   */
  boolean enabled() {
    return settings.staleBufferBytes() > 0 && settings.hybridVsockPort() == 0;
  }

  /** Keeps a frame the guest wrote with no host connected, unless the agent is closed. */
  void keep(AgentMessage message) {
    if (!closed && enabled()) {
      buffer().offer(FrameEncoder.encode(message, ByteBufAllocator.DEFAULT, FrameFormat.MAGIC));
    }
  }

  /**
   * Keeps raw bytes the guest wrote with no host connected, or releases them when the port keeps
   * nothing. Unlike {@link #keep} this does not look at {@code closed}, exactly as the code did
   * before it moved here; after close the bytes are kept where no host will drain them.
   */
  void keepRaw(ByteBuf bytes) {
    if (enabled()) {
      buffer().offer(bytes);
    } else {
      bytes.release();
    }
  }

  /** Everything kept so far, for the host that just connected; null when nothing was kept. */
  ByteBuf drain(ByteBufAllocator alloc) {
    return stale == null ? null : stale.drain(alloc);
  }

  /** Bytes waiting for the next host. */
  int size() {
    return stale == null ? 0 : stale.size();
  }

  /**
   * The last host left: the agent's telemetry loop goes on writing into the port, as the real
   * agent's does once it has seen a host.
   */
  void startIdleTelemetry() {
    Duration interval = settings.telemetryInterval();
    if (closed || idleTelemetry != null || interval.isZero() || !enabled()
        || !settings.telemetryWhileDisconnected()) {
      return;
    }
    long nanos = interval.toNanos();
    idleTelemetry = runtime.group().next().scheduleAtFixedRate(
        () -> emit.accept(guest.telemetry()), nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** A host is served again: its session sends telemetry itself. */
  void stopIdleTelemetry() {
    if (idleTelemetry != null) {
      idleTelemetry.cancel(false);
      idleTelemetry = null;
    }
  }

  /** The agent stopped: nothing more is kept and what was kept is dropped. */
  void close() {
    closed = true;
    stopIdleTelemetry();
    stale = null;
  }

  private StaleBuffer buffer() {
    if (stale == null) {
      stale = new StaleBuffer(settings.staleBufferBytes(), settings.staleWholeFrames());
    }
    return stale;
  }
}
