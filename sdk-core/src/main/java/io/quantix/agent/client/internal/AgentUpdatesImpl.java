package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.AgentUpdates;
import io.quantix.agent.client.GuestOperation;
import io.quantix.agent.client.UpdateOptions;
import io.quantix.agent.client.UpdateResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;

/** {@link AgentUpdates} over one client view. */
final class AgentUpdatesImpl implements AgentUpdates {
  /** A version the agent can put in a file name: no separators, no "..". */
  static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

  private final AgentClientImpl client;

  AgentUpdatesImpl(AgentClientImpl client) {
    this.client = client;
  }

  static String version(String version) {
    Checks.text(version, "target version");
    if (!VERSION.matcher(version).matches() || version.contains("..")) {
      throw Checks.invalid("target version '" + version + "' must be 1..64 letters, digits and "
          + "'._+-', starting with a letter or digit, without '..'");
    }
    return version;
  }

  private static void checkCommon(String target, UpdateOptions options) {
    version(target);
    Checks.notNull(options, "options");
  }

  @Override
  public CompletableFuture<UpdateResult> push(Path binary, String targetVersion,
      UpdateOptions options) {
    return Replies.guarded(() -> {
      Checks.notNull(binary, "binary");
      checkCommon(targetVersion, options);
      return begin(() -> {
        byte[] digest;
        long size;
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(binary)) {
          byte[] buf = new byte[64 * 1024];
          long total = 0;
          for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
            total += n;
          }
          digest = md.digest();
          size = total;
        }
        return new Prepared(ChunkSource.ofPath(binary), digest, size);
      }, targetVersion, options, declaredSize(binary));
    });
  }

  @Override
  public CompletableFuture<UpdateResult> push(byte[] binary, String targetVersion,
      UpdateOptions options) {
    return Replies.guarded(() -> {
      Checks.notNull(binary, "binary");
      checkCommon(targetVersion, options);
      byte[] copy = binary.clone();
      return begin(() -> new Prepared(ChunkSource.ofBytes(copy), sha256().digest(copy),
          copy.length), targetVersion, options, copy.length);
    });
  }

  /** A source with its checksum and size. */
  private record Prepared(ChunkSource source, byte[] digest, long size) {}

  private interface Preparation {
    Prepared prepare() throws IOException;
  }

  /** The binary's size for the guard, or -1 when it cannot be read now (preparation says why). */
  private static long declaredSize(Path binary) {
    try {
      return Files.size(binary);
    } catch (IOException e) {
      return -1;
    }
  }

  private CompletableFuture<UpdateResult> begin(Preparation preparation, String target,
      UpdateOptions options, long declaredSize) {
    return client.guarded(() -> client.describe(GuestOperation.AGENT_UPDATE)
        .argument("target", target).bytes(declaredSize).build(),
        () -> prepareAndRun(preparation, target, options), null);
  }

  private CompletableFuture<UpdateResult> prepareAndRun(Preparation preparation, String target,
      UpdateOptions options) {
    CompletableFuture<UpdateResult> result = new CompletableFuture<>();
    Runnable prepareAndRun = () -> {
      Prepared p;
      try {
        p = preparation.prepare();
      } catch (IOException | RuntimeException e) {
        result.completeExceptionally(AgentException.invalidArgument(
            "cannot read the agent binary: " + e));
        return;
      }
      if (p.size() == 0) {
        closeQuietly(p.source());
        result.completeExceptionally(AgentException.invalidArgument("the agent binary is empty"));
        return;
      }
      UpdateRun run = new UpdateRun(client, p.source(), target, p.digest(), p.size(), options);
      if (result.isCancelled()) {
        run.result().cancel(false);
        return;
      }
      result.whenComplete((r, e) -> {
        if (result.isCancelled()) {
          run.result().cancel(false);
        }
      });
      run.result().whenComplete((r, e) -> {
        if (e != null) {
          result.completeExceptionally(AgentException.from(e));
        } else {
          result.complete(r);
        }
      });
      run.start();
    };
    try {
      client.link().config().callbackExecutor().execute(prepareAndRun);
    } catch (RejectedExecutionException e) {
      // Stopped by the registry's close: fail as every call on the closed registry does.
      AgentException closed = client.link().closedCause();
      result.completeExceptionally(AgentException.of(AgentException.Code.UNAVAILABLE,
          closed != null ? closed.getMessage() : "the callback executor refused the update: " + e,
          e));
    }
    return result;
  }

  private static void closeQuietly(ChunkSource source) {
    try {
      source.close();
    } catch (IOException ignored) {
      // Nothing was read from it.
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw AgentException.of(Code.NOT_SUPPORTED, "this JVM has no SHA-256", e);
    }
  }
}
