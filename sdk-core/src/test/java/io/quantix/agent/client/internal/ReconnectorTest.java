package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.quantix.agent.AgentException;
import io.quantix.agent.transport.Connection;
import io.quantix.agent.transport.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reconnect loop on an embedded channel's loop with hand-moved time. */
@Timeout(30)
class ReconnectorTest {
  private final MockTicker ticker = Ticker.newMockTicker();
  private final EmbeddedChannel ch = LinkTesting.channel(ticker);
  private final AtomicInteger resolved = new AtomicInteger();
  private final AtomicBoolean disarmed = new AtomicBoolean();
  private final List<String> seen = new ArrayList<>();
  private boolean wantsSession = true;

  private final Reconnector.Owner owner = new Reconnector.Owner() {
    @Override
    public boolean wantsSession() {
      return wantsSession;
    }

    @Override
    public void onAttemptStarting(int attempts) {
      seen.add("attempt " + attempts);
    }

    @Override
    public ChannelHandler channelInitializer() {
      return new ChannelInboundHandlerAdapter();
    }

    @Override
    public void onConnected(Connection connection, Throwable error) {
      seen.add("connected");
    }

    @Override
    public void onConnectFailed(AgentException failure) {
      seen.add("failed " + failure.connectFailure());
    }
  };

  /** Reconnect delays 100 ms .. 1 s (see LinkTesting.config); no endpoint: NO_CHANNEL. */
  private Reconnector reconnector() {
    return new Reconnector("vm-test", List.of(), id -> {
      resolved.incrementAndGet();
      return List.<Endpoint>of();
    }, LinkTesting.config(4, 2, 1), ch.eventLoop(), new ConnectGate(1),
        LinkTesting.sdkTicker(ticker), disarmed::get, owner);
  }

  @AfterEach
  void tearDown() {
    ch.finishAndReleaseAll();
  }

  @Test
  void noEndpointFailsAsNoChannelAndTheNextAttemptResolvesAgain() {
    Reconnector r = reconnector();
    r.connectNow();
    assertThat(seen).containsExactly("attempt 1", "failed NO_CHANNEL");
    assertThat(resolved).hasValue(0);

    r.onAttemptFailed();
    r.schedule();
    assertThat(r.isScheduled()).isTrue();
    // The first failure's delay is drawn from 50..100 ms.
    ticker.advance(49, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(seen).hasSize(2);

    ticker.advance(51, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(seen).containsExactly("attempt 1", "failed NO_CHANNEL", "attempt 2",
        "failed NO_CHANNEL");
    assertThat(resolved).hasValue(1);
    assertThat(r.attempts()).isEqualTo(2);
  }

  @Test
  void aDisarmedOrBusyLinkStartsNoAttemptAndSchedulesNone() {
    Reconnector r = reconnector();
    disarmed.set(true);
    r.connectNow();
    r.schedule();
    assertThat(seen).isEmpty();
    assertThat(r.isScheduled()).isFalse();

    disarmed.set(false);
    wantsSession = false;
    r.connectNow();
    assertThat(seen).isEmpty();
  }

  @Test
  void cancelStopsTheScheduledAttempt() {
    Reconnector r = reconnector();
    r.schedule();
    r.cancel();
    ticker.advance(1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(seen).isEmpty();
  }

  @Test
  void aSessionThatLastedResetsTheBackoffAndOneThatFlappedDoesNot() {
    Reconnector r = reconnector();
    for (int i = 0; i < 5; i++) {
      r.onAttemptFailed();
    }
    r.onReady();
    ticker.advance(999, TimeUnit.MILLISECONDS);
    r.onSessionEnded(true);
    // Flapped: 6 failures in a row, so the delay is the 1 s cap (at least its upper half).
    r.schedule();
    ticker.advance(499, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(seen).isEmpty();
    r.cancel();

    r.onReady();
    ticker.advance(1, TimeUnit.SECONDS);
    r.onSessionEnded(true);
    // Lasted: the first failure's delay, 50..100 ms.
    r.schedule();
    ticker.advance(100, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(seen).startsWith("attempt 1");
  }

  @Test
  void theDelayDoublesUpToTheCapAndIsDrawnFromItsUpperHalf() {
    long min = Duration.ofMillis(100).toNanos();
    long max = Duration.ofSeconds(1).toNanos();
    assertThat(Reconnector.reconnectDelayNanos(1, min, max, 0.0)).isEqualTo(min / 2);
    assertThat(Reconnector.reconnectDelayNanos(1, min, max, 0.999999)).isLessThanOrEqualTo(min);
    assertThat(Reconnector.reconnectDelayNanos(2, min, max, 0.0)).isEqualTo(min);
    assertThat(Reconnector.reconnectDelayNanos(40, min, max, 0.0)).isEqualTo(max / 2);
    assertThat(Reconnector.reconnectDelayNanos(40, min, max, 0.999999)).isLessThanOrEqualTo(max);
  }
}
