package io.quantix.agent.client;

import java.time.Duration;
import java.time.Instant;

/**
 * What the guest reported after a time synchronisation.
 *
 * <pre>{@code
 * TimeSync t = client.lifecycle().syncTime(true).join();
 * log.info("guest clock via {} off by {}", t.source(), t.offset());
 * }</pre>
 *
 * @param offset for a set time: target minus the old guest clock; for NTP: the offset the time
 *     service reported before syncing (chrony), or zero when the service does not tell
 * @param guestTime the guest's clock after the change, or null when not reported
 * @param source the time source: {@code manual}, {@code chrony}, {@code systemd-timesyncd},
 *     {@code ntpd}, {@code ntpdate}, {@code w32tm}
 */
public record TimeSync(Duration offset, Instant guestTime, String source) {}
