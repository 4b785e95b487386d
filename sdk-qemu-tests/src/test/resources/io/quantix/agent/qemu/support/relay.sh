#!/bin/sh
# /bin/qt-relay: relays between org.quantix.agent.0 (the host's SDK) and org.quantix.relay.0 (QEMU
# connects it to the fake agent on the host), so each byte crosses the guest's virtio-serial twice.
# Run by /init, or later through qemu-ga's guest-exec when the guest boots with qt.relay=off (an
# agent installed and started after boot). Returns at once; the relay runs in the background.
mark() { echo "QT $*" > /dev/ttyS0; }
port() {
  for d in /sys/class/virtio-ports/*; do
    [ "$(cat "$d/name" 2>/dev/null)" = "$1" ] && { echo "${d##*/}"; return 0; }
  done
  return 1
}
host_connected() { grep -q 'host_connected: 1' "/sys/kernel/debug/virtio-ports/$1"; }
A=$(port org.quantix.agent.0) && B=$(port org.quantix.relay.0) || { mark "relay-no-ports"; exit 1; }
(
  # A port opens once (a second open fails with EBUSY): open both once and share the descriptors.
  exec 3<>"/dev/$A" 4<>"/dev/$B" </dev/null >/dev/null 2>&1
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
  mark "relay-up uptime $(cut -d' ' -f1 /proc/uptime)"
  wait
) </dev/null >/dev/null 2>&1 &
