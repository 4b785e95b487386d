package io.quantix.agent.transport;

import io.netty.channel.ChannelHandler;
import io.quantix.agent.Deadline;
import java.util.Objects;

/**
 * What a {@link Transport} needs to open one connection: the event loops to register on, the
 * deadline, the pipeline to install, and the options to apply.
 *
 * <pre>{@code
 * ConnectRequest request = new ConnectRequest(loops, Deadline.after(Duration.ofSeconds(5)),
 *     sessionInitializer, TransportOptions.DEFAULT);
 * }</pre>
 *
 * @param eventLoops the shared event loops
 * @param deadline when the attempt must have finished
 * @param pipeline the handler the transport adds last (typically a {@code ChannelInitializer})
 * @param options the optional checks to apply
 */
public record ConnectRequest(EventLoops eventLoops, Deadline deadline, ChannelHandler pipeline,
    TransportOptions options) {

  /** Validates that nothing is null. */
  public ConnectRequest {
    Objects.requireNonNull(eventLoops, "eventLoops");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(options, "options");
  }

  /** The same request with another deadline (an attempt's share of the whole). */
  public ConnectRequest withDeadline(Deadline attemptDeadline) {
    return new ConnectRequest(eventLoops, attemptDeadline, pipeline, options);
  }
}
