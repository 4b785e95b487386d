package io.quantix.agent.qga;

import io.quantix.agent.qga.internal.Calls;
import io.quantix.agent.qga.internal.QgaSession;
import io.quantix.agent.transport.Endpoint;
import io.quantix.agent.transport.EventLoops;
import io.quantix.agent.transport.Transports;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Builds a {@link QgaClient}. Event loops and the callback executor are created (and closed with
 * the client) unless given; given ones are left running.
 *
 * <pre>{@code
 * QgaClient qga = QgaClient.builder()
 *     .endpoint(Endpoint.parse("unix:/run/vms/vm-42.qga.sock"))
 *     .options(QgaOptions.builder().callTimeout(Duration.ofSeconds(10)).build())
 *     .build();
 * }</pre>
 */
public final class QgaClientBuilder {
  private Supplier<List<Endpoint>> endpoints;
  private String firstUri;
  private QgaOptions options = QgaOptions.DEFAULT;
  private EventLoops loops;
  private Executor executor;
  private Transports transports;
  private String label;

  QgaClientBuilder() {}

  /** The qemu-ga channel (required, or {@link #endpoints(List)} or {@link #resolvedEndpoints}). */
  public QgaClientBuilder endpoint(Endpoint endpoint) {
    return endpoints(List.of(Objects.requireNonNull(endpoint, "endpoint")));
  }

  /** Channels to try in order (auto-fallback). */
  public QgaClientBuilder endpoints(List<Endpoint> list) {
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no qemu-ga endpoints");
    }
    List<Endpoint> fixed = List.copyOf(list);
    this.endpoints = () -> fixed;
    this.firstUri = fixed.get(0).uri();
    return this;
  }

  /**
   * Endpoints found again at every connect, e.g. a resolver's answer for a VM whose channel
   * directory changes at each start; an empty list means NO_CHANNEL.
   */
  public QgaClientBuilder resolvedEndpoints(Supplier<List<Endpoint>> resolved) {
    this.endpoints = Objects.requireNonNull(resolved, "endpoints");
    return this;
  }

  /** Options; {@link QgaOptions#DEFAULT} otherwise. */
  public QgaClientBuilder options(QgaOptions qgaOptions) {
    this.options = Objects.requireNonNull(qgaOptions, "options");
    return this;
  }

  /** Shared event loops (left running at close). */
  public QgaClientBuilder eventLoops(EventLoops eventLoops) {
    this.loops = Objects.requireNonNull(eventLoops, "eventLoops");
    return this;
  }

  /** The executor futures complete on (left running at close). */
  public QgaClientBuilder callbackExecutor(Executor callbacks) {
    this.executor = Objects.requireNonNull(callbacks, "callbackExecutor");
    return this;
  }

  /** Transports; {@link Transports#load()} otherwise. */
  public QgaClientBuilder transports(Transports available) {
    this.transports = Objects.requireNonNull(available, "transports");
    return this;
  }

  /** The name used in messages and logs (a VM id); the first endpoint's URI otherwise. */
  public QgaClientBuilder label(String name) {
    this.label = Objects.requireNonNull(name, "label");
    return this;
  }

  /** The client; nothing is opened until the first call. */
  public QgaClient build() {
    if (endpoints == null) {
      throw new IllegalStateException("no qemu-ga endpoint given");
    }
    EventLoops ownLoops = loops == null ? EventLoops.create(1) : null;
    ExecutorService ownExecutor = executor == null ? Executors.newFixedThreadPool(1, r -> {
      Thread t = new Thread(r, "quantix-qga-callbacks");
      t.setDaemon(true);
      return t;
    }) : null;
    QgaSession session = new QgaSession(label != null ? label
        : firstUri != null ? firstUri : "qemu-ga",
        endpoints, transports == null ? Transports.load() : transports,
        loops == null ? ownLoops : loops, options);
    Calls calls = new Calls(session, executor == null ? ownExecutor : executor);
    Duration drain = options.closeDrain().plusSeconds(5);
    Runnable onClose = () -> {
      java.util.concurrent.CompletableFuture<Void> closed = session.close();
      if (!session.inEventLoop()) {
        try {
          closed.get(drain.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
          // The channel is closed by the drain timer at the latest; nothing more to wait for.
        }
      }
      if (ownExecutor != null) {
        ownExecutor.shutdown();
      }
      if (ownLoops != null && !session.inEventLoop()) {
        ownLoops.close();
      }
    };
    return new QgaClient(calls, options.callTimeout(), new Once(onClose));
  }

  private static final class Once implements Runnable {
    private final Runnable task;
    private final java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();

    Once(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      if (done.compareAndSet(false, true)) {
        task.run();
      }
    }
  }
}
