package io.quantix.agent.qga;

import io.quantix.agent.qga.fake.FakeQemuGa;
import io.quantix.agent.transport.Endpoint;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.concurrent.CountDownLatch;

/** The contract against the fake qemu-ga, blocked like the real one. */
class FakeQgaContractTest extends QgaContract {
  @Override
  protected QgaPeer startPeer(Path dir) throws Exception {
    FakeQemuGa fake = FakeQemuGa.start(dir.resolve("qga.sock"))
        .block(new HashSet<>(Arrays.asList(RealQemuGa.BLOCKED.split(","))));
    return new QgaPeer() {
      @Override
      public Endpoint endpoint() {
        return Endpoint.unix(fake.socket());
      }

      @Override
      public boolean healthy() {
        return fake.isServing() && fake.unreadCloses() == 0;
      }

      @Override
      public Runnable slowFileRead() {
        CountDownLatch hold = fake.hold("guest-file-read");
        return hold::countDown;
      }

      @Override
      public void close() {
        fake.close();
      }
    };
  }
}
