package io.quantix.agent.framing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentReadyEvent;
import io.quantix.agent.proto.AgentUpdateRequest;
import io.quantix.agent.proto.ClipboardUpdateRequest;
import io.quantix.agent.proto.DirectoryEntry;
import io.quantix.agent.proto.DiskUsage;
import io.quantix.agent.proto.ErrorEvent;
import io.quantix.agent.proto.ExecuteRequest;
import io.quantix.agent.proto.ExecuteResponse;
import io.quantix.agent.proto.FileReadResponse;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.proto.GetCapabilitiesRequest;
import io.quantix.agent.proto.InterfaceInfo;
import io.quantix.agent.proto.ListDirectoryResponse;
import io.quantix.agent.proto.PingRequest;
import io.quantix.agent.proto.PongResponse;
import io.quantix.agent.proto.ShutdownRequest;
import io.quantix.agent.proto.TelemetryReport;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * QuickTheories generators for the framing properties. Everything is drawn from the
 * {@link RandomnessSource}, so failures shrink towards small, simple values.
 */
final class Generators {
  private Generators() {}

  /** Valid AgentMessages of many payload types: bytes fields, maps, repeated and nested fields, unicode. */
  static Gen<AgentMessage> messages() {
    return in -> message(new Draw(in));
  }

  /** Between {@code min} and {@code max} valid messages. */
  static Gen<List<AgentMessage>> messageLists(int min, int max) {
    return in -> {
      Draw draw = new Draw(in);
      int count = draw.between(min, max);
      List<AgentMessage> messages = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        messages.add(message(draw));
      }
      return messages;
    };
  }

  /** Read sizes: cycled through when a stream is fed to a decoder. */
  static Gen<List<Integer>> slices() {
    return in -> {
      Draw draw = new Draw(in);
      int count = draw.between(1, 12);
      List<Integer> slices = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        switch (draw.between(0, 3)) {
          case 0:
            slices.add(draw.between(1, 4));
            break;
          case 1:
            slices.add(draw.between(1, 64));
            break;
          case 2:
            slices.add(draw.between(1, 2048));
            break;
          default:
            slices.add(draw.between(1, 70_000));
            break;
        }
      }
      return slices;
    };
  }

  /**
   * Bytes without the magic in them, rich in magic bytes and magic prefixes (so the scanner's
   * partial matches are exercised).
   */
  static byte[] garbage(Draw draw, int maxLength) {
    byte[] bytes = draw.magicRichBytes(draw.between(0, maxLength));
    return withoutMagic(bytes);
  }

  static byte[] withoutMagic(byte[] bytes) {
    for (int i = 0; i + 3 < bytes.length; i++) {
      if (bytes[i] == 0x51 && bytes[i + 1] == 0x54 && bytes[i + 2] == 0x58 && bytes[i + 3] == 0x01) {
        bytes[i + 3] = 0x02;
      }
    }
    return bytes;
  }

  static AgentMessage message(Draw draw) {
    AgentMessage.Builder message = AgentMessage.newBuilder().setMessageId(draw.messageId());
    if (draw.bool()) {
      message.setTimestamp(draw.timestamp());
    }
    List<Function<Draw, AgentMessage.Builder>> payloads = List.of(
        d -> message.setPing(PingRequest.newBuilder().setSequence(d.anyLong())),
        d -> message.setPong(PongResponse.newBuilder()
            .setSequence(d.anyLong()).setVersion(d.text(12)).setUptimeSeconds(d.anyLong())),
        d -> message.setExecute(execute(d)),
        d -> message.setExecuteResponse(ExecuteResponse.newBuilder()
            .setExitCode(d.anyInt()).setStdout(d.text(d.between(0, 3000))).setStderr(d.text(200))
            .setTruncated(d.bool()).setTimedOut(d.bool()).setDurationMs(d.anyLong()).setError(d.text(40))),
        d -> message.setFileWrite(FileWriteRequest.newBuilder()
            .setPath(d.text(60)).setData(d.bytes(d.between(0, 4096))).setOffset(d.anyLong())
            .setAppend(d.bool()).setEof(d.bool()).setMode(d.anyInt()).setCreateParents(d.bool())
            .setChunkNumber(d.anyInt()).setTotalChunks(d.anyInt())),
        d -> message.setFileWrite(FileWriteRequest.newBuilder()
            // the bytes field last: a frame cut inside it still parses if the stream fills it up
            .setPath(d.text(60)).setData(d.bytes(d.between(0, 4096)))),
        d -> message.setFileReadResponse(readResponse(d)),
        d -> message.setTelemetry(telemetry(d)),
        d -> message.setAgentReady(AgentReadyEvent.newBuilder()
            .setVersion(d.text(10)).setOsName(d.text(20)).setOsVersion(d.text(20))
            .setKernelVersion(d.text(30)).setArchitecture(d.text(8)).setHostname(d.text(30))
            .addAllIpAddresses(d.texts(5, 40)).addAllCapabilities(d.texts(20, 24))),
        d -> message.setError(ErrorEvent.newBuilder()
            .setSeverityValue(d.between(0, 6)).setCode(d.text(10)).setMessage(d.text(200))
            .putAllDetails(d.map(6))),
        d -> message.setClipboardUpdate(ClipboardUpdateRequest.newBuilder()
            .setTypeValue(d.between(0, 4)).setData(d.bytes(d.between(0, 1024))).setMimeType(d.text(20))),
        d -> message.setListDirectoryResponse(listing(d)),
        d -> message.setGetCapabilities(GetCapabilitiesRequest.getDefaultInstance()),
        d -> message.setShutdown(ShutdownRequest.newBuilder()
            .setTypeValue(d.between(0, 3)).setDelaySeconds(d.anyInt()).setMessage(d.text(80))),
        d -> message.setAgentUpdate(AgentUpdateRequest.newBuilder()
            .setTargetVersion(d.text(10)).setBinaryData(d.bytes(d.between(0, 8192)))
            .setChunkNumber(d.anyInt()).setIsLastChunk(d.bool()).setChecksumSha256(d.text(64))
            .setTotalSize(d.anyLong())));
    return payloads.get(draw.between(0, payloads.size() - 1)).apply(draw).build();
  }

  private static ExecuteRequest execute(Draw d) {
    return ExecuteRequest.newBuilder()
        .setCommand(d.text(100)).addAllArgs(d.texts(6, 30)).setWorkingDirectory(d.text(40))
        .putAllEnvironment(d.map(8)).setTimeoutSeconds(d.anyInt()).setWaitForExit(d.bool())
        .setRunAsUser(d.text(16)).setMaxOutputBytes(d.anyInt())
        .build();
  }

  private static FileReadResponse readResponse(Draw d) {
    FileReadResponse.Builder read = FileReadResponse.newBuilder()
        .setSuccess(d.bool()).setData(d.bytes(d.between(0, 4096))).setEof(d.bool())
        .setTotalSize(d.anyLong()).setOffset(d.anyLong()).setChunkNumber(d.anyInt())
        .setError(d.text(30)).setMode(d.anyInt());
    if (d.bool()) {
      read.setModifiedAt(d.timestamp());
    }
    return read.build();
  }

  private static TelemetryReport telemetry(Draw d) {
    TelemetryReport.Builder telemetry = TelemetryReport.newBuilder()
        .setCpuUsagePercent(d.anyDouble()).setMemoryTotalBytes(d.anyLong())
        .setMemoryUsedBytes(d.anyLong()).setMemoryAvailableBytes(d.anyLong())
        .setLoadAvg1(d.anyDouble()).setLoadAvg5(d.anyDouble()).setLoadAvg15(d.anyDouble())
        .setProcessCount(d.anyInt()).setUptimeSeconds(d.anyLong()).setHostname(d.text(30));
    for (int i = d.between(0, 4); i > 0; i--) {
      telemetry.addDisks(DiskUsage.newBuilder()
          .setMountPoint(d.text(20)).setFilesystem(d.text(6)).setDevice(d.text(12))
          .setTotalBytes(d.anyLong()).setUsedBytes(d.anyLong()).setUsagePercent(d.anyDouble()));
    }
    for (int i = d.between(0, 3); i > 0; i--) {
      telemetry.addInterfaces(InterfaceInfo.newBuilder()
          .setName(d.text(8)).setMacAddress(d.text(17)).addAllIpv4Addresses(d.texts(3, 15))
          .addAllIpv6Addresses(d.texts(3, 39)).setStateValue(d.between(0, 3)).setMtu(d.anyInt())
          .setRxBytes(d.anyLong()).setTxBytes(d.anyLong()));
    }
    return telemetry.build();
  }

  private static ListDirectoryResponse listing(Draw d) {
    ListDirectoryResponse.Builder listing = ListDirectoryResponse.newBuilder()
        .setSuccess(d.bool()).setContinuationToken(d.text(20)).setTotalEntries(d.anyInt());
    for (int i = d.between(0, 6); i > 0; i--) {
      DirectoryEntry.Builder entry = DirectoryEntry.newBuilder()
          .setName(d.text(30)).setPath(d.text(60)).setIsDirectory(d.bool()).setIsSymlink(d.bool())
          .setSizeBytes(d.anyLong()).setMode(d.anyInt()).setOwner(d.text(10)).setGroup(d.text(10));
      if (d.bool()) {
        entry.setModifiedAt(d.timestamp()).setCreatedAt(d.timestamp());
      }
      listing.addEntries(entry);
    }
    return listing.build();
  }

  /** Typed draws from a QuickTheories randomness source. */
  static final class Draw {
    private static final byte[] RICH = {0x51, 0x54, 0x58, 0x01, 0x00, (byte) 0xff};
    private static final int[][] CODE_POINT_RANGES = {
        {0x20, 0x7e}, {0x00, 0x1f}, {0xa0, 0x24f}, {0x370, 0x4ff}, {0x4e00, 0x9fff},
        {0xe000, 0xfffd}, {0x1f300, 0x1faff}, {0x10000, 0x10ffff}};

    private final RandomnessSource in;

    Draw(RandomnessSource in) {
      this.in = in;
    }

    int between(int min, int max) {
      return (int) in.next(Constraint.between(min, max));
    }

    boolean bool() {
      return between(0, 1) == 1;
    }

    long anyLong() {
      switch (between(0, 3)) {
        case 0:
          return 0;
        case 1:
          return between(0, 1000);
        default:
          return in.next(Constraint.between(Long.MIN_VALUE, Long.MAX_VALUE).withShrinkPoint(0));
      }
    }

    int anyInt() {
      return (int) anyLong();
    }

    double anyDouble() {
      return bool() ? between(0, 10_000) / 100.0 : Double.longBitsToDouble(anyLong());
    }

    /** A UUID (as the agent sends) or another sane id. */
    String messageId() {
      if (between(0, 4) > 0) {
        long high = anyLong();
        long low = anyLong();
        String hex = String.format("%016x%016x", high, low);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
            + hex.substring(16, 20) + "-" + hex.substring(20);
      }
      int length = between(1, 128);
      StringBuilder id = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        id.append((char) between(0x20, 0x7e));
      }
      return id.toString();
    }

    Timestamp timestamp() {
      return Timestamp.newBuilder()
          .setSeconds(between(0, 1) == 0 ? between(0, 2_000_000_000) : anyLong())
          .setNanos(between(0, 999_999_999))
          .build();
    }

    /**
     * Unicode text of up to {@code maxLength} code points (no lone surrogates): ASCII, controls,
     * Latin, Greek and Cyrillic, CJK, private use, emoji and the other supplementary planes. The
     * length shrinks; the content comes from a drawn seed.
     */
    String text(int maxLength) {
      int length = between(0, maxLength);
      if (length == 0) {
        return "";
      }
      SplittableRandom random = new SplittableRandom(in.next(Constraint.none().withShrinkPoint(0)));
      StringBuilder text = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        int[] range = CODE_POINT_RANGES[random.nextInt(CODE_POINT_RANGES.length)];
        text.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
      }
      return text.toString();
    }

    List<String> texts(int maxCount, int maxLength) {
      int count = between(0, maxCount);
      List<String> texts = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        texts.add(text(maxLength));
      }
      return texts;
    }

    java.util.Map<String, String> map(int maxEntries) {
      java.util.Map<String, String> map = new java.util.HashMap<>();
      for (int i = between(0, maxEntries); i > 0; i--) {
        map.put(text(16), text(40));
      }
      return map;
    }

    ByteString bytes(int length) {
      return ByteString.copyFrom(magicRichBytes(length));
    }

    /**
     * Random bytes; some runs are rich in the magic's bytes, zero and 0xff. The content comes from a
     * drawn seed (cheap for long runs); the length shrinks.
     */
    byte[] magicRichBytes(int length) {
      boolean rich = bool();
      SplittableRandom random = new SplittableRandom(in.next(Constraint.none().withShrinkPoint(0)));
      byte[] bytes = new byte[length];
      for (int i = 0; i < length; i++) {
        bytes[i] = rich && random.nextBoolean()
            ? RICH[random.nextInt(RICH.length)]
            : (byte) random.nextInt(256);
      }
      return bytes;
    }
  }
}
