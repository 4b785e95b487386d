package io.quantix.agent.testkit;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Runs fake agents by hand until SIGTERM or Ctrl-C. Prints one {@code listening unix:<path>} line
 * per socket, then {@code ready <n>}; logs only warnings and errors (on stderr) unless {@code
 * --verbose}. Guest commands are answered from the fake's built-in command set inside the sandbox;
 * {@code --allow-host-exec} runs them as real commands on this machine instead (in the sandbox
 * directory, with a clean environment), as whoever started the launcher.
 *
 * <pre>{@code
 * java -jar quantix-agent-testkit-<version>-launcher.jar --socket /tmp/vm-1.agent.sock --telemetry 5s
 * java -jar quantix-agent-testkit-<version>-launcher.jar --vms 1000 --dir /tmp/vms --telemetry off
 * java -jar quantix-agent-testkit-<version>-launcher.jar --socket /tmp/vm.vsock --hybrid-vsock 9443
 * }</pre>
 */
public final class FakeAgentMain {
  static final String USAGE = String.join("\n",
      "usage: java -jar quantix-agent-testkit-launcher.jar (--socket PATH | --vms N --dir DIR) [options]",
      "  --socket PATH        one fake agent listening on PATH",
      "  --vms N --dir DIR    N fake agents, sockets DIR/vm-00001.agent.sock ...",
      "  --telemetry D        telemetry period: 5s (default), 500ms, 1m, 0 or off",
      "  --sandbox DIR        guest filesystem root (a fleet makes one sub-directory per VM)",
      "  --hybrid-vsock PORT  expect Firecracker's 'CONNECT PORT' line first",
      "  --multi-client       serve every connection (default: one at a time, like QEMU)",
      "  --seed N             seed of every random choice",
      "  --threads N          event-loop threads of a fleet (default 2)",
      "  --record-limit N     requests each agent keeps for inspection (default 10000; 0: none,",
      "                       which keeps a large fleet's memory flat)",
      "  --allow-host-exec    run guest commands as real commands on this machine, as this user, in",
      "                       the sandbox directory with a clean environment (default: answer them",
      "                       from a built-in command set that touches nothing but the sandbox)",
      "  --verbose            debug logging on stderr (default: warnings and errors only)",
      "  --help               this text");

  private FakeAgentMain() {}

  /** Parsed command line. */
  record Options(Path socket, int vms, Path dir, Duration telemetry, Path sandbox, int hybridVsockPort,
      boolean multiClient, Long seed, int threads, int recordLimit, boolean allowHostExec, boolean verbose) {}

  /** Starts the agents and blocks until the JVM is told to stop. */
  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(USAGE);
      return;
    }
    configureLogging(options.verbose());
    AutoCloseable running = start(options, System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
      stopped.countDown();
    }, "fake-agent-shutdown"));
    stopped.await();
  }

  /**
   * The launcher jar carries slf4j-simple: set its level (warn, or debug with --verbose) and send it
   * to stderr, before any logger exists. A level given with -D wins.
   */
  static void configureLogging(boolean verbose) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
    }
    if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
      System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
  }

  /** Starts what {@code options} describe and prints the endpoints to {@code out}. */
  static AutoCloseable start(Options options, PrintStream out) {
    if (options.vms() > 0) {
      FakeGuestAgentFleet.Builder fleet = FakeGuestAgentFleet.builder().directory(options.dir()).vmCount(options.vms())
          .eventLoopThreads(options.threads()).agents(agent -> configure(agent, options));
      if (options.seed() != null) {
        fleet.seed(options.seed());
      }
      FakeGuestAgentFleet started = fleet.start();
      started.agents().forEach(agent -> out.println("listening " + agent.endpoint()));
      out.println("ready " + started.size());
      out.flush();
      return started;
    }
    FakeGuestAgentBuilder builder = FakeGuestAgent.builder().socketPath(options.socket());
    configure(builder, options);
    if (options.seed() != null) {
      builder.seed(options.seed());
    }
    FakeGuestAgent agent = builder.build().start();
    out.println("listening " + agent.endpoint());
    out.println("ready 1");
    out.flush();
    return agent;
  }

  private static void configure(FakeGuestAgentBuilder builder, Options options) {
    builder.telemetryInterval(options.telemetry()).singleClient(!options.multiClient())
        .recordLimit(options.recordLimit()).allowHostExec(options.allowHostExec());
    if (options.sandbox() != null) {
      builder.sandbox(options.sandbox());
    }
    if (options.hybridVsockPort() > 0) {
      builder.hybridVsock(options.hybridVsockPort());
    }
  }

  /**
   * Parses the command line.
   *
   * @return the options, or null when help was asked for
   * @throws IllegalArgumentException with a message for people when the line is wrong
   */
  static Options parse(String... args) {
    Path socket = null;
    Path dir = null;
    Path sandbox = null;
    int vms = 0;
    int hybrid = 0;
    int threads = FakeGuestAgentFleet.DEFAULT_EVENT_LOOP_THREADS;
    int recordLimit = FakeGuestAgentBuilder.DEFAULT_RECORD_LIMIT;
    boolean multi = false;
    boolean hostExec = false;
    boolean verbose = false;
    Long seed = null;
    Duration telemetry = FakeGuestAgentBuilder.DEFAULT_TELEMETRY_INTERVAL;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help":
        case "-h":
          return null;
        case "--multi-client":
          multi = true;
          break;
        case "--allow-host-exec":
          hostExec = true;
          break;
        case "--verbose":
          verbose = true;
          break;
        case "--socket":
          socket = Path.of(value(args, ++i, arg));
          break;
        case "--dir":
          dir = Path.of(value(args, ++i, arg));
          break;
        case "--sandbox":
          sandbox = Path.of(value(args, ++i, arg));
          break;
        case "--vms":
          vms = positive(value(args, ++i, arg), arg);
          break;
        case "--threads":
          threads = positive(value(args, ++i, arg), arg);
          break;
        case "--record-limit":
          recordLimit = positive(value(args, ++i, arg), arg, 0);
          break;
        case "--hybrid-vsock":
          hybrid = positive(value(args, ++i, arg), arg);
          break;
        case "--telemetry":
          telemetry = duration(value(args, ++i, arg));
          break;
        case "--seed":
          try {
            seed = Long.parseLong(value(args, ++i, arg));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed needs a whole number, not '" + args[i] + "'");
          }
          break;
        default:
          throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
    }
    if ((socket == null) == (vms == 0)) {
      throw new IllegalArgumentException("give either --socket PATH or --vms N --dir DIR");
    }
    if (vms > 0 && dir == null) {
      throw new IllegalArgumentException("--vms needs --dir DIR");
    }
    return new Options(socket, vms, dir, telemetry, sandbox, hybrid, multi, seed, threads, recordLimit, hostExec,
        verbose);
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length || args[index].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  private static int positive(String text, String option) {
    return positive(text, option, 1);
  }

  private static int positive(String text, String option, int min) {
    try {
      int n = Integer.parseInt(text);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " needs a " + (min > 0 ? "positive" : "non-negative")
        + " whole number, not '" + text + "'");
  }

  /** {@code 5s}, {@code 500ms}, {@code 2m}, {@code 0} or {@code off}. */
  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("off") || t.equals("0")) {
      return Duration.ZERO;
    }
    if (t.startsWith("-")) {
      throw new IllegalArgumentException("a duration cannot be negative: '" + text + "'");
    }
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      if (t.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("cannot read duration '" + text + "' (try 5s, 500ms, 1m or off)");
  }
}
