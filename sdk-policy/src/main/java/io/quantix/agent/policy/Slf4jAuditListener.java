package io.quantix.agent.policy;

import io.quantix.agent.client.AuditListener;
import io.quantix.agent.client.AuditRecord;
import io.quantix.agent.policy.internal.AuditJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logs each audit record as one JSON line at INFO on the logger {@code io.quantix.agent.audit}
 * (denials at WARN), with the VM id in the MDC as {@code vm}. The records carry no secrets, so
 * neither do these lines.
 *
 * <pre>{@code
 * AgentRegistry agents = AgentRegistry.builder()
 *     .auditListener(AuditListeners.all(fileSink, new Slf4jAuditListener())).build();
 * }</pre>
 */
public final class Slf4jAuditListener implements AuditListener {
  private static final Logger log = LoggerFactory.getLogger("io.quantix.agent.audit");

  @Override
  public void onAudit(AuditRecord record) {
    String json = new String(AuditJson.line(record), java.nio.charset.StandardCharsets.UTF_8)
        .trim();
    try (MDC.MDCCloseable vm = MDC.putCloseable("vm", record.vmId())) {
      if ("PERMISSION_DENIED".equals(record.outcome())) {
        log.warn("{}", json);
      } else {
        log.info("{}", json);
      }
    }
  }
}
