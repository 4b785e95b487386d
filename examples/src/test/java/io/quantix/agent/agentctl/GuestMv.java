package io.quantix.agent.agentctl;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.testkit.AsyncRequestHandler;
import io.quantix.agent.testkit.FakeGuestAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The guest's {@code mv -f -- FROM TO} in the fake agent's sandbox (push renames with it), as a
 * real guest's mv would do it: an atomic rename. Every other command goes to the default handler.
 */
final class GuestMv {
  private GuestMv() {}

  /** Installs the handler; returns the count of renames done. */
  static AtomicInteger install(FakeGuestAgent agent) {
    AtomicInteger renames = new AtomicInteger();
    AsyncRequestHandler fallback = agent.defaultHandler(AgentMessage.PayloadCase.EXECUTE);
    agent.onRequestAsync(AgentMessage.PayloadCase.EXECUTE, request -> {
      ExecuteRequest e = request.getExecute();
      List<String> args = e.getArgsList();
      if (!e.getCommand().equals("mv") || args.size() != 4 || !args.get(0).equals("-f")
          || !args.get(1).equals("--")) {
        return fallback.handle(request);
      }
      ExecuteResponse.Builder r = ExecuteResponse.newBuilder();
      try {
        Path from = agent.sandbox().resolve(args.get(2).substring(1));
        Path to = agent.sandbox().resolve(args.get(3).substring(1));
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        renames.incrementAndGet();
        r.setExitCode(0);
      } catch (Exception ex) {
        r.setExitCode(1).setStderr("mv: cannot move '" + args.get(2) + "': " + ex + "\n");
      }
      return CompletableFuture.completedFuture(AgentMessage.newBuilder()
          .setMessageId(request.getMessageId()).setExecuteResponse(r).build());
    });
    return renames;
  }
}
