package io.quantix.agent.qga;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The contract against Debian's qemu-ga (unix-listen, with the build notes' block list); skipped
 * with the reason when it is not installed.
 */
class RealQgaContractTest extends QgaContract {
  @Override
  protected QgaPeer startPeer(Path dir) throws Exception {
    Optional<Path> exe = RealQemuGa.find();
    assumeTrue(exe.isPresent(), "qemu-ga is not installed (apt-get install qemu-guest-agent)");
    RealQemuGa real = RealQemuGa.start(exe.get(), dir);
    return new QgaPeer() {
      @Override
      public Endpoint endpoint() {
        return Endpoint.unix(real.socket);
      }

      @Override
      public boolean healthy() {
        return real.alive();
      }

      @Override
      public Runnable slowFileRead() {
        return () -> { }; // a 40 MiB read takes qemu-ga seconds to encode and send
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }
}
