package io.quantix.agent.benchmarks.harness;

/** One column of the table: a client in this JVM talking to its server in another process. */
interface Subject extends AutoCloseable {
  /** The column's name. */
  String name();

  /** One request and its reply, blocking. */
  void roundTrip() throws Exception;

  /** The process id of the server half, or -1 if unknown. */
  default long peerPid() {
    return -1;
  }

  /** Whether {@link #pipelined} is measured for this subject. */
  default boolean pipelines() {
    return true;
  }

  /**
   * Keeps {@code depth} requests outstanding on one connection for {@code nanos}.
   *
   * @return replies per second received within the window
   */
  double pipelined(int depth, long nanos) throws Exception;

  @Override
  void close() throws java.io.IOException;
}
