package com.example.agenttour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quantix.agent.transport.Transport;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** This project depends on transport-virtio only: no vsock transport on its class path. */
class ClassPathTest {
  @Test
  void onlyTheVirtioTransportIsOnThisClassPath() {
    Set<String> schemes = new TreeSet<>();
    ServiceLoader.load(Transport.class).forEach(t -> schemes.addAll(t.schemes()));
    assertEquals(Set.of("unix"), schemes);
    assertThrows(ClassNotFoundException.class,
        () -> Class.forName("io.quantix.agent.transport.vsock.VsockTransport"));
  }
}
