package io.quantix.agent.transport.testing;

import io.quantix.agent.transport.EventLoops;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The event loops of a transport test class, made before its first test and shut down after its
 * last, shared by the transport modules' tests (instead of a copy of the same set-up in each).
 *
 * <pre>{@code
 * @RegisterExtension static final TestLoops LOOPS = TestLoops.epollAndNio();
 * ... new ConnectRequest(LOOPS.epoll(), ...)
 * }</pre>
 */
public final class TestLoops implements BeforeAllCallback, AfterAllCallback {
  private final boolean withNio;
  private EventLoops epoll;
  private EventLoops nio;

  private TestLoops(boolean withNio) {
    this.withNio = withNio;
  }

  /** Native epoll loops only. */
  public static TestLoops epollOnly() {
    return new TestLoops(false);
  }

  /** Native epoll loops and NIO loops, for tests run on both kinds. */
  public static TestLoops epollAndNio() {
    return new TestLoops(true);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    epoll = TestSupport.epoll();
    if (withNio) {
      nio = TestSupport.nio();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestSupport.close(epoll);
    if (nio != null) {
      TestSupport.close(nio);
    }
  }

  /** The epoll loops. */
  public EventLoops epoll() {
    return epoll;
  }

  /** The NIO loops (only from {@link #epollAndNio()}). */
  public EventLoops nio() {
    if (nio == null) {
      throw new IllegalStateException("made with epollOnly(): no NIO loops");
    }
    return nio;
  }

  /** The loops of a kind named in a parameterized test: {@code "epoll"} or {@code "nio"}. */
  public EventLoops of(String kind) {
    return "nio".equals(kind) ? nio() : epoll();
  }
}
