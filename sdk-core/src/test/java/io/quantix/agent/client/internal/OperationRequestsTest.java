package io.quantix.agent.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.quantix.agent.AgentException;
import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.ClipboardContent;
import io.quantix.agent.client.FileEntry;
import io.quantix.agent.client.HardwareInfo;
import io.quantix.agent.client.ServiceState;
import io.quantix.agent.proto.CpuInfo;
import io.quantix.agent.proto.DirectoryEntry;
import io.quantix.agent.proto.DiskInfo;
import io.quantix.agent.proto.OsInfo;
import io.quantix.agent.proto.PartitionInfo;
import io.quantix.agent.proto.ServiceAction;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Pure pieces of request building and reply mapping of the operation groups. */
class OperationRequestsTest {

  private static void invalid(ThrowingCallable call, String fragment) {
    assertThatThrownBy(call).isInstanceOfSatisfying(AgentException.class, e -> {
      assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(fragment);
    });
  }

  @Test
  void checksRejectRootsModesRangesAndServiceNames() {
    invalid(() -> OpChecks.notRoot("/", "path"), "root");
    invalid(() -> OpChecks.notRoot("//", "path"), "root");
    invalid(() -> OpChecks.notRoot("C:\\", "path"), "root");
    assertThat(OpChecks.notRoot("/tmp/x", "path")).isEqualTo("/tmp/x");
    invalid(() -> OpChecks.mode(010000), "mode");
    invalid(() -> OpChecks.mode(-1), "mode");
    assertThat(OpChecks.mode(0755)).isEqualTo(0755);
    invalid(() -> OpChecks.range(0, 1, 10, "width"), "width");
    invalid(() -> OpChecks.serviceName(" "), "blank");
    invalid(() -> OpChecks.serviceName("a/b"), "'/'");
    invalid(() -> OpChecks.serviceName("a\nb"), "line break");
    invalid(() -> OpChecks.serviceName(null), "null");
    assertThat(OpChecks.serviceName("nginx.service")).isEqualTo("nginx.service");
  }

  @Test
  void targetVersionsAreSafeInAGuestFileName() {
    assertThat(AgentUpdatesImpl.version("0.1.28")).isEqualTo("0.1.28");
    assertThat(AgentUpdatesImpl.version("1.0.0-rc.1+build5")).isEqualTo("1.0.0-rc.1+build5");
    invalid(() -> AgentUpdatesImpl.version("../../etc/passwd"), "target version");
    invalid(() -> AgentUpdatesImpl.version("1..2"), "target version");
    invalid(() -> AgentUpdatesImpl.version("a/b"), "target version");
    invalid(() -> AgentUpdatesImpl.version(""), "target version");
    invalid(() -> AgentUpdatesImpl.version("x".repeat(65)), "target version");
  }

  @Test
  void theGuestsEchoOfAPasswordIsMasked() {
    assertThat(GuestLifecycleImpl.mask("chpasswd: bad password 'S3cret!' for bob", "S3cret!"))
        .isEqualTo("chpasswd: bad password '****' for bob");
    assertThat(GuestLifecycleImpl.mask("", "x")).isEmpty();
  }

  @Test
  void enumsMapBothWays() {
    for (ClipboardContent.Type t : ClipboardContent.Type.values()) {
      assertThat(GuestDesktopImpl.type(GuestDesktopImpl.wire(t))).isEqualTo(t);
    }
    assertThat(GuestServicesImpl.wire(ServiceState.Action.STATUS))
        .isEqualTo(ServiceAction.SERVICE_ACTION_STATUS);
    assertThat(GuestServicesImpl.wire(ServiceState.Action.DISABLE))
        .isEqualTo(ServiceAction.SERVICE_ACTION_DISABLE);
  }

  @Test
  void directoryEntriesMapWithTimestampsOnlyWhenPresent() {
    DirectoryEntry e = DirectoryEntry.newBuilder().setName("x").setPath("/d/x").setIsSymlink(true)
        .setMode(0120777).setSymlinkTarget("/y").setOwner("root")
        .setModifiedAt(Timestamp.newBuilder().setSeconds(100).setNanos(5)).build();
    FileEntry f = GuestFilesImpl.entry(e);
    assertThat(f.type()).isEqualTo(FileEntry.Type.SYMLINK);
    assertThat(f.modifiedAt()).isEqualTo(Instant.ofEpochSecond(100, 5));
    assertThat(f.createdAt()).isNull();
    assertThat(f.symlinkTarget()).isEqualTo("/y");
  }

  @Test
  void hardwareMapsNestedPartsAndMissingOnesAsEmpty() {
    HardwareInfo hw = GuestInventoryImpl.hardware(io.quantix.agent.proto.HardwareInfo.newBuilder()
        .setCpu(CpuInfo.newBuilder().setModel("QEMU").setCores(2).addFlags("sse2"))
        .addDisks(DiskInfo.newBuilder().setDevice("vda").setInterface("virtio").setIsVirtual(true)
            .addPartitions(PartitionInfo.newBuilder().setDevice("vda1").setMountPoint("/")))
        .setOs(OsInfo.newBuilder().setName("Ubuntu")).build());
    assertThat(hw.cpu().model()).isEqualTo("QEMU");
    assertThat(hw.cpu().flags()).containsExactly("sse2");
    assertThat(hw.disks().get(0).interfaceType()).isEqualTo("virtio");
    assertThat(hw.disks().get(0).virtual()).isTrue();
    assertThat(hw.disks().get(0).partitions().get(0).mountPoint()).isEqualTo("/");
    assertThat(hw.bios().vendor()).isEmpty();
    assertThat(hw.memory().totalBytes()).isZero();
    assertThat(hw.os().installDate()).isNull();
    assertThat(hw.gpus()).isEmpty();
  }
}
