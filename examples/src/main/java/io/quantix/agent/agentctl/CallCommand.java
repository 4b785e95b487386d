package io.quantix.agent.agentctl;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.quantix.agent.proto.AgentMessage;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agentctl call TYPE JSON}: any request by name, its fields as JSON (protobuf's JSON
 * mapping), the reply printed as JSON, like {@code virsh qemu-agent-command}.
 */
@Command(name = "call", description = {"Send any request by type, with its fields as JSON.",
    "TYPE is the request's field in AgentMessage (ping, list_processes, file_stat...) or its "
        + "message name (PingRequest); JSON uses protobuf's JSON mapping (lowerCamel or "
        + "original field names; 64-bit numbers as strings or numbers). Prints the reply as "
        + "JSON. For debugging, and for fields the typed subcommands do not expose. The request "
        + "goes out as given: no retries, no checks beyond the JSON mapping.",
    "Example: agentctl -e vm.sock call file_stat '{\"path\": \"/etc/hostname\"}'"})
final class CallCommand implements Callable<Integer>, TimeoutHelp {
  /** Without --timeout: an unanswered request fails after this. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** Payload field numbers of host-to-guest requests (responses are request + 40). */
  private static final int FIRST_REQUEST = 10;
  private static final int LAST_REQUEST = 49;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TYPE", completionCandidates = CallCommand.Types.class,
      description = "request type, e.g. ping or file_stat")
  String type;

  @Parameters(index = "1", arity = "0..1", paramLabel = "JSON",
      description = "the request's fields (default {})")
  String json = "{}";

  @Override
  public String timeoutHelp() {
    return "deadline of the call, connecting included (default 30s); a request type the agent "
        + "does not know is never answered and ends here (exit 4)";
  }

  @Override
  public Integer call() throws Exception {
    Agentctl root = Agentctl.root(spec);
    Agentctl.Globals g = root.globals();
    FieldDescriptor field = requestField(type);
    AgentMessage request = request(field, json);
    if (g.endpoints().isEmpty()) {
      throw CliError.usage("no endpoint: give -e URI");
    }
    var endpoints = Endpoints.parseAll(g.endpoints());
    Duration timeout = g.timeout() != null ? g.timeout() : DEFAULT_TIMEOUT;
    RawCall.Result r = RawCall.call(endpoints, Endpoints.transportOptions(g.lockDir()), request,
        timeout);
    AgentMessage reply = r.reply();
    FieldDescriptor replyField = reply.getPayloadCase() == AgentMessage.PayloadCase.PAYLOAD_NOT_SET
        ? null : AgentMessage.getDescriptor().findFieldByNumber(reply.getPayloadCase().getNumber());
    Message payload = replyField == null ? null : (Message) reply.getField(replyField);
    PrintWriter out = root.console().out();
    if (root.json) {
      String replyJson = payload == null ? "null"
          : JsonFormat.printer().omittingInsignificantWhitespace().print(payload);
      out.println(Json.line(Endpoints.vmId(endpoints.get(0)), r.endpoint().uri(), Json.obj()
          .put("request", field.getName())
          .put("replyType", replyField == null ? null : replyField.getName())
          .put("roundTripMicros", r.roundTrip().toNanos() / 1000)
          .put("reply", new Json.Raw(replyJson))));
    } else {
      out.println(payload == null ? "{}" : JsonFormat.printer().print(payload));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** The payload field a TYPE names: field name, JSON name or message name, any case. */
  static FieldDescriptor requestField(String type) {
    String wanted = type.strip().replace("-", "_");
    List<String> names = new ArrayList<>();
    for (FieldDescriptor f : AgentMessage.getDescriptor().getOneofs().get(0).getFields()) {
      if (f.getNumber() < FIRST_REQUEST || f.getNumber() > LAST_REQUEST) {
        continue;
      }
      names.add(f.getName());
      if (f.getName().equalsIgnoreCase(wanted) || f.getJsonName().equalsIgnoreCase(wanted)
          || f.getMessageType().getName().equalsIgnoreCase(wanted)) {
        return f;
      }
    }
    throw CliError.usage("'" + type + "' is not a request type; one of: "
        + String.join(", ", names));
  }

  /** The request message: {@code field}'s message parsed from {@code json}. */
  static AgentMessage request(FieldDescriptor field, String json) {
    Message.Builder b = AgentMessage.newBuilder().newBuilderForField(field);
    try {
      JsonFormat.parser().merge(json, b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw CliError.usage("bad JSON for " + field.getName() + " ("
          + field.getMessageType().getName() + "): " + Failures.oneLine(e.getMessage()));
    }
    return AgentMessage.newBuilder().setField(field, b.build()).build();
  }

  /** The request type names, for shell completion. */
  static final class Types implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return requestTypes().iterator();
    }
  }

  /** The request type names (the payload fields of host-to-guest requests). */
  static List<String> requestTypes() {
    List<String> names = new ArrayList<>();
    for (FieldDescriptor f : AgentMessage.getDescriptor().getOneofs().get(0).getFields()) {
      if (f.getNumber() >= FIRST_REQUEST && f.getNumber() <= LAST_REQUEST) {
        names.add(f.getName().toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }
}
