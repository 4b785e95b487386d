package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.GuestLifecycle;
import io.quantix.agent.client.PowerOptions;
import io.quantix.agent.client.PowerResult;
import io.quantix.agent.client.TimeSync;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ConfigureNetworkRequest;
import io.quantix.agent.proto.ConfigureNetworkResponse;
import io.quantix.agent.proto.ResetPasswordRequest;
import io.quantix.agent.proto.ResetPasswordResponse;
import io.quantix.agent.proto.ShutdownRequest;
import io.quantix.agent.proto.ShutdownResponse;
import io.quantix.agent.proto.ShutdownType;
import io.quantix.agent.proto.SyncTimeRequest;
import io.quantix.agent.proto.SyncTimeResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/** {@link GuestLifecycle} over one client view. */
final class GuestLifecycleImpl implements GuestLifecycle {
  /** The longest network configuration accepted: 1 MiB of text. */
  static final int MAX_NETWORK_CONFIG = 1 << 20;
  /** The longest password accepted. */
  static final int MAX_PASSWORD = 512;
  private static final Instant LATEST_TIME = Instant.parse("9999-12-31T23:59:59Z");

  private final AgentClientImpl client;

  GuestLifecycleImpl(AgentClientImpl client) {
    this.client = client;
  }

  @Override
  public CompletableFuture<PowerResult> powerOff(PowerOptions options) {
    return power(PowerResult.Action.POWER_OFF, ShutdownType.SHUTDOWN_TYPE_POWEROFF, options);
  }

  @Override
  public CompletableFuture<PowerResult> reboot(PowerOptions options) {
    return power(PowerResult.Action.REBOOT, ShutdownType.SHUTDOWN_TYPE_REBOOT, options);
  }

  @Override
  public CompletableFuture<PowerResult> halt(PowerOptions options) {
    return power(PowerResult.Action.HALT, ShutdownType.SHUTDOWN_TYPE_HALT, options);
  }

  private CompletableFuture<PowerResult> power(PowerResult.Action action, ShutdownType type,
      PowerOptions options) {
    return Replies.guarded(() -> {
      Checks.notNull(options, "options");
      AgentMessage request = AgentMessage.newBuilder().setShutdown(ShutdownRequest.newBuilder()
          .setType(type)
          .setDelaySeconds((int) options.delay().toSeconds())
          .setMessage(options.message())).build();
      String capability = action == PowerResult.Action.REBOOT ? "reboot" : null;
      String what = action.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
      CompletableFuture<PowerResult> sent = client.call(Operation.SHUTDOWN, request,
          client.deadline(), capability, true, reply -> {
            if (reply.getPayloadCase() == AgentMessage.PayloadCase.PAYLOAD_NOT_SET) {
              return new PowerResult(action, PowerResult.Confirmation.SESSION_ENDED);
            }
            ShutdownResponse r = reply.getShutdownResponse();
            Replies.requireSuccess(what, r.getAccepted(), r.getError());
            return new PowerResult(action, PowerResult.Confirmation.ACCEPTED);
          });
      return Replies.handle(sent, (result, failure) -> {
        if (failure == null) {
          return result;
        }
        // A new AgentReady after the request was written: the guest went down and came back.
        if (failure.code() == Code.UNAVAILABLE && failure.mayHaveRun()) {
          return new PowerResult(action, PowerResult.Confirmation.AGENT_RESET);
        }
        throw failure;
      });
    });
  }

  @Override
  public CompletableFuture<Void> resetPassword(String username, char[] newPassword,
      boolean expire) {
    return Replies.guarded(() -> {
      Checks.name(username, "username");
      if (newPassword == null) {
        throw Checks.invalid("password is null");
      }
      char[] copy = newPassword.clone();
      try {
        checkPassword(copy);
        String secret = new String(copy);
        AgentMessage request = AgentMessage.newBuilder().setResetPassword(
            ResetPasswordRequest.newBuilder().setUsername(username).setNewPassword(secret)
                .setExpire(expire)).build();
        return client.call(Operation.RESET_PASSWORD, request, reply -> {
          ResetPasswordResponse r = reply.getResetPasswordResponse();
          if (!r.getSuccess()) {
            throw AgentException.remote("reset password of " + username,
                mask(r.getError(), secret));
          }
          return null;
        });
      } finally {
        Arrays.fill(copy, '\0');
      }
    });
  }

  private static void checkPassword(char[] password) {
    if (password.length == 0) {
      throw Checks.invalid("password is empty");
    }
    if (password.length > MAX_PASSWORD) {
      throw Checks.invalid("password is longer than " + MAX_PASSWORD + " characters");
    }
    for (char c : password) {
      if (c == '\0' || c == '\n' || c == '\r') {
        throw Checks.invalid("password contains a NUL or line-break character");
      }
    }
  }

  /** The guest's text with every occurrence of the secret masked. */
  static String mask(String text, String secret) {
    return text == null || secret.isEmpty() ? text : text.replace(secret, "****");
  }

  @Override
  public CompletableFuture<Void> configureNetwork(String netplanYaml, boolean applyNow) {
    return Replies.guarded(() -> {
      OpChecks.boundedText(netplanYaml, MAX_NETWORK_CONFIG, "network configuration");
      if (netplanYaml.isBlank()) {
        throw Checks.invalid("network configuration is blank");
      }
      AgentMessage request = AgentMessage.newBuilder().setConfigureNetwork(
          ConfigureNetworkRequest.newBuilder().setNetplanConfig(netplanYaml)
              .setApplyNow(applyNow)).build();
      return client.call(Operation.CONFIGURE_NETWORK, request, reply -> {
        ConfigureNetworkResponse r = reply.getConfigureNetworkResponse();
        Replies.requireSuccess("configure network", r.getSuccess(), r.getError());
        return null;
      });
    });
  }

  @Override
  public CompletableFuture<TimeSync> syncTime(boolean force) {
    return time(SyncTimeRequest.newBuilder().setForce(force).build(), "sync time");
  }

  @Override
  public CompletableFuture<TimeSync> setTime(Instant time) {
    return Replies.guarded(() -> {
      Checks.notNull(time, "time");
      if (time.isBefore(Instant.EPOCH) || time.isAfter(LATEST_TIME)) {
        throw Checks.invalid("time must be within 1970..9999, was " + time);
      }
      return time(SyncTimeRequest.newBuilder().setForce(true)
          .setSetTime(Replies.timestamp(time)).build(), "set time");
    });
  }

  private CompletableFuture<TimeSync> time(SyncTimeRequest body, String what) {
    AgentMessage request = AgentMessage.newBuilder().setSyncTime(body).build();
    return client.call(Operation.SYNC_TIME, request, reply -> {
      SyncTimeResponse r = reply.getSyncTimeResponse();
      Replies.requireSuccess(what, r.getSuccess(), r.getError());
      double offset = r.getOffsetSeconds();
      Duration d = Double.isFinite(offset) ? Duration.ofNanos(Math.round(offset * 1e9))
          : Duration.ZERO;
      return new TimeSync(d, Replies.instant(r.hasCurrentTime(), r.getCurrentTime()),
          r.getTimeSource());
    });
  }
}
