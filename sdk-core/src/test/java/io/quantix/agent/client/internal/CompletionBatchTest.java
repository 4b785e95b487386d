package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompletionBatchTest {
  private final EventLoop loop = new DefaultEventLoop();
  private final List<Runnable> handedOver = new CopyOnWriteArrayList<>();
  private final List<String> ran = new CopyOnWriteArrayList<>();
  private final CompletionBatch batch = new CompletionBatch(loop, handedOver::add);

  @AfterEach
  void stopLoop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Runnable completion(String name) {
    return () -> ran.add(name);
  }

  private void onLoop(Runnable task) {
    loop.submit(task).syncUninterruptibly();
  }

  @Test
  void completionsOfOneReadAreHandedOverOnceInOrder() {
    onLoop(() -> {
      batch.open();
      batch.execute(completion("a"));
      batch.execute(completion("b"));
      batch.execute(completion("c"));
      assertThat(handedOver).isEmpty();
      batch.flush();
    });
    assertThat(handedOver).hasSize(1);
    handedOver.get(0).run();
    assertThat(ran).containsExactly("a", "b", "c");
  }

  @Test
  void oneFailingCompletionDoesNotStrandTheOthers() {
    onLoop(() -> {
      batch.open();
      batch.execute(() -> {
        throw new IllegalStateException("mapper bug");
      });
      batch.execute(completion("after"));
      batch.flush();
    });
    handedOver.get(0).run();
    assertThat(ran).containsExactly("after");
  }

  @Test
  void outsideAReadOrOffTheLoopCompletionsGoAtOnce() {
    onLoop(() -> batch.execute(completion("timer")));
    assertThat(handedOver).hasSize(1);
    onLoop(batch::open);
    batch.execute(completion("user thread"));
    assertThat(handedOver).hasSize(2);
    onLoop(batch::flush);
    assertThat(handedOver).hasSize(2);
  }
}
