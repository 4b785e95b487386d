package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reader-idle events as Netty's IdleStateHandler fires them, on the link's timers. */
@Timeout(30)
class ReaderIdleTimerTest {
  private final MockTicker ticker = Ticker.newMockTicker();
  private final List<String> seen = new ArrayList<>();
  private final EmbeddedChannel ch = EmbeddedChannel.builder().ticker(ticker)
      .handlers(new ReaderIdleTimer(LinkTimers.onLoop(), TimeUnit.SECONDS.toNanos(5)),
          new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
              if (evt == IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT) {
                seen.add("first idle at " + seconds());
              } else if (evt == IdleStateEvent.READER_IDLE_STATE_EVENT) {
                seen.add("idle at " + seconds());
              }
            }
          })
      .build();

  private long seconds() {
    return TimeUnit.NANOSECONDS.toSeconds(ticker.nanoTime() - start);
  }

  private final long start = ticker.nanoTime();

  private void advanceSeconds(long s) {
    for (int i = 0; i < s; i++) {
      ticker.advance(1, TimeUnit.SECONDS);
      ch.runScheduledPendingTasks();
    }
  }

  @Test
  void silenceFiresAFirstIdleEventThenOneEveryIdlePeriod() {
    advanceSeconds(16);
    assertThat(seen).containsExactly("first idle at 5", "idle at 10", "idle at 15");
  }

  @Test
  void aReadPostponesTheEventByAWholeIdlePeriodAndMakesTheNextOneAFirstAgain() {
    advanceSeconds(7);
    ch.writeInbound("reply");
    ch.readInbound();
    advanceSeconds(9);
    assertThat(seen).containsExactly("first idle at 5", "first idle at 12");
  }

  @Test
  void aClosedChannelFiresNothingMoreAndLeavesNoTimer() {
    advanceSeconds(5);
    ch.close();
    advanceSeconds(20);
    assertThat(seen).containsExactly("first idle at 5");
    assertThat(ch.runScheduledPendingTasks()).isEqualTo(-1L);
  }
}
