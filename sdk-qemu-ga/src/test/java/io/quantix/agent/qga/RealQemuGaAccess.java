package io.quantix.agent.qga;

import java.nio.file.Files;
import java.nio.file.Path;

/** Starts the real qemu-ga for tests of other packages, its socket moved to {@code socket}. */
public final class RealQemuGaAccess {
  private RealQemuGaAccess() {}

  /** Starts it in {@code dir}; the returned runnable stops it. */
  public static Runnable start(Path exe, Path dir, Path socket) throws Exception {
    RealQemuGa real = RealQemuGa.start(exe, dir);
    Files.createSymbolicLink(socket, real.socket);
    return real::close;
  }
}
