package io.quantix.agent.benchmarks.harness;

import io.quantix.agent.testkit.FakeGuestAgent;
import io.quantix.agent.testkit.FakeGuestAgentBuilder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The SDK's peer, in its own JVM: the testkit's fake agent as {@code FakeAgentMain --telemetry off
 * --sandbox DIR} would start it, but keeping no received frames for inspection
 * ({@code recordLimit(0)}); the launcher keeps 10,000, which a 256 MiB upload in 1 MiB chunks
 * turns into gigabytes of heap. It serves every connection (the default SDK and the SDK with direct
 * callbacks each hold a session; only one is busy at a time). Arguments: {@code --socket PATH
 * --sandbox DIR [--fsync true] [--max-single-read BYTES]} (the real-agent-like peer: every written
 * chunk fsynced, reads capped, 0 for unlimited; by default no fsync and the builder's 2 MiB cap). Prints
 * {@code ready}, runs until killed.
 */
public final class FakeAgentPeer {
  private FakeAgentPeer() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws InterruptedException {
    Path socket = null;
    Path sandbox = null;
    boolean fsync = false;
    int maxSingleRead = FakeGuestAgentBuilder.DEFAULT_MAX_SINGLE_READ;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--socket": socket = Path.of(args[i + 1]); break;
        case "--sandbox": sandbox = Path.of(args[i + 1]); break;
        case "--fsync": fsync = Boolean.parseBoolean(args[i + 1]); break;
        case "--max-single-read": maxSingleRead = Integer.parseInt(args[i + 1]); break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (socket == null || sandbox == null) {
      throw new IllegalArgumentException("need --socket PATH --sandbox DIR");
    }
    FakeGuestAgent agent = FakeGuestAgent.builder()
        .socketPath(socket)
        .telemetryInterval(Duration.ZERO)
        .sandbox(sandbox)
        .recordLimit(0)
        .singleClient(false)
        .fsyncWrites(fsync)
        .maxSingleRead(maxSingleRead)
        .start();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "fake-agent-stop"));
    System.out.println("listening " + agent.endpoint());
    System.out.println("ready");
    System.out.flush();
    Thread.currentThread().join();
  }
}
