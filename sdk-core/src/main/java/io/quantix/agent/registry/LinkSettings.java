package io.quantix.agent.registry;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The tuning of a registry's links, apart from its resources: timeouts, reconnect backoff,
 * keep-alive, in-flight bounds and the per-VM circuit breaker. Immutable; made in the style of
 * Resilience4j's configurations, with {@link #ofDefaults()} or {@link #custom()}, and validated
 * when built, before any I/O.
 *
 * <pre>{@code
 * LinkSettings fast = LinkSettings.custom()
 *     .connectTimeout(Duration.ofSeconds(2))
 *     .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(5))
 *     .build();
 * AgentRegistry registry = AgentRegistry.builder().settings(fast).build();
 * }</pre>
 */
public final class LinkSettings {
  /** Default calls in flight per VM. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
  /** Default calls waiting per VM while it connects. */
  public static final int DEFAULT_MAX_WAITING = 256;
  /** Default time for one connect attempt. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Default time from connect to AgentReady or pong. */
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(10);
  /** Default grace for calls sent before a guest reset. */
  public static final Duration DEFAULT_RESET_GRACE = Duration.ofSeconds(2);
  /** Default silence before a keep-alive ping. */
  public static final Duration DEFAULT_KEEPALIVE_IDLE = Duration.ofSeconds(30);
  /** Default missed keep-alives before a session is silent. */
  public static final int DEFAULT_KEEPALIVE_MISSES = 3;
  /** Default first reconnect delay. */
  public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofSeconds(1);
  /** Default largest reconnect delay. */
  public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(30);
  /** Default attempts per call. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  /** Default connect attempts under way at once, over all VMs of a registry. */
  public static final int DEFAULT_MAX_CONCURRENT_CONNECTS = 64;
  /** Default per-VM circuit breaker: opens at 50 % failures of the last 20 calls, for 5 s. */
  public static final CircuitBreakerConfig DEFAULT_CIRCUIT_BREAKER = CircuitBreakerConfig.custom()
      .slidingWindowSize(20).minimumNumberOfCalls(10).failureRateThreshold(50)
      .waitDurationInOpenState(Duration.ofSeconds(5)).permittedNumberOfCallsInHalfOpenState(3)
      .build();

  private static final LinkSettings DEFAULTS = new Builder().build();

  private final int maxInFlight;
  private final int maxWaiting;
  private final Duration connectTimeout;
  private final Duration readyTimeout;
  private final Duration resetGrace;
  private final Duration keepAliveIdle;
  private final int keepAliveMisses;
  private final Duration reconnectMin;
  private final Duration reconnectMax;
  private final int maxAttempts;
  private final int maxConcurrentConnects;
  private final CircuitBreakerConfig circuitBreaker;

  private LinkSettings(Builder b) {
    this.maxInFlight = b.maxInFlight;
    this.maxWaiting = b.maxWaiting;
    this.connectTimeout = b.connectTimeout;
    this.readyTimeout = b.readyTimeout;
    this.resetGrace = b.resetGrace;
    this.keepAliveIdle = b.keepAliveIdle;
    this.keepAliveMisses = b.keepAliveMisses;
    this.reconnectMin = b.reconnectMin;
    this.reconnectMax = b.reconnectMax;
    this.maxAttempts = b.maxAttempts;
    this.maxConcurrentConnects = b.maxConcurrentConnects;
    this.circuitBreaker = b.circuitBreaker;
  }

  /** The defaults: the {@code DEFAULT_*} constants. */
  public static LinkSettings ofDefaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder custom() {
    return new Builder();
  }

  /** A builder starting from {@code base}. */
  public static Builder from(LinkSettings base) {
    return new Builder(Objects.requireNonNull(base, "base"));
  }

  /** Calls in flight per VM before RESOURCE_EXHAUSTED. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** Calls waiting for a session per VM before UNAVAILABLE. */
  public int maxWaiting() {
    return maxWaiting;
  }

  /** One connect attempt over all endpoints. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** From connect to AgentReady or pong, then AGENT_SILENT. */
  public Duration readyTimeout() {
    return readyTimeout;
  }

  /** How long calls sent before a mid-session AgentReady may still be answered. */
  public Duration resetGrace() {
    return resetGrace;
  }

  /** Silence after which a keep-alive ping is sent. */
  public Duration keepAliveIdle() {
    return keepAliveIdle;
  }

  /** Unanswered keep-alives in a row before the session is declared silent. */
  public int keepAliveMisses() {
    return keepAliveMisses;
  }

  /** The first reconnect delay. */
  public Duration reconnectMin() {
    return reconnectMin;
  }

  /** The largest reconnect delay. */
  public Duration reconnectMax() {
    return reconnectMax;
  }

