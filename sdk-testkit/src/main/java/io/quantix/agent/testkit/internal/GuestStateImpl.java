package io.quantix.agent.testkit.internal;

import io.quantix.agent.testkit.GuestState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/** The fake guest's simulated state; every method synchronises on this object. Not API. */
public final class GuestStateImpl implements GuestState {
  /** Each history keeps at most this many entries. */
  static final int HISTORY_LIMIT = 1_000;

  private final Map<String, Long> frozenSince = new LinkedHashMap<>();
  private ScheduledFuture<?> autoThaw;
  private int autoThaws;
  private final Deque<PasswordReset> passwordResets = new ArrayDeque<>();
  private final Deque<NetworkChange> networkChanges = new ArrayDeque<>();
  private final Deque<TimeSync> timeSyncs = new ArrayDeque<>();
  private final Deque<Shutdown> shutdowns = new ArrayDeque<>();
  private final Set<Integer> killed = new LinkedHashSet<>();
  private final Map<String, String> serviceStates = new LinkedHashMap<>();
  private final Map<String, String> serviceStartTypes = new LinkedHashMap<>();
  private Clipboard clipboard;
  private Display display;
  private String installedUpdate;
  /** Built-in commands running now, by pseudo pid. */
  private final Map<Integer, RunningCommand> running = new LinkedHashMap<>();
  private int nextPid = 2000;

  /**
   * A built-in command the guest runs.
   *
   * @param pid its pseudo process id
   * @param commandLine what the host asked to run
   * @param user who runs it
   * @param kill ends it
   */
  record RunningCommand(int pid, String commandLine, String user, Runnable kill) {}

  @Override
  public synchronized boolean frozen() {
    return !frozenSince.isEmpty();
  }

  @Override
  public synchronized List<String> frozenMountPoints() {
    return List.copyOf(frozenSince.keySet());
  }

  @Override
  public synchronized int autoThaws() {
    return autoThaws;
  }

  @Override
  public synchronized List<PasswordReset> passwordResets() {
    return List.copyOf(passwordResets);
  }

  @Override
  public synchronized List<NetworkChange> networkChanges() {
    return List.copyOf(networkChanges);
  }

  @Override
  public synchronized List<TimeSync> timeSyncs() {
    return List.copyOf(timeSyncs);
  }

  @Override
  public synchronized List<Shutdown> shutdowns() {
    return List.copyOf(shutdowns);
  }

  @Override
  public synchronized Optional<Clipboard> clipboard() {
    return Optional.ofNullable(clipboard);
  }

  @Override
  public synchronized Optional<Display> display() {
    return Optional.ofNullable(display);
  }

  @Override
  public synchronized Set<Integer> killedProcesses() {
    return Set.copyOf(killed);
  }

  @Override
  public synchronized Map<String, String> serviceStates() {
    return Map.copyOf(serviceStates);
  }

  @Override
  public synchronized Optional<String> installedUpdate() {
    return Optional.ofNullable(installedUpdate);
  }

  /** Marks mount points frozen, unless one already is: returns the one already frozen, or null. */
  synchronized String freeze(List<String> mountPoints, long nowNanos) {
    for (String mount : mountPoints) {
      if (frozenSince.containsKey(mount)) {
        return mount;
      }
    }
    mountPoints.forEach(mount -> frozenSince.put(mount, nowNanos));
    return null;
  }

  /** Replaces the auto-thaw timer (cancelling the previous one). */
  synchronized void autoThaw(ScheduledFuture<?> timer) {
    if (autoThaw != null) {
      autoThaw.cancel(false);
    }
    autoThaw = timer;
  }

  /** Thaws the given mount points, or all when empty; returns those that were frozen. */
  synchronized List<String> thaw(List<String> mountPoints, boolean byTimer) {
    if (autoThaw != null && !byTimer) {
      autoThaw.cancel(false);
    }
    autoThaw = null;
    List<String> thawed = new ArrayList<>();
    List<String> targets = mountPoints.isEmpty() ? List.copyOf(frozenSince.keySet()) : mountPoints;
    for (String mount : targets) {
      if (frozenSince.remove(mount) != null) {
        thawed.add(mount);
      }
    }
    if (byTimer && !thawed.isEmpty()) {
      autoThaws++;
    }
    return thawed;
  }

  synchronized void cancelTimers() {
    if (autoThaw != null) {
      autoThaw.cancel(false);
      autoThaw = null;
    }
  }

  synchronized void passwordReset(PasswordReset reset) {
    add(passwordResets, reset);
  }

  synchronized void networkChange(NetworkChange change) {
    add(networkChanges, change);
  }

  synchronized void timeSync(TimeSync sync) {
    add(timeSyncs, sync);
  }

  synchronized void shutdown(Shutdown shutdown) {
    add(shutdowns, shutdown);
  }

  synchronized void clipboard(Clipboard value) {
    clipboard = value;
  }

  synchronized void display(Display value) {
    display = value;
  }

  /** Records a kill; false if the process was already gone. */
  synchronized boolean kill(int pid) {
    if (killed.size() >= HISTORY_LIMIT) {
      return false;
    }
    return killed.add(pid);
  }

  synchronized boolean isKilled(int pid) {
    return killed.contains(pid);
  }

  synchronized void serviceState(String name, String state) {
    serviceStates.put(name, state);
  }

  synchronized String serviceState(String name) {
    return serviceStates.get(name);
  }

  synchronized void serviceStartType(String name, String startType) {
    serviceStartTypes.put(name, startType);
  }

  synchronized String serviceStartType(String name) {
    return serviceStartTypes.get(name);
  }

  synchronized void installedUpdate(String version) {
    installedUpdate = version;
  }

  @Override
  public synchronized List<String> runningCommands() {
    List<String> lines = new ArrayList<>(running.size());
    running.values().forEach(command -> lines.add(command.commandLine()));
    return lines;
  }

  /** Registers a running command; its pseudo pid. */
  synchronized int commandStarted(String commandLine, String user, Runnable kill) {
    int pid = nextPid++;
    running.put(pid, new RunningCommand(pid, commandLine, user, kill));
    return pid;
  }

  synchronized void commandEnded(int pid) {
    running.remove(pid);
  }

  /** The running commands, for the process list. */
  synchronized List<RunningCommand> running() {
    return List.copyOf(running.values());
  }

  /** Kills a running command; false if no command has that pid. */
  boolean killCommand(int pid) {
    RunningCommand command;
    synchronized (this) {
      command = running.get(pid);
    }
    if (command == null) {
      return false;
    }
    command.kill().run();
    return true;
  }

  /** Kills every running command (the agent closes). */
  void killCommands() {
    running().forEach(command -> command.kill().run());
  }

  private static <T> void add(Deque<T> history, T entry) {
    if (history.size() >= HISTORY_LIMIT) {
      history.removeFirst();
    }
    history.addLast(entry);
  }
}
