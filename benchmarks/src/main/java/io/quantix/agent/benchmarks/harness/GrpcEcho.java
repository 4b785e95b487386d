package io.quantix.agent.benchmarks.harness;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.quantix.agent.proto.AgentMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * gRPC-java over a Unix domain socket (Netty epoll, gRPC's shaded Netty), carrying the same
 * protobuf messages as the SDK: the request is the SDK's ping {@code AgentMessage}, the reply the
 * pong the fake agent sent (so both directions have the SDK's message sizes; gRPC adds its own
 * HTTP/2 and message framing instead of the SDK's 8-byte header). Unary, hand-written method
 * descriptor with protobuf marshallers (no code generation).
 *
 * <p>Default: gRPC's default executors on both sides. Tuned: {@code directExecutor()} on both.
 */
final class GrpcEcho extends NamedSubject {
  static final String SERVICE = "quantix.bench.Echo";
  static final MethodDescriptor<AgentMessage, AgentMessage> METHOD =
      MethodDescriptor.<AgentMessage, AgentMessage>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Ping"))
          .setRequestMarshaller(ProtoUtils.marshaller(AgentMessage.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(AgentMessage.getDefaultInstance()))
          .build();

  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final AgentMessage request;

  GrpcEcho(String name, Path socket, boolean tuned, AgentMessage request, long peerPid) {
    super(name, peerPid);
    this.request = request;
    this.group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .eventLoopGroup(group)
        .channelType(EpollDomainSocketChannel.class)
        .usePlaintext();
    if (tuned) {
      b.directExecutor();
    }
    this.channel = b.build();
    roundTrip();
  }

  @Override
  public void roundTrip() {
    ClientCalls.blockingUnaryCall(channel, METHOD, CallOptions.DEFAULT, request);
  }

  @Override
  public double pipelined(int depth, long nanos) throws Exception {
    return Pipeline.run(depth, nanos, (onReply, onFailure) -> ClientCalls.asyncUnaryCall(
        channel.newCall(METHOD, CallOptions.DEFAULT), request, new StreamObserver<>() {
          @Override
          public void onNext(AgentMessage value) {
            // The reply itself is not needed.
          }

          @Override
          public void onError(Throwable t) {
            onFailure.accept(t);
          }

          @Override
          public void onCompleted() {
            onReply.run();
          }
        }));
  }

  @Override
  public void close() {
    try {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The server, in its own JVM: {@code --socket PATH --reply HEX [--tuned]}; the reply is the
   * pong frame's payload. Prints {@code ready}, runs until killed.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    Path socket = null;
    AgentMessage reply = null;
    boolean tuned = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--socket": socket = Path.of(args[++i]); break;
        case "--reply": reply = AgentMessage.parseFrom(HexFormat.of().parseHex(args[++i])); break;
        case "--tuned": tuned = true; break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (socket == null || reply == null) {
      throw new IllegalArgumentException("need --socket PATH --reply HEX [--tuned]");
    }
    AgentMessage pong = reply;
    Files.deleteIfExists(socket);
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
        .addMethod(METHOD, ServerCalls.asyncUnaryCall((AgentMessage ping,
            StreamObserver<AgentMessage> out) -> {
          out.onNext(pong);
          out.onCompleted();
        }))
        .build();
    NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory()))
        .workerEventLoopGroup(new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory()))
        .addService(service);
    if (tuned) {
      b.directExecutor();
    }
    Server server = b.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "grpc-echo-stop"));
    System.out.println("ready");
    System.out.flush();
    server.awaitTermination();
  }
}
