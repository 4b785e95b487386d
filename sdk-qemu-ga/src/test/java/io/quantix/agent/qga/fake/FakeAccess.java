package io.quantix.agent.qga.fake;

/** Test access to the fake's recorded guest side. */
public final class FakeAccess {
  private FakeAccess() {}

  /** guest-file handles open now. */
  public static int openHandles(FakeQemuGa fake) {
    return fake.commands.openHandles();
  }

  /** The base64 password of the last guest-set-user-password. */
  public static String lastPassword(FakeQemuGa fake) {
    return fake.commands.lastPasswordB64;
  }

  /** The mode of the last guest-shutdown. */
  public static String lastShutdownMode(FakeQemuGa fake) {
    return fake.commands.lastShutdownMode;
  }

  /** Whether the fake's filesystems are frozen. */
  public static boolean frozen(FakeQemuGa fake) {
    return fake.commands.frozen;
  }
}
