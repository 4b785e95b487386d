package io.quantix.agent.qga;

import java.util.List;
import java.util.Optional;

/**
 * A network interface ({@code guest-network-get-interfaces}).
 *
 * <pre>{@code
 * for (QgaInterface nic : qga.interfaces().join()) {
 *   nic.addresses().forEach(a -> System.out.println(nic.name() + " " + a.address() + "/" + a.prefix()));
 * }
 * }</pre>
 *
 * @param name e.g. {@code eth0}
 * @param hardwareAddressText the MAC address, or null
 * @param addresses its IP addresses
 */
public record QgaInterface(String name, String hardwareAddressText, List<Address> addresses) {
  /** Copies the list. */
  public QgaInterface {
    addresses = List.copyOf(addresses);
  }

  /** The MAC address, if any. */
  public Optional<String> hardwareAddress() {
    return Optional.ofNullable(hardwareAddressText);
  }

  /**
   * One IP address.
   *
   * @param address the address text
   * @param ipv6 whether it is IPv6 ({@code ip-address-type: ipv6})
   * @param prefix the prefix length
   */
  public record Address(String address, boolean ipv6, int prefix) {}
}
