package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.testkit.AsyncRequestHandler;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.testkit.RandomFaults;
import io.quantix.agent.testkit.RecordedRequest;
import io.quantix.agent.testkit.ScriptedReply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * How one fake agent answers: handler overrides, one-shot scripted replies, faults (scripted, per
 * type, for all, random) and the record of received frames. Collections are created on first use so
 * a fleet's idle agents stay small. Thread-safe. Not API.
 */
public final class Script {
  /** Scripted replies waiting beyond this are refused: a test that enqueues more has a bug. */
  static final int QUEUE_LIMIT = 100_000;

  private final long seed;
  private final int recordLimit;
  private EnumMap<PayloadCase, AsyncRequestHandler> handlers;
  private EnumMap<PayloadCase, ArrayDeque<ScriptedReply>> queues;
  private ArrayDeque<ScriptedReply> anyQueue;
  private EnumMap<PayloadCase, Fault> faults;
  private Fault allFault;
  private RandomFaults randomFaults;
  private Random random;
  private Map<String, ExecuteResponse> commands;
  private volatile LinkedBlockingDeque<RecordedRequest> recorded;
  private long sequence;

  /**
   * What to do with one received frame.
   *
   * @param recorded the frame as recorded, for the dispatcher
   * @param scripted the one-shot reply that claimed it, or null
   * @param handler the per-type handler that claimed it, or null
   * @param fault the fault for its reply
   */
  public record Decision(RecordedRequest recorded, ScriptedReply scripted, AsyncRequestHandler handler, Fault fault) {
    /** The frame's arrival number. */
    public long sequence() {
      return recorded.sequence();
    }
  }

  Script(long seed, int recordLimit) {
    this.seed = seed;
    this.recordLimit = recordLimit;
  }

  /** Replaces (or with null restores) the handler of one request type. */
  public synchronized void handler(PayloadCase payload, AsyncRequestHandler handler) {
    requireRequest(payload);
    if (handler == null) {
      if (handlers != null) {
        handlers.remove(payload);
      }
      return;
    }
    if (handlers == null) {
      handlers = new EnumMap<>(PayloadCase.class);
    }
    handlers.put(payload, handler);
  }

  /** Queues a one-shot reply for the next request of that type, or of any type when null. */
  public synchronized void enqueue(PayloadCase payload, ScriptedReply reply) {
    ArrayDeque<ScriptedReply> queue;
    if (payload == null) {
      queue = anyQueue == null ? anyQueue = new ArrayDeque<>() : anyQueue;
    } else {
      requireRequest(payload);
      if (queues == null) {
        queues = new EnumMap<>(PayloadCase.class);
      }
      queue = queues.computeIfAbsent(payload, p -> new ArrayDeque<>());
    }
    if (queue.size() >= QUEUE_LIMIT) {
      throw new IllegalStateException(QUEUE_LIMIT + " scripted replies already waiting");
    }
    queue.addLast(reply);
  }

  /** Sets the fault for one request type, or for all when {@code payload} is null. */
  public synchronized void fault(PayloadCase payload, Fault fault) {
    if (payload == null) {
      allFault = fault;
      return;
    }
    requireRequest(payload);
    if (faults == null) {
      faults = new EnumMap<>(PayloadCase.class);
    }
    faults.put(payload, fault);
  }

  /** Sets (or with null clears) the random faults. */
  public synchronized void randomFaults(RandomFaults faults) {
    randomFaults = faults;
    if (random == null) {
      random = new Random(seed);
    }
  }

  /** Clears every persistent and random fault (scripted one-shots stay). */
  public synchronized void clearFaults() {
    faults = null;
    allFault = null;
    randomFaults = null;
  }

  /** Scripts the result of one command line ({@code command} and its args joined by spaces). */
  public synchronized void command(String commandLine, ExecuteResponse result) {
    if (commands == null) {
      commands = new HashMap<>();
    }
    if (commands.size() >= QUEUE_LIMIT && !commands.containsKey(commandLine)) {
      throw new IllegalStateException(QUEUE_LIMIT + " scripted commands already");
    }
    commands.put(commandLine, result);
  }

  /** The scripted result of a command line, or null. */
  public synchronized ExecuteResponse command(String commandLine) {
    return commands == null ? null : commands.get(commandLine);
  }

  /** Records a received frame and decides how to answer it. */
  public Decision receive(AgentMessage message, long connection) {
    PayloadCase payload = message.getPayloadCase();
    long seq;
    ScriptedReply scripted = null;
    AsyncRequestHandler handler = null;
    Fault fault = Fault.none();
    synchronized (this) {
      seq = ++sequence;
      if (Messages.isRequest(payload)) {
        scripted = nextScripted(payload);
        fault = scripted != null && !(scripted.fault() instanceof Fault.None)
            ? scripted.fault() : persistentFault(payload);
        handler = handlers == null ? null : handlers.get(payload);
      }
    }
    RecordedRequest recorded = new RecordedRequest(message, seq, connection, Instant.now(), fault);
    record(recorded);
    return new Decision(recorded, scripted, handler, fault);
  }

  /** The next recorded frame, waiting up to {@code timeout}; null if none came. */
  public RecordedRequest take(Duration timeout) throws InterruptedException {
    return recordedQueue().poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Frames received so far. */
  public synchronized long received() {
    return sequence;
  }

  private ScriptedReply nextScripted(PayloadCase payload) {
    ArrayDeque<ScriptedReply> queue = queues == null ? null : queues.get(payload);
    if (queue != null && !queue.isEmpty()) {
      return queue.pollFirst();
    }
    return anyQueue == null ? null : anyQueue.pollFirst();
  }

  private Fault persistentFault(PayloadCase payload) {
    Fault perType = faults == null ? null : faults.get(payload);
    if (perType != null) {
      return perType;
    }
    if (allFault != null) {
      return allFault;
    }
    if (randomFaults != null) {
      // Both draws always happen, so the sequence of faults depends on the request order only.
      double roll = random.nextDouble();
      int pick = random.nextInt(randomFaults.choices().size());
      boolean applies = randomFaults.payloads().isEmpty() || randomFaults.payloads().contains(payload);
      if (applies && roll < randomFaults.rate()) {
        return randomFaults.choices().get(pick);
      }
    }
    return Fault.none();
  }

  private void record(RecordedRequest request) {
    if (recordLimit == 0) {
      return;
    }
    LinkedBlockingDeque<RecordedRequest> queue = recordedQueue();
    synchronized (queue) {
      while (!queue.offerLast(request)) {
        queue.pollFirst();
      }
    }
  }

  private LinkedBlockingDeque<RecordedRequest> recordedQueue() {
    LinkedBlockingDeque<RecordedRequest> queue = recorded;
    if (queue == null) {
      synchronized (this) {
        queue = recorded;
        if (queue == null) {
          recorded = queue = new LinkedBlockingDeque<>(Math.max(1, recordLimit));
        }
      }
    }
    return queue;
  }

  private static void requireRequest(PayloadCase payload) {
    if (payload == null || !Messages.isRequest(payload)) {
      throw new IllegalArgumentException(payload + " is not a request type");
    }
  }
}
