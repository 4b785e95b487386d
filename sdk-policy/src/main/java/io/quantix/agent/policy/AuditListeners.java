package io.quantix.agent.policy;

import io.quantix.agent.client.AuditListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Combines audit listeners: each record goes to every listener in order; one that throws is
 * logged and does not keep the record from the others.
 *
 * <pre>{@code
 * AuditListener both = AuditListeners.all(fileSink, new Slf4jAuditListener());
 * }</pre>
 */
public final class AuditListeners {
  private static final Logger log = LoggerFactory.getLogger(AuditListeners.class);

  private AuditListeners() {}

  /** A listener that hands each record to all of {@code listeners}. */
  public static AuditListener all(AuditListener... listeners) {
    List<AuditListener> list = List.of(listeners);
    return record -> {
      for (AuditListener l : list) {
        try {
          l.onAudit(record);
        } catch (RuntimeException e) {
          log.warn("audit listener {} failed on {} of {}", l, record.operation().policyName(),
              record.vmId(), e);
        }
      }
    };
  }
}
