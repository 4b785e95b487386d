package com.example.agenttour;

import io.quantix.agent.AgentException;
import io.quantix.agent.client.DownloadOptions;
import io.quantix.agent.client.Exec;
import io.quantix.agent.client.ExecResult;
import io.quantix.agent.client.FileEntry;
import io.quantix.agent.client.HardwareInfo;
import io.quantix.agent.client.Pong;
import io.quantix.agent.client.QuiesceSpec;
import io.quantix.agent.client.Subscription;
import io.quantix.agent.client.UploadOptions;
import io.quantix.agent.registry.AgentConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A tour of the API: java com.example.agenttour.Tour unix:/path/to/vm.agent.sock */
public final class Tour {
  public static void main(String[] args) throws Exception {
    String endpoint = args.length > 0 ? args[0] : "unix:/var/run/quantix-kvm/vms/vm-42.agent.sock";
    Path here = Files.createTempDirectory("tour");

    try (AgentConnection vm = AgentConnection.open(endpoint)) {   // one endpoint, one line
      Pong pong = vm.ping().join();                                // connects on first use
      System.out.println("agent " + pong.agentVersion() + ", status " + vm.status().state());

      ExecResult r = vm.exec(Exec.shell("uname -a")).join();       // a non-zero exit is a result
      System.out.println("exit " + r.exitCode() + ": " + r.stdout().strip());

      Path conf = Files.writeString(here.resolve("app.conf"), "greeting=hello\n");
      vm.upload(conf, "/tmp/app/app.conf",
          UploadOptions.DEFAULT.withMode(0644).withCreateParents(true)).join();
      vm.download("/tmp/app/app.conf", here.resolve("copy.conf"), DownloadOptions.DEFAULT).join();
      List<FileEntry> files = vm.files().list("/tmp/app").join();
      System.out.println("in /tmp/app: " + files.get(0).name() + ", " + files.get(0).size() + " B");

      Subscription telemetry = vm.onTelemetry(t ->                  // pushed by the guest
          System.out.println("memory used " + t.memoryUsedPercent() + "%"));
      vm.withTimeout(Duration.ofSeconds(2)).ping().join();         // a deadline for this call

      String snapshot = vm.snapshots().withQuiesced(QuiesceSpec.allFilesystems(),
          frozen -> takeDiskSnapshot()).join();                    // thawed in every outcome
      HardwareInfo hw = vm.inventory().hardware().join();
      System.out.println(snapshot + " of a " + hw.cpu().cores() + "-core guest");

      try {
        vm.files().stat("/no/such/file").join();
      } catch (CompletionException e) {
        AgentException failure = (AgentException) e.getCause();  // one type, with a Code
        System.out.println(failure.code() + ": " + failure.remoteMessage().orElse("?"));
      }
      telemetry.close();
    }
  }

  /** Your hypervisor's disk snapshot (virsh, the QEMU monitor...) while the guest is frozen. */
  static CompletableFuture<String> takeDiskSnapshot() {
    return CompletableFuture.completedFuture("snapshot-1");
  }
}
