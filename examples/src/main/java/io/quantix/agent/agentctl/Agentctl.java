package io.quantix.agent.agentctl;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code agentctl}: the Quantix guest agent from a shell. One process, one registry, one session
 * per VM; every subcommand maps SDK failures to the exit codes below and prints one line on
 * stderr (the stack trace only with {@code --verbose}).
 *
 * <pre>{@code
 * java -jar examples/target/agentctl.jar demo
 * java -jar examples/target/agentctl.jar -e unix:/var/run/quantix-kvm/vms/vm-42.agent.sock exec -- uname -a
 * }</pre>
 */
@Command(name = "agentctl", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
    versionProvider = Agentctl.Version.class, sortOptions = false,
    description = {
        "Talk to the Quantix guest agent of a VM: commands, files, telemetry, power, snapshots.",
        "",
        "Endpoints are URIs: unix:/var/run/quantix-kvm/vms/<vm-id>.agent.sock (virtio-serial), "
            + "vsock://<cid>:<port>, hvsock:/path/to/vm.vsock?port=9443; a plain path means unix:. "
            + "Give -e several times for an auto-fallback list. Start with: agentctl demo",
        ""},
    subcommands = {
        DemoCommand.class, PingCommand.class, InfoCommand.class, ExecCommand.class,
        PushCommand.class, PullCommand.class, LsCommand.class, StatCommand.class, RmCommand.class,
        MkdirCommand.class, WatchCommand.class, PowerCommand.Shutdown.class,
        PowerCommand.Reboot.class, QuiesceCommand.class, StatusCommand.class,
        GuestinfoCommand.class, InventoryCommands.Hardware.class, InventoryCommands.Software.class,
        ProcessCommands.Ps.class, ProcessCommands.Kill.class, ServiceCommands.class,
        TimeCommands.class, PasswdCommand.class, NetCommand.class, ClipboardCommands.class,
        DisplayCommand.class, UpdateCommand.class, CallCommand.class, CompletionCommand.class,
        ManCommand.class, QgaCommand.class, InstallCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        " 0:success",
        " 1:any other failure",
        " 2:usage error (bad option, argument, endpoint or path)",
        " 3:cannot connect (the classification is printed: NO_CHANNEL, VM_NOT_RUNNING, AGENT_SILENT...)",
        " 4:deadline exceeded",
        " 5:the guest reported a failure",
        " 6:protocol error",
        " 7:status: some VM is not CONNECTED",
        " 8:denied by the host's policy (--policy); the verdict is printed",
        " *:exec: the guest command's own exit code; quiesce: the local command's"},
    footer = "")
public final class Agentctl implements Runnable {

  @Option(names = {"-e", "--endpoint"}, paramLabel = "URI", scope = ScopeType.INHERIT,
      description = "agent endpoint; repeat for a fallback list (status: one VM each)")
  List<String> endpoints = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "DURATION", scope = ScopeType.INHERIT,
      converter = Durations.Converter.class,
      description = "deadline, e.g. 5s, 500ms, 2m; what it bounds depends on the subcommand "
          + "(see its --help)")
  Duration timeout;

  @Option(names = "--lock-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
      description = "advisory lock files per channel here, so a channel another process holds "
          + "fails at once with CHANNEL_BUSY and the holder's pid (instead of AGENT_SILENT)")
  Path lockDir;

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "machine-readable output on stdout: one JSON object per line, each with "
          + "schemaVersion, vm and endpoint; errors too (README: JSON output)")
  boolean json;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "debug logging, and stack traces with errors")
  boolean verbose;

  @CommandLine.Mixin
  PolicyOptions policy = new PolicyOptions();

  @Spec
  CommandSpec spec;

  private final Console console;

  /**
   * A root command on this process's console: for tools that instantiate the command class by
   * name (picocli's {@code AutoComplete} and {@code ManPageGenerator} mains).
   */
  public Agentctl() {
    this(Console.system());
  }

  /** A root command writing to {@code console}. */
  Agentctl(Console console) {
    this.console = console;
  }

  /** Runs agentctl and exits with its exit code. */
  public static void main(String[] args) {
    Console console = Console.system();
    int code = execute(console, args);
    console.out().flush();
    console.err().flush();
    System.exit(code);
  }

  /** Runs agentctl on {@code console} and returns the exit code; never exits the JVM. */
  public static int execute(Console console, String... args) {
    return commandLine(console).execute(args);
  }

  /** The configured picocli command line (exit codes, error handling, logging). */
  static CommandLine commandLine(Console console) {
    Agentctl root = new Agentctl(console);
    CommandLine cl = new CommandLine(root);
    cl.setOut(console.out());
    cl.setErr(console.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // exec and quiesce --then take a command line: options after its first word are its own
    cl.getSubcommands().get("exec").setStopAtPositional(true);
    cl.setExecutionStrategy(parseResult -> {
      Logging.configure(verboseRequested(parseResult));
      return new CommandLine.RunLast().execute(parseResult);
    });
    HelpModel.applyTimeoutHelp(cl);
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      Failures.Failure f = Failures.classify(ex);
      if (root.json) {
        console.out().println(Failures.json(root.endpoints, f, ex));
        console.out().flush();
      }
      PrintWriter err = commandLine.getErr();
      err.println("agentctl: " + f.message());
      if (root.verbose) {
        ex.printStackTrace(err);
      }
      err.flush();
      return f.exitCode();
    });
    cl.setParameterExceptionHandler((ex, args) -> {
      if (root.json || java.util.Arrays.asList(args).contains("--json")) {
        console.out().println(Failures.json(root.endpoints,
            new Failures.Failure(ExitCodes.USAGE, ex.getMessage()), ex));
        console.out().flush();
      }
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("agentctl: " + ex.getMessage() + " (see 'agentctl "
          + subcommandPath(ex.getCommandLine()) + "--help')");
      err.flush();
      return ExitCodes.USAGE;
    });
    return cl;
  }

  private static String subcommandPath(CommandLine cl) {
    StringBuilder path = new StringBuilder();
    for (CommandLine c = cl; c != null && c.getParent() != null; c = c.getParent()) {
      path.insert(0, c.getCommandName() + " ");
    }
    return path.toString();
  }

  private static boolean verboseRequested(ParseResult parseResult) {
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** The root command of the command {@code spec} belongs to, at any depth. */
  static Agentctl root(CommandSpec spec) {
    return (Agentctl) spec.root().userObject();
  }

  /** Without a subcommand: usage error. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing subcommand: try 'agentctl demo', or see 'agentctl --help'");
  }

  /** Where output goes, and whether it is a terminal. */
  Console console() {
    return console;
  }

  /** The global options as subcommands see them. */
  Globals globals() {
    return new Globals(List.copyOf(endpoints), timeout, json, verbose, lockDir, policy);
  }

  /**
   * The global options: endpoints, timeout (null when not given), JSON output, verbosity.
   *
   * @param endpoints the -e values in order
   * @param timeout the --timeout value, or null
   * @param json whether --json was given
   * @param verbose whether --verbose was given
   * @param lockDir the --lock-dir value, or null
   * @param policy --policy and --audit
   */
  record Globals(List<String> endpoints, Duration timeout, boolean json, boolean verbose,
      Path lockDir, PolicyOptions policy) {}

  /** The jar's version from its manifest, or the SDK line when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Agentctl.class.getPackage().getImplementationVersion();
      return new String[] {"agentctl " + (v == null ? "(development build)" : v)
          + ", Quantix Agent SDK for Java, JVM ${java.version}"};
    }
  }
}
