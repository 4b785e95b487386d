package io.quantix.agent.qga;

import java.util.List;
import java.util.OptionalLong;

/**
 * A mounted filesystem ({@code guest-get-fsinfo}; network filesystems are not listed).
 *
 * <pre>{@code
 * for (QgaFilesystem fs : qga.filesystems().join()) {
 *   System.out.println(fs.mountpoint() + " " + fs.type() + " free " + fs.freeBytes().orElse(-1));
 * }
 * }</pre>
 *
 * @param name the device name, e.g. {@code vda1}
 * @param mountpoint where it is mounted
 * @param type e.g. {@code ext4}
 * @param used bytes used, or -1 when unknown
 * @param total bytes in total, or -1 when unknown
 * @param disks the disks under it
 */
public record QgaFilesystem(String name, String mountpoint, String type, long used, long total,
    List<Disk> disks) {
  /** Copies the list. */
  public QgaFilesystem {
    disks = List.copyOf(disks);
  }

  /** Bytes used, when known. */
  public OptionalLong usedBytes() {
    return used < 0 ? OptionalLong.empty() : OptionalLong.of(used);
  }

  /** Bytes in total, when known. */
  public OptionalLong totalBytes() {
    return total < 0 ? OptionalLong.empty() : OptionalLong.of(total);
  }

  /** Bytes free (total - used), when both are known. */
  public OptionalLong freeBytes() {
    return used < 0 || total < 0 ? OptionalLong.empty() : OptionalLong.of(total - used);
  }

  /**
   * A disk under a filesystem.
   *
   * @param busType e.g. {@code virtio}, {@code scsi}
   * @param bus the bus number
   * @param target the target number
   * @param unit the unit number
   * @param serial the disk's serial, or null
   * @param dev the device node, e.g. {@code /dev/vda}, or null
   */
  public record Disk(String busType, int bus, int target, int unit, String serial, String dev) {}
}
