#!/bin/busybox sh
# /init of the QEMU tier's guest (busybox-static, no udev). Markers on ttyS0 start with "QT ";
# the host waits for them in the serial log. See GuestImage for what the initramfs holds.
/bin/busybox --install -s /bin
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
host_connected() { grep -q 'host_connected: 1' "/sys/kernel/debug/virtio-ports/$1"; }

i=0
until port org.quantix.agent.0 >/dev/null && port org.quantix.relay.0 >/dev/null \
    && port org.quantix.silent.0 >/dev/null; do
  i=$((i + 1)); [ $i -eq 600 ] && { mark "ports-missing"; ls /sys/class/virtio-ports > /dev/ttyS0; }
  sleep 0.05
done
A=$(port org.quantix.agent.0)
B=$(port org.quantix.relay.0)
mark "ports $A $B uptime $(cut -d' ' -f1 /proc/uptime)"

# A port opens once (a second open fails with EBUSY): open both once and share the descriptors.
# org.quantix.silent.0 is never opened: its host side is a guest whose agent never starts.
exec 3<>"/dev/$A" 4<>"/dev/$B"
# host -> guest -> relay port. read() returns 0 while no host is connected, so wait for one
# (without spinning) and report each open and close of the host side.
(while :; do
  while ! host_connected "$A"; do sleep 0.02; done
  mark "host-open"
  cat <&3 >&4
  mark "host-closed"
done) &
# relay port -> guest -> host. A write with no host connected blocks until one connects (the
# next host gets what was queued: stale bytes).
(while :; do cat <&4 >&3; sleep 0.1; done) &

if [ -x /usr/sbin/qemu-ga ] && Q=$(port org.qemu.guest_agent.0); then
  /usr/sbin/qemu-ga -m virtio-serial -p "/dev/$Q" -t /run -f /run/qemu-ga.pid -l /run/qemu-ga.log -d \
    && mark "qemu-ga-started" || mark "qemu-ga-failed"
fi
mark "relay-up uptime $(cut -d' ' -f1 /proc/uptime)"
while :; do sleep 3600; done
