package io.quantix.agent.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.quantix.agent.AgentException;
import io.quantix.agent.client.AgentMetrics;
import io.quantix.agent.micrometer.internal.SessionMeters;
import io.quantix.agent.micrometer.internal.StateGauges;
import io.quantix.agent.registry.AgentRegistry;
import io.quantix.agent.registry.HealthReport;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Metrics and traces of an {@link AgentRegistry} through Micrometer: every call is a
 * {@code quantix.agent.call} {@link Observation} (a timer through a {@link MeterRegistry}, a span
 * through Micrometer Tracing's OpenTelemetry or Brave bridge, whichever handlers the
 * {@link ObservationRegistry} has), child of the caller's current observation; sessions are
 * gauges, counters and timers. The VM id is a span attribute, never a metric tag unless opted in,
 * so 10,000 VMs do not make 10,000 series. Hooks run on the SDK's I/O threads and only count,
 * time or look up a map.
 *
 * <pre>{@code
 * AgentObservability observability = AgentObservability.builder(meterRegistry)
 *     .observationRegistry(observationRegistry)        // optional: spans, your handlers
 *     .build();
 * AgentRegistry agents = AgentRegistry.builder().metrics(observability).build();
 * observability.bindTo(agents);                        // sessions-by-state gauges, transport tag
 * }</pre>
 *
 * <p>Meters: {@code quantix.agent.call} (timer, tags operation/outcome/transport, plus
 * {@code error}; with an application's observation registry whose meter handler keeps long-task
 * timers, also {@code quantix.agent.call.active}), {@code
 * quantix.agent.sessions{state}}, {@code quantix.agent.calls.in.flight}, {@code
 * quantix.agent.calls.queued} (gauges), {@code quantix.agent.calls.retried{operation}}, {@code
 * quantix.agent.reconnects}, {@code quantix.agent.frames.dropped{reason}}, {@code
 * quantix.agent.bytes.skipped}, {@code quantix.agent.events.dropped}, {@code
 * quantix.agent.bytes.sent}, {@code quantix.agent.bytes.received} (counters), {@code
 * quantix.agent.connect}, {@code quantix.agent.ready} (timers).
 */
public final class AgentObservability implements AgentMetrics {
  /** Default time a sessions-by-state reading is reused for (one walk of the registry per scrape). */
  public static final Duration DEFAULT_STATE_REFRESH = Duration.ofSeconds(1);

  private final MeterRegistry meters;
  private final ObservationRegistry observations;
  private final AgentCallConvention customConvention;
  private final AgentCallConvention defaultConvention;
  private final Tags common;
  private final Duration stateRefresh;
  private final SessionMeters sessions;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicReference<StateGauges> bound = new AtomicReference<>();
  private final Counter bytesSent;
  private final Counter bytesReceived;
  private final Counter resyncFrames;
  private final Counter unknownReplies;
  private final Counter skippedBytes;
  private final Counter eventsDropped;

