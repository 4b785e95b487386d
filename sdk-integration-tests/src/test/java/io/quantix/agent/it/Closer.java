package io.quantix.agent.it;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, newest first, after each test: agents, registries, fleets.
 *
 * <pre>{@code
 * @RegisterExtension final Closer closer = new Closer();
 * FakeGuestAgent agent = closer.add(FakeGuestAgent.builder().start());
 * }</pre>
 */
public final class Closer implements AfterEachCallback {
  private final List<AutoCloseable> opened = new ArrayList<>();

  /** Closes {@code resource} after the test; returns it. */
  public <T extends AutoCloseable> T add(T resource) {
    opened.add(resource);
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception first = null;
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    opened.clear();
    if (first != null) {
      throw first;
    }
  }
}
