#!/bin/busybox sh
# /init of the QEMU tier's guest (busybox-static, no udev). Markers on ttyS0 start with "QT ";
# the host waits for them in the serial log. See GuestImage for what the initramfs holds.
/bin/busybox --install -s /bin
# /usr/bin/env where every Debian has it (the sdk-qemu-ga contract execs it by that path)
mkdir -p /usr/bin && ln -s /bin/busybox /usr/bin/env
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
# virtio_console's debugfs tells whether a host is connected to a port (no other interface does)
mount -t debugfs debugfs /sys/kernel/debug
mark() { echo "QT $*" > /dev/ttyS0; }
# modules in dependency order, as GuestImage found them (none when built into the kernel)
for m in $(cat /lib/modules/load-order); do insmod "/lib/modules/$m.ko" || mark "insmod-failed $m"; done

# no udev, so no /dev/virtio-ports/NAME links: the names are in sysfs
port() {
  for d in /sys/class/virtio-ports/*; do
    [ "$(cat "$d/name" 2>/dev/null)" = "$1" ] && { echo "${d##*/}"; return 0; }
  done
  return 1
}
i=0
until port org.quantix.agent.0 >/dev/null && port org.quantix.relay.0 >/dev/null \
    && port org.quantix.silent.0 >/dev/null; do
  i=$((i + 1)); [ $i -eq 600 ] && { mark "ports-missing"; ls /sys/class/virtio-ports > /dev/ttyS0; }
  sleep 0.05
done
mark "ports uptime $(cut -d' ' -f1 /proc/uptime)"
# org.quantix.silent.0 is never opened: its host side is a guest whose agent never starts.

# qemu-ga with the build notes' block list, so the guest behaves like the host peer the
# sdk-qemu-ga contract tests expect (shutdown, freeze, password... disabled)
if [ -x /usr/sbin/qemu-ga ] && Q=$(port org.qemu.guest_agent.0); then
  /usr/sbin/qemu-ga -m virtio-serial -p "/dev/$Q" -t /run -f /run/qemu-ga.pid -l /run/qemu-ga.log -d \
    -b guest-fsfreeze-freeze,guest-fsfreeze-freeze-list,guest-fsfreeze-thaw,guest-fstrim,guest-shutdown,guest-suspend-disk,guest-suspend-ram,guest-suspend-hybrid,guest-set-time,guest-set-user-password,guest-set-vcpus,guest-set-memory-blocks \
    && mark "qemu-ga-started" || mark "qemu-ga-failed"
fi
# qt.relay=off: no agent at boot; a test starts /bin/qt-relay later (through qemu-ga)
grep -qw 'qt.relay=off' /proc/cmdline || /bin/qt-relay
mark "guest-up uptime $(cut -d' ' -f1 /proc/uptime)"
while :; do sleep 3600; done
