package io.quantix.agent.agentctl;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.quantix.agent.AgentException;
import io.quantix.agent.Deadline;
import io.quantix.agent.framing.FrameDecoder;
import io.quantix.agent.framing.FrameEncoder;
import io.quantix.agent.framing.FrameFormat;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.transport.ConnectRequest;
import io.quantix.agent.transport.Connection;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.EventLoops;
import io.quantix.agent.transport.TransportOptions;
import io.quantix.agent.transport.Transports;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request of any type on a connection of its own, for {@code agentctl call}. The client API
 * has no entry point for an arbitrary {@link AgentMessage} (its calls are typed), so this uses the
 * SDK's public transport and framing layers directly: the same transports (lock files included),
 * the same framing, one request, the reply with the same message id. The channel is single-client:
 * like every agentctl command, it holds the VM's channel only for the call.
 */
final class RawCall {
  private RawCall() {}

  /**
   * What came back.
   *
   * @param reply the reply (its payload is the response)
   * @param endpoint the endpoint that connected
   * @param roundTrip from the request's write to its reply
   */
  record Result(AgentMessage reply, Endpoint endpoint, Duration roundTrip) {}

  /** Sends {@code request} (its message id replaced) and waits, within {@code timeout}, for its reply. */
  static Result call(List<Endpoint> endpoints, TransportOptions options, AgentMessage request,
      Duration timeout) throws InterruptedException, ExecutionException {
    String id = UUID.randomUUID().toString();
    AgentMessage message = request.toBuilder().setMessageId(id)
        .setTimestamp(com.google.protobuf.util.Timestamps.fromMillis(System.currentTimeMillis()))
        .build();
    CompletableFuture<AgentMessage> reply = new CompletableFuture<>();
    Deadline deadline = Deadline.after(timeout);
    try (EventLoops loops = EventLoops.create(1)) {
      ChannelInitializer<Channel> pipeline = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
          Endpoint e = ch.attr(Transports.ENDPOINT).get();
          FrameFormat format = e == null ? FrameFormat.MAGIC : e.framing();
          ch.pipeline().addLast(new FrameDecoder(format))
              .addLast(new FrameEncoder(format == FrameFormat.LEGACY ? format : FrameFormat.MAGIC))
              .addLast(new ReplyHandler(id, reply));
        }
      };
      Connection c = Target.await(Transports.load().connect(endpoints,
          new ConnectRequest(loops, deadline, pipeline, options)));
      try {
        long sent = System.nanoTime();
        c.channel().writeAndFlush(message).addListener(f -> {
          if (!f.isSuccess()) {
            reply.completeExceptionally(AgentException.from(f.cause()));
          }
        });
        AgentMessage answer;
        try {
          answer = reply.get(Math.max(1, deadline.remaining(TimeUnit.NANOSECONDS)),
              TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          throw new ExecutionException(AgentException.of(AgentException.Code.DEADLINE_EXCEEDED,
              "no reply to " + request.getPayloadCase().name().toLowerCase(java.util.Locale.ROOT)
                  + " within " + Format.duration(timeout)
                  + " (an agent that does not know a request type never answers it)"));
        }
        return new Result(answer, c.endpoint(), Duration.ofNanos(System.nanoTime() - sent));
      } finally {
        c.channel().close().syncUninterruptibly();
      }
    }
  }

  /** Completes the future with the reply carrying our message id; events are dropped. */
  private static final class ReplyHandler extends SimpleChannelInboundHandler<AgentMessage> {
    private final String id;
    private final CompletableFuture<AgentMessage> reply;

    ReplyHandler(String id, CompletableFuture<AgentMessage> reply) {
      this.id = id;
      this.reply = reply;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, AgentMessage msg) {
      if (id.equals(msg.getMessageId())) {
        reply.complete(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      reply.completeExceptionally(AgentException.of(AgentException.Code.UNAVAILABLE,
          "the agent closed the channel before replying"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      reply.completeExceptionally(AgentException.from(cause));
      ctx.close();
    }
  }
}
