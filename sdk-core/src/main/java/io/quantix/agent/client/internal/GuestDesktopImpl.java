package io.quantix.agent.client.internal;

import io.quantix.agent.internal.Checks;
import com.google.protobuf.ByteString;
import io.quantix.agent.client.ClipboardContent;
import io.quantix.agent.client.DisplaySize;
import io.quantix.agent.client.GuestDesktop;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.ClipboardGetRequest;
import io.quantix.agent.proto.ClipboardGetResponse;
import io.quantix.agent.proto.ClipboardType;
import io.quantix.agent.proto.ClipboardUpdateRequest;
import io.quantix.agent.proto.ClipboardUpdateResponse;
import io.quantix.agent.proto.DisplayResizeRequest;
import io.quantix.agent.proto.DisplayResizeResponse;
import java.util.concurrent.CompletableFuture;

/** {@link GuestDesktop} over one client view. */
final class GuestDesktopImpl implements GuestDesktop {
  private final AgentClientImpl client;

  GuestDesktopImpl(AgentClientImpl client) {
    this.client = client;
  }

  @Override
  public CompletableFuture<DisplaySize> resizeDisplay(int width, int height, int dpi,
      String displayId) {
    return Replies.guarded(() -> {
      OpChecks.range(width, 1, MAX_PIXELS, "width");
      OpChecks.range(height, 1, MAX_PIXELS, "height");
      OpChecks.range(dpi, 0, MAX_DPI, "dpi");
      OpChecks.singleLine(displayId, 256, "display id");
      AgentMessage request = AgentMessage.newBuilder().setDisplayResize(
          DisplayResizeRequest.newBuilder().setWidth(width).setHeight(height).setDpi(dpi)
              .setDisplayId(displayId)).build();
      return client.call(Operation.DISPLAY_RESIZE, request, reply -> {
        DisplayResizeResponse r = reply.getDisplayResizeResponse();
        Replies.requireSuccess("display resize", r.getSuccess(), r.getError());
        return new DisplaySize(r.getActualWidth(), r.getActualHeight());
      });
    });
  }

  @Override
  public CompletableFuture<Void> setClipboard(ClipboardContent content) {
    return Replies.guarded(() -> {
      Checks.notNull(content, "content");
      if (content.size() > ClipboardContent.MAX_BYTES) {
        throw Checks.invalid("clipboard content is larger than " + ClipboardContent.MAX_BYTES
            + " bytes");
      }
      AgentMessage request = AgentMessage.newBuilder().setClipboardUpdate(
          ClipboardUpdateRequest.newBuilder().setType(wire(content.type()))
              .setData(ByteString.copyFrom(content.data()))
              .setMimeType(content.mimeType())).build();
      return client.call(Operation.CLIPBOARD_UPDATE, request, reply -> {
        ClipboardUpdateResponse r = reply.getClipboardUpdateResponse();
        Replies.requireSuccess("set clipboard", r.getSuccess(), r.getError());
        return null;
      });
    });
  }

  @Override
  public CompletableFuture<ClipboardContent> getClipboard(ClipboardContent.Type preferred) {
    return Replies.guarded(() -> {
      Checks.notNull(preferred, "preferred type");
      AgentMessage request = AgentMessage.newBuilder().setClipboardGet(
          ClipboardGetRequest.newBuilder().setPreferredType(wire(preferred))).build();
      return client.call(Operation.CLIPBOARD_GET, request, reply -> {
        ClipboardGetResponse r = reply.getClipboardGetResponse();
        Replies.requireSuccess("get clipboard", r.getSuccess(), r.getError());
        return ClipboardContent.of(type(r.getType()), r.getData().toByteArray(),
            r.getMimeType());
      });
    });
  }

  static ClipboardType wire(ClipboardContent.Type type) {
    switch (type) {
      case HTML:
        return ClipboardType.CLIPBOARD_TYPE_HTML;
      case IMAGE:
        return ClipboardType.CLIPBOARD_TYPE_IMAGE;
      case FILES:
        return ClipboardType.CLIPBOARD_TYPE_FILES;
      default:
        return ClipboardType.CLIPBOARD_TYPE_TEXT;
    }
  }

  static ClipboardContent.Type type(ClipboardType wire) {
    switch (wire) {
      case CLIPBOARD_TYPE_HTML:
        return ClipboardContent.Type.HTML;
      case CLIPBOARD_TYPE_IMAGE:
        return ClipboardContent.Type.IMAGE;
      case CLIPBOARD_TYPE_FILES:
        return ClipboardContent.Type.FILES;
      default:
        return ClipboardContent.Type.TEXT;
    }
  }
}
