package io.quantix.agent.policy.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.quantix.agent.client.AuditRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/** One audit record as one line of JSON, fields in a fixed order. */
public final class AuditJson {
  private static final ObjectMapper JSON = new JsonMapper();

  private AuditJson() {}

  /** The record's fields, in the order they are written. */
  public static Map<String, Object> fields(AuditRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", r.time().toString());
    m.put("vm", r.vmId());
    m.put("operation", r.operation().policyName());
    m.put("principal", r.principal().orElse(null));
    m.put("arguments", r.arguments());
    m.put("outcome", r.outcome());
    m.put("mayHaveRun", r.mayHaveRun());
    m.put("durationMicros", r.duration().toNanos() / 1000);
    m.put("bytes", r.bytes());
    if (!r.detail().isEmpty()) {
      m.put("detail", r.detail());
    }
    return m;
  }

  /** The record as JSON and a newline, UTF-8. */
  public static byte[] line(AuditRecord r) {
    try {
      byte[] json = JSON.writeValueAsBytes(fields(r));
      byte[] out = new byte[json.length + 1];
      System.arraycopy(json, 0, out, 0, json.length);
      out[json.length] = '\n';
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("audit record could not be written as JSON", e);
    }
  }
}
