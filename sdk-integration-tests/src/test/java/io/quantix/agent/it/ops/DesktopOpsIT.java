package io.quantix.agent.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.ClipboardContent;
import io.quantix.agent.client.DisplaySize;
import io.quantix.agent.client.GuestDesktop;
import io.quantix.agent.it.Harness;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.ClipboardType;
import io.quantix.agent.proto.DisplayResizeRequest;
import io.quantix.agent.testkit.GuestState;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** desktop(): display resize and clipboard (text, HTML, image bytes). */
class DesktopOpsIT {
  private Harness h;
  private GuestDesktop desktop;

  @BeforeEach
  void setUp() {
    h = new Harness().awaitConnected();
    desktop = h.client.desktop();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void resizeReportsTheModeTheGuestSet() throws Exception {
    DisplaySize s = desktop.resizeDisplay(1920, 1080, 96, "").join();
    assertThat(s).isEqualTo(new DisplaySize(1920, 1080));
    assertThat(h.agent.guest().display()).contains(new GuestState.Display(1920, 1080, 96));
    DisplayResizeRequest sent = Ops.drain(h.agent, PayloadCase.DISPLAY_RESIZE).get(0)
        .getDisplayResize();
    assertThat(sent.getDpi()).isEqualTo(96);
    assertThat(sent.getDisplayId()).isEmpty();
  }

  @Test
  void resizeArgumentsAreCheckedBeforeAnyIo() {
    long before = h.agent.requestCount();
    for (CompletableFuture<?> f : List.of(desktop.resizeDisplay(0, 768),
        desktop.resizeDisplay(1024, GuestDesktop.MAX_PIXELS + 1),
        desktop.resizeDisplay(1024, 768, -1, ""), desktop.resizeDisplay(1024, 768, 0, null))) {
      assertThat(Ops.failure(f).code()).isEqualTo(Code.INVALID_ARGUMENT);
    }
    assertThat(h.agent.requestCount()).isEqualTo(before);
  }

  @Test
  void clipboardRoundTripsTextHtmlAndImages() {
    desktop.setClipboard(ClipboardContent.text("héllo")).join();
    ClipboardContent text = desktop.getClipboard(ClipboardContent.Type.TEXT).join();
    assertThat(text.type()).isEqualTo(ClipboardContent.Type.TEXT);
    assertThat(text.text()).isEqualTo("héllo");

    desktop.setClipboard(ClipboardContent.html("<b>bold</b>")).join();
    GuestState.Clipboard html = h.agent.guest().clipboard().orElseThrow();
    assertThat(html.type()).isEqualTo(ClipboardType.CLIPBOARD_TYPE_HTML);
    assertThat(html.data().toStringUtf8()).isEqualTo("<b>bold</b>");
    assertThat(html.mimeType()).isEqualTo("text/html");

    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    desktop.setClipboard(ClipboardContent.image(png, "image/png")).join();
    ClipboardContent image = desktop.getClipboard(ClipboardContent.Type.IMAGE).join();
    assertThat(image.type()).isEqualTo(ClipboardContent.Type.IMAGE);
    assertThat(image.data()).isEqualTo(png);
    assertThat(image.mimeType()).isEqualTo("image/png");
    assertThat(image.toString()).contains("12 bytes");
  }

  @Test
  void oversizeClipboardContentIsRefusedLocally() {
    long before = h.agent.requestCount();
    ClipboardContent big = ClipboardContent.of(ClipboardContent.Type.IMAGE,
        new byte[ClipboardContent.MAX_BYTES + 1], "image/png");
    assertThat(Ops.failure(desktop.setClipboard(big)).code()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(Ops.failure(desktop.setClipboard(null)).code()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(Ops.failure(desktop.getClipboard(null)).code()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(h.agent.requestCount()).isEqualTo(before);
  }
}
