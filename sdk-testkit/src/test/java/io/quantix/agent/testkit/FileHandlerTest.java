package io.quantix.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.CreateDirectoryRequest;
import io.quantix.agent.proto.FileDeleteRequest;
import io.quantix.agent.proto.FileReadRequest;
import io.quantix.agent.proto.FileReadResponse;
import io.quantix.agent.proto.FileStatRequest;
import io.quantix.agent.proto.FileStatResponse;
import io.quantix.agent.proto.FileWriteRequest;
import io.quantix.agent.proto.FileWriteResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ResourceLeakCheck.class)
class FileHandlerTest {
  static FakeGuestAgent agent;
  static HostConnection host;

  @BeforeAll
  static void start(@TempDir Path sandbox) throws Exception {
    agent = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).sandbox(sandbox).build().start();
    host = HostConnection.open(agent);
    host.next();
  }

  @AfterAll
  static void stop() throws Exception {
    host.close();
    agent.close();
  }

  static FileWriteResponse write(FileWriteRequest.Builder request) throws Exception {
    return host.call(HostConnection.request(AgentMessage.newBuilder().setFileWrite(request))).getFileWriteResponse();
  }

  static FileReadResponse read(FileReadRequest.Builder request) throws Exception {
    return host.call(HostConnection.request(AgentMessage.newBuilder().setFileRead(request))).getFileReadResponse();
  }

  static FileStatResponse stat(String path) throws Exception {
    return host.call(HostConnection.request(AgentMessage.newBuilder()
        .setFileStat(FileStatRequest.newBuilder().setPath(path)))).getFileStatResponse();
  }

  static FileWriteRequest.Builder chunk(String path, String data) {
    return FileWriteRequest.newBuilder().setPath(path).setData(ByteString.copyFromUtf8(data));
  }

  static String content(String guestPath) throws Exception {
    return Files.readString(agent.sandbox().resolve(guestPath.substring(1)), StandardCharsets.UTF_8);
  }

  @Test
  void chunkedWritesTruncateOnChunkZeroThenSeekAppendAndApplyMode() throws Exception {
    FileWriteResponse first = write(chunk("/w/a.txt", "hello ").setCreateParents(true));
    assertThat(first.getSuccess()).isTrue();
    assertThat(first.getBytesWritten()).isEqualTo(6);
    FileWriteResponse second = write(chunk("/w/a.txt", "world").setOffset(6).setChunkNumber(1));
    assertThat(second.getChunkNumber()).isEqualTo(1);
    assertThat(content("/w/a.txt")).isEqualTo("hello world");

    write(chunk("/w/a.txt", "HEY"));
    assertThat(content("/w/a.txt")).as("chunk 0 at offset 0 truncates").isEqualTo("HEY");
    write(chunk("/w/a.txt", "!!").setAppend(true).setChunkNumber(7));
    assertThat(content("/w/a.txt")).isEqualTo("HEY!!");
    write(chunk("/w/a.txt", "y").setOffset(1));
    assertThat(content("/w/a.txt")).as("offset > 0 writes in place").isEqualTo("HyY!!");

    write(chunk("/w/a.txt", "HEY!!").setMode(0640));
    assertThat(stat("/w/a.txt").getEntry().getMode()).isEqualTo(0100640);

    assertThat(write(chunk("/w/empty", "")).getSuccess()).isTrue();
    assertThat(agent.sandbox().resolve("w/empty")).isEmptyFile();
  }

  @Test
  void missingParentFailsUnlessCreateParents() throws Exception {
    FileWriteResponse failed = write(chunk("/no/such/dir/f", "x"));
    assertThat(failed.getSuccess()).isFalse();
    assertThat(failed.getError()).contains("No such file or directory (os error 2)");
    assertThat(write(chunk("/no/such/dir/f", "x").setCreateParents(true)).getSuccess()).isTrue();
  }

  @Test
  void pathsMustBeAbsoluteWithoutDotDot() throws Exception {
    FileWriteResponse relative = write(chunk("etc/passwd", "x"));
    assertThat(relative.getSuccess()).isFalse();
    assertThat(relative.getError()).startsWith("Path must be absolute");
    FileReadResponse traversal = read(FileReadRequest.newBuilder().setPath("/a/../../etc/passwd"));
    assertThat(traversal.getSuccess()).isFalse();
    assertThat(traversal.getError()).startsWith("Path traversal not allowed");
    assertThat(stat("relative").getSuccess()).isFalse();
  }

  @Test
  void readsAreOneReadCallPerChunkWithAgentEofRules() throws Exception {
    byte[] data = new byte[200 * 1024];
    new Random(1).nextBytes(data);
    Path file = agent.sandbox().resolve("r.bin");
    Files.write(file, data);

    FileReadResponse first = read(FileReadRequest.newBuilder().setPath("/r.bin"));
    assertThat(first.getSuccess()).isTrue();
    assertThat(first.getData().size()).as("chunk_size 0 means 64 KiB").isEqualTo(64 * 1024);
    assertThat(first.getEof()).isFalse();
    assertThat(first.getTotalSize()).isEqualTo(data.length);
    assertThat(first.getOffset()).isZero();
    assertThat(first.getChunkNumber()).isZero();
    assertThat(first.getMode()).as("full st_mode").isEqualTo(Files.getAttribute(file, "unix:mode"))
        .matches(mode -> (mode & 0170000) == 0100000);
    assertThat(first.getModifiedAt().getSeconds()).isEqualTo(Files.getLastModifiedTime(file).toInstant().getEpochSecond());

    FileReadResponse capped = read(FileReadRequest.newBuilder().setPath("/r.bin").setOffset(1000).setLength(10).setChunkSize(4096));
    assertThat(capped.getData().toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 1010));
    assertThat(capped.getOffset()).isEqualTo(1000);
    assertThat(capped.getEof()).isFalse();

    FileReadResponse tail = read(FileReadRequest.newBuilder().setPath("/r.bin").setOffset(data.length - 100).setChunkSize(100));
    assertThat(tail.getData().size()).isEqualTo(100);
    assertThat(tail.getEof()).as("offset + n >= size").isTrue();
    FileReadResponse past = read(FileReadRequest.newBuilder().setPath("/r.bin").setOffset(data.length + 5));
    assertThat(past.getData().isEmpty()).isTrue();
    assertThat(past.getEof()).isTrue();

    FileReadResponse missing = read(FileReadRequest.newBuilder().setPath("/nope"));
    assertThat(missing.getSuccess()).isFalse();
    assertThat(missing.getError()).contains("(os error 2)");
  }

  @Test
  void aNewBuildReturnsAtMostTwoMebibytesPerReadFlaggedEof() throws Exception {
    Files.write(agent.sandbox().resolve("big.bin"), new byte[3 * 1024 * 1024]);
    FileReadResponse r = read(FileReadRequest.newBuilder().setPath("/big.bin").setChunkSize(4 * 1024 * 1024));
    assertThat(r.getData().size()).isEqualTo(2 * 1024 * 1024);
    assertThat(r.getEof()).as("a short read looks like the end").isTrue();
    assertThat(r.getTotalSize()).isEqualTo(3 * 1024 * 1024);
  }

  @Test
  void anOldBuildReturnsSixteenKibibytesWithEofAndTotalSizeTellsTheTruth(@TempDir Path sandbox) throws Exception {
    byte[] data = new byte[100_000];
    new Random(2).nextBytes(data);
    Files.write(sandbox.resolve("f.bin"), data);
    try (FakeGuestAgent old = FakeGuestAgent.builder().telemetryInterval(Duration.ZERO).sandbox(sandbox)
            .oldBuildReads(true).build().start();
        HostConnection conn = HostConnection.open(old)) {
      conn.next();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      long total;
      do {
        FileReadResponse r = conn.call(HostConnection.request(AgentMessage.newBuilder().setFileRead(
            FileReadRequest.newBuilder().setPath("/f.bin").setOffset(received.size()).setChunkSize(1024 * 1024))))
            .getFileReadResponse();
        assertThat(r.getData().size()).isLessThanOrEqualTo(16 * 1024);
        assertThat(r.getEof()).as("every short read says eof").isTrue();
        assertThat(r.getOffset()).isEqualTo(received.size());
        r.getData().writeTo(received);
        total = r.getTotalSize();
      } while (received.size() < total);
      assertThat(received.toByteArray()).isEqualTo(data);
    }
  }

  @Test
  void statMkdirAndDeleteFollowTheAgent() throws Exception {
    CreateDirectoryRequest.Builder nested = CreateDirectoryRequest.newBuilder().setPath("/d/e/f");
    assertThat(host.call(HostConnection.request(AgentMessage.newBuilder().setCreateDirectory(nested)))
        .getCreateDirectoryResponse().getError()).contains("(os error 2)");
    assertThat(host.call(HostConnection.request(AgentMessage.newBuilder().setCreateDirectory(
        nested.setCreateParents(true).setMode(0750)))).getCreateDirectoryResponse().getSuccess()).isTrue();
    assertThat(host.call(HostConnection.request(AgentMessage.newBuilder().setCreateDirectory(
        CreateDirectoryRequest.newBuilder().setPath("/d/e/f")))).getCreateDirectoryResponse().getError())
        .contains("File exists (os error 17)");

    FileStatResponse dir = stat("/d/e/f");
    assertThat(dir.getEntry().getIsDirectory()).isTrue();
    assertThat(dir.getEntry().getName()).isEqualTo("f");
    assertThat(dir.getEntry().getPath()).isEqualTo("/d/e/f");
    assertThat(dir.getEntry().getMode()).isEqualTo(040750);
    write(chunk("/d/e/f/x", "12345"));
    Files.createSymbolicLink(agent.sandbox().resolve("d/link"), Path.of("e/f/x"));
    FileStatResponse link = stat("/d/link");
    assertThat(link.getEntry().getIsSymlink()).isTrue();
    assertThat(link.getEntry().getSymlinkTarget()).isEqualTo("e/f/x");
    FileStatResponse file = stat("/d/e/f/x");
    assertThat(file.getEntry().getSizeBytes()).isEqualTo(5);
    assertThat(file.getEntry().getOwner()).isNotEmpty();
    assertThat(stat("/d/none").getError()).contains("(os error 2)");

    FileDeleteRequest.Builder delete = FileDeleteRequest.newBuilder().setPath("/d/e");
    assertThat(host.call(HostConnection.request(AgentMessage.newBuilder().setFileDelete(delete)))
        .getFileDeleteResponse().getError()).contains("Directory not empty (os error 39)");
    assertThat(host.call(HostConnection.request(AgentMessage.newBuilder().setFileDelete(delete.setRecursive(true))))
        .getFileDeleteResponse().getSuccess()).isTrue();
    assertThat(agent.sandbox().resolve("d/e")).doesNotExist();
    assertThat(host.call(HostConnection.request(AgentMessage.newBuilder().setFileDelete(delete)))
        .getFileDeleteResponse().getError()).contains("(os error 2)");
  }
}
