package io.quantix.agent.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantix.agent.AgentException.Code;
import io.quantix.agent.client.HardwareInfo;
import io.quantix.agent.client.InstalledSoftware;
import io.quantix.agent.client.SoftwareList;
import io.quantix.agent.it.Harness;
import io.quantix.agent.proto.AgentMessage.PayloadCase;
import io.quantix.agent.proto.GetHardwareInfoRequest;
import io.quantix.agent.testkit.Fault;
import io.quantix.agent.testkit.ScriptedReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** inventory(): hardware and installed software. */
class InventoryOpsIT {
  private Harness h;

  @BeforeEach
  void setUp() {
    h = new Harness().awaitConnected();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void hardwareComesAsTypedParts() throws Exception {
    HardwareInfo hw = h.client.inventory().hardware().join();
    assertThat(hw.cpu().model()).contains("QEMU");
    assertThat(hw.cpu().cores()).isEqualTo(2);
    assertThat(hw.cpu().flags()).contains("sse2");
    assertThat(hw.memory().totalBytes()).isPositive();
    assertThat(hw.disks()).isNotEmpty();
    assertThat(hw.os().name()).isNotEmpty();
    GetHardwareInfoRequest sent = Ops.drain(h.agent, PayloadCase.GET_HARDWARE_INFO).get(0)
        .getGetHardwareInfo();
    assertThat(sent.getIncludeCpuDetails()).isTrue();
    assertThat(sent.getIncludeDiskDetails()).isTrue();

    HardwareInfo brief = h.client.inventory().hardware(false, false, false).join();
    assertThat(brief.cpu().flags()).isEmpty();
  }

  @Test
  void hardwareIsRetriedAfterALostReply() throws Exception {
    h.agent.enqueue(PayloadCase.GET_HARDWARE_INFO, ScriptedReply.fault(Fault.closeBeforeReply()));
    assertThat(h.client.inventory().hardware().join().cpu().cores()).isEqualTo(2);
    assertThat(Ops.drain(h.agent, PayloadCase.GET_HARDWARE_INFO)).hasSize(2);
  }

  @Test
  void softwareIsFilteredCappedAndCounted() {
    SoftwareList all = h.client.inventory().software().join();
    assertThat(all.items()).extracting(InstalledSoftware::name).contains("bash", "nginx");
    assertThat(all.truncated()).isFalse();

    SoftwareList capped = h.client.inventory().software("", 3).join();
    assertThat(capped.items()).hasSize(3);
    assertThat(capped.totalCount()).isEqualTo(all.items().size());
    assertThat(capped.truncated()).isTrue();

    SoftwareList ssl = h.client.inventory().software("ssl", 100).join();
    assertThat(ssl.items()).extracting(InstalledSoftware::name).containsExactly("libssl3");
    assertThat(ssl.items().get(0).packageType()).isNotEmpty();

    assertThat(Ops.failure(h.client.inventory().software("", 0)).code())
        .isEqualTo(Code.INVALID_ARGUMENT);
  }
}
