package io.quantix.agent.qga.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantix.agent.AgentException;
import java.io.IOException;
import java.util.Arrays;

/** QGA's JSON: request encoding and reply decoding, with Jackson. */
public final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** A new empty object for arguments. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** {@code {"execute":command,"arguments":arguments}} and a newline. */
  static byte[] request(String command, ObjectNode arguments) {
    ObjectNode request = object();
    request.put("execute", command);
    if (arguments != null && !arguments.isEmpty()) {
      request.set("arguments", arguments);
    }
    try {
      byte[] json = MAPPER.writeValueAsBytes(request);
      byte[] line = Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n';
      return line;
    } catch (JsonProcessingException e) {
      throw AgentException.invalidArgument("cannot encode " + command + ": " + e.getOriginalMessage());
    }
  }

  /** Parses a line; null if it is not a JSON object. */
  static JsonNode parse(byte[] line) {
    try {
      JsonNode node = MAPPER.readTree(line);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The {@code return} value of a reply to {@code command}, or the typed failure of an
   * {@code error} reply: CommandNotFound (unknown or disabled) is NOT_SUPPORTED, anything else
   * REMOTE_FAILURE with the guest's description; the QGA error class is named in the message.
   */
  static JsonNode returnValue(String command, byte[] line) {
    JsonNode reply = parse(line);
    if (reply == null) {
      throw AgentException.of(AgentException.Code.PROTOCOL,
          command + ": qemu-ga answered with something that is not a JSON object ("
              + line.length + " bytes)").withMayHaveRun(true);
    }
    JsonNode value = reply.get("return");
    if (value != null) {
      return value;
    }
    JsonNode error = reply.get("error");
    if (error != null && error.isObject()) {
      String errorClass = error.path("class").asText("GenericError");
      String desc = error.path("desc").asText("");
      throw QgaErrors.remote(command, errorClass, desc);
    }
    throw AgentException.of(AgentException.Code.PROTOCOL,
        command + ": qemu-ga's reply has neither 'return' nor 'error'").withMayHaveRun(true);
  }

  /** Whether {@code line} is exactly the reply {@code {"return": id}} to a sync. */
  static boolean isSyncReply(byte[] line, long id) {
    JsonNode reply = parse(line);
    if (reply == null) {
      return false;
    }
    JsonNode value = reply.get("return");
    return value != null && value.canConvertToLong() && value.isIntegralNumber()
        && value.asLong() == id;
  }
}