  private AgentObservability(Builder b) {
    this.meters = b.meters;
    this.common = b.commonTags;
    this.stateRefresh = b.stateRefresh;
    this.customConvention = b.convention;
    this.defaultConvention = new DefaultAgentCallConvention(b.vmIdAsMetricTag);
    ObservationRegistry registry = b.observations;
    if (registry == null) {
      // Metrics only: an observation registry of our own that feeds the meter registry. Without
      // the long-task timer, which costs a registration and a skip-list insert and removal per
      // call (about a third of the instrumentation's cost): calls.in.flight counts calls under way.
      registry = ObservationRegistry.create();
      registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters,
          DefaultMeterObservationHandler.IgnoredMeters.LONG_TASK_TIMER));
    }
    this.observations = registry;
    this.sessions = new SessionMeters(meters, common);
    Gauge.builder("quantix.agent.calls.in.flight", inFlight, AtomicInteger::get).tags(common)
        .description("Calls started and not ended, over all VMs").register(meters);
    Gauge.builder("quantix.agent.calls.queued", sessions.queued(), AtomicInteger::get).tags(common)
        .description("Calls waiting for a session (their VM connects), over all VMs")
        .register(meters);
    this.bytesSent = bytes("quantix.agent.bytes.sent", "Frame bytes written to agents");
    this.bytesReceived = bytes("quantix.agent.bytes.received", "Frame bytes read from agents");
    this.resyncFrames = dropped("resync");
    this.unknownReplies = dropped("unknown_reply");
    this.skippedBytes = bytes("quantix.agent.bytes.skipped",
        "Bytes skipped while resynchronising on a frame magic");
    this.eventsDropped = Counter.builder("quantix.agent.events.dropped").tags(common)
        .description("Events not delivered to a listener that fell behind").register(meters);
  }

  /** A builder over {@code meters}, where gauges, counters and (by default) call timers go. */
  public static Builder builder(MeterRegistry meters) {
    return new Builder(meters);
  }

  /**
   * Adds the sessions-by-state gauges of {@code registry} and lets calls be tagged with the
   * transport of their VM's session. Bind one registry per instance.
   *
   * @throws IllegalStateException if another registry is already bound
   */
  public AgentObservability bindTo(AgentRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    StateGauges gauges = new StateGauges(registry, sessions, stateRefresh);
    if (!bound.compareAndSet(null, gauges)) {
      throw new IllegalStateException("AgentObservability is already bound to a registry");
    }
    gauges.register(meters, common);
    return this;
  }

  /** The health view behind the sessions gauges (at most {@code stateRefresh} old), if bound. */
  public HealthReport health() {
    StateGauges gauges = bound.get();
    if (gauges == null) {
      throw new IllegalStateException("bindTo(registry) was not called");
    }
    return gauges.report();
  }

  /** The observation registry calls are observed through. */
  public ObservationRegistry observationRegistry() {
    return observations;
  }

  @Override
  public Object callBegan(String vmId, String operation) {
    inFlight.incrementAndGet();
    Observation observation = Observation.createNotStarted(customConvention, defaultConvention,
        () -> new AgentCallContext(vmId, operation, sessions.transport(vmId)), observations);
    return observation.start();
  }

  @Override
  public void callEnded(Object context, String vmId, String operation, AgentException.Code code,
      long nanos) {
    inFlight.decrementAndGet();
    if (context instanceof Observation) {
      Observation observation = (Observation) context;
      if (observation.getContext() instanceof AgentCallContext) {
        ((AgentCallContext) observation.getContext()).end(code, sessions.transport(vmId));
      }
      observation.stop();
    }
  }

  @Override
  public void callRetried(String vmId, String operation) {
    Counter.builder("quantix.agent.calls.retried").tags(common).tag("operation", operation)
        .description("Calls sent again after a lost session").register(meters).increment();
  }

  @Override
  public void waiting(String vmId, int calls) {
    sessions.waiting(vmId, calls);
  }

  @Override
  public void connectAttempt(String vmId, int attempt) {
    sessions.connectAttempt(vmId);
  }

  @Override
  public void sessionReady(String vmId) {
    StateGauges gauges = bound.get();
    String transport = SessionMeters.UNKNOWN_TRANSPORT;
    AgentRegistry registry = gauges == null ? null : gauges.registry();
    if (registry != null) {
      transport = scheme(registry.status(vmId).endpoint());
    }
    sessions.sessionReady(vmId, transport);
  }

  @Override
  public void resync(String vmId, long skipped, int droppedFrames) {
    if (droppedFrames > 0) {
      resyncFrames.increment(droppedFrames);
    }
    if (skipped > 0) {
      skippedBytes.increment(skipped);
    }
  }

  @Override
  public void unknownReply(String vmId) {
    unknownReplies.increment();
  }

  @Override
  public void eventDropped(String vmId) {
    eventsDropped.increment();
  }

  @Override
  public void bytesIn(String vmId, long bytes) {
    bytesReceived.increment(bytes);
  }

  @Override
  public void bytesOut(String vmId, long bytes) {
    bytesSent.increment(bytes);
  }

  /** {@code unix}, {@code vsock}, {@code hvsock}: the scheme of an endpoint URI. */
  static String scheme(String endpoint) {
    int colon = endpoint == null ? -1 : endpoint.indexOf(':');
    return colon <= 0 ? SessionMeters.UNKNOWN_TRANSPORT : endpoint.substring(0, colon);
  }

  private Counter bytes(String name, String description) {
    return Counter.builder(name).tags(common).baseUnit("bytes").description(description)
        .register(meters);
  }

  private Counter dropped(String reason) {
    return Counter.builder("quantix.agent.frames.dropped").tags(common).tag("reason", reason)
        .description("Inbound frames dropped: undecodable (resync) or answering no call")
        .register(meters);
  }

  /**
   * Configures {@link AgentObservability}.
   *
   * <pre>{@code
   * AgentObservability o = AgentObservability.builder(new SimpleMeterRegistry())
   *     .commonTags(Tags.of("host", "node-7"))
   *     .vmIdAsMetricTag(false)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private final MeterRegistry meters;
    private ObservationRegistry observations;
    private AgentCallConvention convention;
    private boolean vmIdAsMetricTag;
    private Tags commonTags = Tags.empty();
    private Duration stateRefresh = DEFAULT_STATE_REFRESH;

    private Builder(MeterRegistry meters) {
      this.meters = Objects.requireNonNull(meters, "meters");
    }

    /**
     * Observes calls through {@code registry} and its handlers (meters, tracing); default: a
     * registry of this instance's own, feeding only the meter registry.
     */
    public Builder observationRegistry(ObservationRegistry registry) {
      this.observations = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Names and tags of call observations (default {@link DefaultAgentCallConvention}). */
    public Builder convention(AgentCallConvention convention) {
      this.convention = Objects.requireNonNull(convention, "convention");
      return this;
    }

    /**
     * Tags call metrics with the VM id too (default false): one series per VM and operation, for
     * hosts with a few VMs only.
     */
    public Builder vmIdAsMetricTag(boolean on) {
      this.vmIdAsMetricTag = on;
      return this;
    }

    /** Tags added to every meter made here (not to call observations: use a convention). */
    public Builder commonTags(Tags tags) {
      this.commonTags = Objects.requireNonNull(tags, "tags");
      return this;
    }

    /** How long one sessions-by-state reading serves the gauges (default 1 s). */
    public Builder stateRefresh(Duration refresh) {
      Objects.requireNonNull(refresh, "refresh");
      if (refresh.isNegative()) {
        throw new IllegalArgumentException("stateRefresh must not be negative: " + refresh);
      }
      this.stateRefresh = refresh;
      return this;
    }

    /** The instrumentation; pass it to {@code AgentRegistry.Builder.metrics}, then bind it. */
    public AgentObservability build() {
      return new AgentObservability(this);
    }
  }
}