  /** Attempts per call, the first included. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Connect attempts under way at once, over all VMs of a registry. */
  public int maxConcurrentConnects() {
    return maxConcurrentConnects;
  }

  /** The per-VM circuit breaker's configuration. */
  public CircuitBreakerConfig circuitBreaker() {
    return circuitBreaker;
  }

  @Override
  public String toString() {
    return "LinkSettings[maxInFlight=" + maxInFlight + ", maxWaiting=" + maxWaiting
        + ", connectTimeout=" + connectTimeout + ", readyTimeout=" + readyTimeout
        + ", resetGrace=" + resetGrace + ", keepAlive=" + keepAliveIdle + " x" + keepAliveMisses
        + ", reconnect=" + reconnectMin + ".." + reconnectMax + ", maxAttempts=" + maxAttempts
        + ", maxConcurrentConnects=" + maxConcurrentConnects + "]";
  }

  /** Builds {@link LinkSettings}; each setter checks its argument at once. */
  public static final class Builder {
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int maxWaiting = DEFAULT_MAX_WAITING;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
    private Duration resetGrace = DEFAULT_RESET_GRACE;
    private Duration keepAliveIdle = DEFAULT_KEEPALIVE_IDLE;
    private int keepAliveMisses = DEFAULT_KEEPALIVE_MISSES;
    private Duration reconnectMin = DEFAULT_RECONNECT_MIN;
    private Duration reconnectMax = DEFAULT_RECONNECT_MAX;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private int maxConcurrentConnects = DEFAULT_MAX_CONCURRENT_CONNECTS;
    private CircuitBreakerConfig circuitBreaker = DEFAULT_CIRCUIT_BREAKER;

    private Builder() {}

    private Builder(LinkSettings s) {
      maxInFlight = s.maxInFlight;
      maxWaiting = s.maxWaiting;
      connectTimeout = s.connectTimeout;
      readyTimeout = s.readyTimeout;
      resetGrace = s.resetGrace;
      keepAliveIdle = s.keepAliveIdle;
      keepAliveMisses = s.keepAliveMisses;
      reconnectMin = s.reconnectMin;
      reconnectMax = s.reconnectMax;
      maxAttempts = s.maxAttempts;
      maxConcurrentConnects = s.maxConcurrentConnects;
      circuitBreaker = s.circuitBreaker;
    }

    /** Calls in flight per VM before RESOURCE_EXHAUSTED (default 1,024). */
    public Builder maxInFlight(int calls) {
      this.maxInFlight = positive(calls, "maxInFlight");
      return this;
    }

    /** Calls waiting for a session per VM before UNAVAILABLE (default 256). */
    public Builder maxWaiting(int calls) {
      this.maxWaiting = positive(calls, "maxWaiting");
      return this;
    }

    /** One connect attempt over all endpoints (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** From connect to AgentReady or pong before AGENT_SILENT (default 10 s). */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = positive(timeout, "readyTimeout");
      return this;
    }

    /** Grace for calls sent before a guest reset (default 2 s). */
    public Builder resetGrace(Duration grace) {
      this.resetGrace = positive(grace, "resetGrace");
      return this;
    }

    /** Silence before a keep-alive ping, and how many may go unanswered in a row. */
    public Builder keepAlive(Duration idle, int misses) {
      this.keepAliveIdle = positive(idle, "keepAlive idle");
      this.keepAliveMisses = positive(misses, "keepAlive misses");
      return this;
    }

    /** Reconnect backoff bounds (default 1 s to 30 s, with jitter); max must not be below min. */
    public Builder reconnectBackoff(Duration min, Duration max) {
      positive(min, "reconnect min");
      positive(max, "reconnect max");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("reconnect max " + max + " < min " + min);
      }
      this.reconnectMin = min;
      this.reconnectMax = max;
      return this;
    }

    /** Attempts per call, the first included (default 5). */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = positive(attempts, "maxAttempts");
      return this;
    }

    /**
     * Connect attempts under way at once, over all VMs (default 64); the others wait their turn,
     * so that registering thousands of VMs at once does not time attempts out in the queue.
     */
    public Builder maxConcurrentConnects(int attempts) {
      this.maxConcurrentConnects = positive(attempts, "maxConcurrentConnects");
      return this;
    }

    /** The per-VM circuit breaker's configuration (default {@link #DEFAULT_CIRCUIT_BREAKER}). */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      this.circuitBreaker = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The immutable settings. */
    public LinkSettings build() {
      return new LinkSettings(this);
    }

    private static int positive(int v, String what) {
      if (v < 1) {
        throw new IllegalArgumentException(what + " must be >= 1: " + v);
      }
      return v;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
