package io.quantix.agent.qemu;

import io.quantix.agent.client.AgentClient;
import io.quantix.agent.qemu.support.Guest;
import io.quantix.agent.registry.AgentRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * The tier's proof that it catches a broken SDK. With {@code -Dqemu.tier.break=connection-per-call}
 * the clients the tests use open a second connection (a fresh registry) for every call while the
 * shared one still holds the single-client channel, as an SDK that forgot the one-session rule
 * would; the tests must then fail. Without the property it hands out the registry's own client.
 */
final class BrokenSdk {
  private BrokenSdk() {}

  static AgentClient client(AgentRegistry registry, Guest guest) {
    AgentClient shared = registry.client(Guest.VM_ID);
    if (!"connection-per-call".equals(System.getProperty("qemu.tier.break", ""))) {
      return shared;
    }
    return proxy(guest, UnaryOperator.identity());
  }

  private static AgentClient proxy(Guest guest, UnaryOperator<AgentClient> view) {
    return (AgentClient) Proxy.newProxyInstance(AgentClient.class.getClassLoader(),
        new Class<?>[] {AgentClient.class}, (self, method, args) -> {
          if (method.getReturnType() == AgentClient.class) {
            return proxy(guest, c -> invoke(method, view.apply(c), args));
          }
          if (method.getReturnType() != CompletableFuture.class) {
            throw new UnsupportedOperationException("not simulated: " + method.getName());
          }
          AgentRegistry perCall = guest.registry().build();
          CompletableFuture<?> call = invoke(method, view.apply(perCall.client(Guest.VM_ID)), args);
          return call.whenComplete((result, failure) -> perCall.close());
        });
  }

  @SuppressWarnings("unchecked")
  private static <T> T invoke(Method method, AgentClient target, Object[] args) {
    try {
      return (T) method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
