package io.quantix.agent.testkit.internal;

import io.quantix.agent.testkit.internal.BuiltInShell.Sink;
import io.quantix.agent.testkit.internal.BuiltInShell.Stalled;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The built-in {@code sleep} and {@code timeout}: sleeping holds the command's worker thread (and
 * ends early when killed); {@code timeout [-k D] [-s SIG] DURATION CMD...} gives its command a
 * deadline that a sleep or a stall inside it reaches, and then answers 124 (137 with {@code -s
 * KILL}), as coreutils' {@code timeout} does when it kills its child. Not API.
 */
final class Timing {
  /** A surrounding {@code timeout}'s deadline was reached. */
  static final class DeadlineReached extends RuntimeException {
    DeadlineReached() {
      super(null, null, false, false);
    }
  }

  private Timing() {}

  static int sleep(BuiltInShell sh, List<String> args, Sink err) throws Stalled, InterruptedException {
    long nanos = 0;
    for (String arg : args) {
      long one = nanos(arg);
      if (one < 0) {
        return BuiltInCommands.fail(err, "sleep: invalid time interval '" + arg + "'", 1);
      }
      nanos += one;
    }
    if (args.isEmpty()) {
      return BuiltInCommands.fail(err, "sleep: missing operand", 1);
    }
    waitFor(sh, nanos);
    return 0;
  }

  /** Waits {@code nanos} (Long.MAX_VALUE: until killed), or up to the deadline, which it reports. */
  static void waitFor(BuiltInShell sh, long nanos) throws InterruptedException {
    long start = System.nanoTime();
    long end = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : start + nanos;
    boolean byDeadline = false;
    if (sh.deadlineNanos != 0 && (end == Long.MAX_VALUE || sh.deadlineNanos - end < 0)) {
      end = sh.deadlineNanos;
      byDeadline = true;
    }
    while (end == Long.MAX_VALUE || end - System.nanoTime() > 0) {
      long left = end == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(60) : end - System.nanoTime();
      TimeUnit.NANOSECONDS.sleep(Math.max(1, left));
    }
    if (byDeadline) {
      throw new DeadlineReached();
    }
  }

  static int timeout(BuiltInShell sh, List<String> args, byte[] stdin, Sink out, Sink err)
      throws Stalled, InterruptedException {
    int i = 0;
    boolean kill = false;
    while (i < args.size() && args.get(i).startsWith("-")) {
      String option = args.get(i);
      if ((option.equals("-k") || option.equals("-s")) && i + 1 < args.size()) {
        kill |= option.equals("-s") && args.get(i + 1).replace("SIG", "").matches("KILL|9");
        i += 2;
      } else {
        kill |= option.matches("--signal=(SIG)?(KILL|9)");
        i++;
      }
    }
    long nanos = i < args.size() ? nanos(args.get(i)) : -1;
    if (nanos < 0 || i + 1 >= args.size()) {
      return BuiltInCommands.fail(err, "timeout: invalid time interval or missing command", 125);
    }
    long saved = sh.deadlineNanos;
    long deadline = System.nanoTime() + nanos;
    sh.deadlineNanos = saved != 0 && saved - deadline < 0 ? saved : deadline;
    try {
      return sh.run(args.subList(i + 1, args.size()), stdin, out, err, true);
    } catch (Stalled stalled) {
      try {
        waitFor(sh, Long.MAX_VALUE);
      } catch (DeadlineReached reached) {
        return outerOrOwn(saved, deadline, kill);
      }
      throw stalled;
    } catch (DeadlineReached reached) {
      return outerOrOwn(saved, deadline, kill);
    } finally {
      sh.deadlineNanos = saved;
    }
  }

  /** 124 (137 for KILL) if this timeout's deadline came first; an outer one's propagates. */
  private static int outerOrOwn(long outer, long own, boolean kill) {
    if (outer != 0 && outer - own <= 0) {
      throw new DeadlineReached();
    }
    return kill ? 137 : 124;
  }

  /** {@code 5}, {@code 0.5}, {@code 5s}, {@code 2m}, {@code 1h} in nanoseconds; -1 if not a time. */
  static long nanos(String text) {
    double unit = 1e9;
    String number = text;
    if (text.endsWith("s") || text.endsWith("m") || text.endsWith("h") || text.endsWith("d")) {
      unit *= switch (text.charAt(text.length() - 1)) {
        case 'm' -> 60;
        case 'h' -> 3600;
        case 'd' -> 86400;
        default -> 1;
      };
      number = text.substring(0, text.length() - 1);
    }
    try {
      double value = Double.parseDouble(number);
      return value < 0 || Double.isNaN(value) ? -1 : (long) Math.min(Long.MAX_VALUE / 2.0, value * unit);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
