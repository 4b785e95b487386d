package io.quantix.agent.testkit.internal;

import io.quantix.agent.proto.AgentMessage;
import io.quantix.agent.proto.AgentUpdateRequest;
import io.quantix.agent.proto.AgentUpdateResponse;
import io.quantix.agent.proto.UpdateState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * agent_update as the agent does it (wire document §3.4), inside the sandbox: chunk 0 starts (or
 * restarts) a download into {@code /tmp/limiquantix/agent-update-<version>.tmp} and fixes checksum,
 * size and version; later chunks are appended in arrival order; the last chunk verifies the SHA-256
 * (skipped when empty) and installs {@code /usr/local/bin/quantix-kvm-agent} (old one kept as
 * {@code .bak}). States sent: DOWNLOADING, COMPLETE (restart_required) or FAILED. The new version is
 * reported after {@code FakeGuestAgent.restartAgent()}. Not API.
 */
final class UpdateHandler {
  static final String BINARY = "/usr/local/bin/quantix-kvm-agent";

  private final Lazy<Sandbox, IOException> sandbox;
  private final Lazy<GuestStateImpl, RuntimeException> state;
  private final GuestInfo guest;
  /** The update in progress; guarded by this (the agent's own state is not safe for concurrent updates). */
  private Download download;

  UpdateHandler(Lazy<Sandbox, IOException> sandbox, Lazy<GuestStateImpl, RuntimeException> state, GuestInfo guest) {
    this.sandbox = sandbox;
    this.state = state;
    this.guest = guest;
  }

  /** An update in progress. */
  static final class Download {
    final String version;
    final String sha256;
    final long totalSize;
    final Path file;
    long written;

    Download(String version, String sha256, long totalSize, Path file) {
      this.version = version;
      this.sha256 = sha256;
      this.totalSize = totalSize;
      this.file = file;
    }
  }

  AgentMessage update(AgentMessage request) {
    AgentUpdateRequest r = request.getAgentUpdate();
    AgentUpdateResponse.Builder response = AgentUpdateResponse.newBuilder().setCurrentVersion(guest.version());
    synchronized (this) {
      try {
        Sandbox sandbox = this.sandbox.get();
        if (r.getChunkNumber() == 0) {
          Path dir = sandbox.resolve("/tmp/limiquantix");
          Files.createDirectories(dir);
          String name = "agent-update-" + r.getTargetVersion().replaceAll("[^A-Za-z0-9._-]", "_") + ".tmp";
          download = new Download(r.getTargetVersion(), r.getChecksumSha256(), r.getTotalSize(), dir.resolve(name));
          Files.write(download.file, r.getBinaryData().toByteArray());
        } else if (download == null) {
          return failed(request, response, "No update in progress");
        } else {
          Files.write(download.file, r.getBinaryData().toByteArray(), StandardOpenOption.APPEND);
        }
        download.written += r.getBinaryData().size();
        if (!r.getIsLastChunk()) {
          int progress = download.totalSize > 0 ? (int) Math.min(100, download.written * 100 / download.totalSize) : 0;
          response.setSuccess(true).setState(UpdateState.UPDATE_STATE_DOWNLOADING).setProgressPercent(progress);
          return Messages.replyTo(request).setAgentUpdateResponse(response).build();
        }
        Download finished = download;
        download = null;
        String actual = sha256(finished.file);
        if (!finished.sha256.isEmpty() && !actual.equals(finished.sha256.toLowerCase(Locale.ROOT))) {
          Files.deleteIfExists(finished.file);
          return failed(request, response, "Checksum mismatch: expected " + finished.sha256 + ", got " + actual);
        }
        Path binary = sandbox.resolve(BINARY);
        Files.createDirectories(binary.getParent());
        if (Files.exists(binary)) {
          Files.copy(binary, binary.resolveSibling(binary.getFileName() + ".bak"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(finished.file, binary, StandardCopyOption.REPLACE_EXISTING);
        FileHandlers.chmod(binary, 0755);
        state.get().installedUpdate(finished.version);
        response.setSuccess(true).setState(UpdateState.UPDATE_STATE_COMPLETE).setRestartRequired(true).setProgressPercent(100);
        return Messages.replyTo(request).setAgentUpdateResponse(response).build();
      } catch (GuestError e) {
        return failed(request, response, e.getMessage());
      } catch (IOException e) {
        download = null;
        return failed(request, response, "Update failed: " + Sandbox.describe(e));
      }
    }
  }

  private static AgentMessage failed(AgentMessage request, AgentUpdateResponse.Builder response, String error) {
    return Messages.replyTo(request).setAgentUpdateResponse(
        response.setSuccess(false).setState(UpdateState.UPDATE_STATE_FAILED).setError(error)).build();
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    StringBuilder hex = new StringBuilder(64);
    for (byte b : digest.digest()) {
      hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return hex.toString();
  }
}
