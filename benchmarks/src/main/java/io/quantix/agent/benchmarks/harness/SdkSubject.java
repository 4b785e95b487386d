package io.quantix.agent.benchmarks.harness;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.TransferResult;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.EndpointResolver;
import io.quantix.agent.transport.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The SDK: one registry with default settings (or with direct callbacks), one client, one session.
 */
final class SdkSubject extends NamedSubject {
  static final String VM = "bench-vm";

  private final AgentRegistry registry;
  private final AgentClient client;

  /**
   * A registry of its own (own event loops and callback threads).
   *
   * @param directCallbacks complete futures on the I/O thread ({@code callbackExecutor(Runnable::run)})
   */
  SdkSubject(String name, Path agentSocket, boolean directCallbacks, long peerPid) {
    super(name, peerPid);
    AgentRegistry.Builder b = AgentRegistry.builder()
        .resolver(EndpointResolver.explicit(Map.of(VM,
            List.of(Endpoint.parse("unix:" + agentSocket.toAbsolutePath())))));
    if (directCallbacks) {
      b.callbackExecutor(Runnable::run);
    }
    this.registry = b.build();
    this.client = registry.client(VM);
    client.ping().join();
  }

  @Override
  public void roundTrip() {
    client.ping().join();
  }

  @Override
  public double pipelined(int depth, long nanos) throws Exception {
    return Pipeline.run(depth, nanos, Pipeline.ofFutures(client::ping));
  }

  /** Uploads {@code data} with the default options; returns the nanoseconds taken. */
  long upload(byte[] data, String remotePath) throws IOException {
    long start = System.nanoTime();
    TransferResult r = client.upload(data, remotePath, UploadOptions.DEFAULT.withCreateParents(true))
        .join();
    long nanos = System.nanoTime() - start;
    if (r.bytes() != data.length) {
      throw new IOException("upload moved " + r.bytes() + " of " + data.length + " bytes");
    }
    return nanos;
  }

  /** Downloads {@code remotePath} into a discarding stream; returns the nanoseconds taken. */
  long download(String remotePath, long expected) throws IOException {
    long start = System.nanoTime();
    TransferResult r = client.download(remotePath, OutputStream.nullOutputStream(),
        DownloadOptions.DEFAULT).join();
    long nanos = System.nanoTime() - start;
    if (r.bytes() != expected) {
      throw new IOException("download moved " + r.bytes() + " of " + expected + " bytes");
    }
    return nanos;
  }

  @Override
  public void close() {
    registry.close();
  }
}
