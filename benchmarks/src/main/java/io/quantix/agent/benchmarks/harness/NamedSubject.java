package io.quantix.agent.benchmarks.harness;

/**
 * A {@link Subject} that knows its column's name and its server's process id from the start, as
 * most do: the getters written once.
 *
 * <pre>{@code
 * final class MyClient extends NamedSubject {
 *   MyClient(String name, long peerPid) {
 *     super(name, peerPid);
 *   }
 *   // roundTrip(), pipelined(...), close()
 * }
 * }</pre>
 */
abstract class NamedSubject implements Subject {
  private final String name;
  private final long peerPid;

  NamedSubject(String name, long peerPid) {
    this.name = name;
    this.peerPid = peerPid;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final long peerPid() {
    return peerPid;
  }
}
