package io.quantix.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantix.agent.framing.FrameFormat;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Endpoint URIs: what parses, to what, and how malformed text is reported. */
class EndpointTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("unix:/var/run/quantix-kvm/vms/vm-42.agent.sock",
            new Endpoint.Unix(Path.of("/var/run/quantix-kvm/vms/vm-42.agent.sock"), FrameFormat.MAGIC)),
        Arguments.of("unix:///run/a.sock", new Endpoint.Unix(Path.of("/run/a.sock"), FrameFormat.MAGIC)),
        Arguments.of("UNIX:/run/a.sock", new Endpoint.Unix(Path.of("/run/a.sock"), FrameFormat.MAGIC)),
        Arguments.of("unix:/run/a.sock?framing=legacy",
            new Endpoint.Unix(Path.of("/run/a.sock"), FrameFormat.LEGACY)),
        Arguments.of("unix:/run/a.sock?framing=AUTO",
            new Endpoint.Unix(Path.of("/run/a.sock"), FrameFormat.AUTO)),
        Arguments.of("unix:/run/a.sock?framing=magic",
            new Endpoint.Unix(Path.of("/run/a.sock"), FrameFormat.MAGIC)),
        Arguments.of("unix:/run/my%20vm%25.sock",
            new Endpoint.Unix(Path.of("/run/my vm%.sock"), FrameFormat.MAGIC)),
        Arguments.of("vsock://3:9443", new Endpoint.Vsock(3, 9443, FrameFormat.MAGIC)),
        Arguments.of("vsock://42", new Endpoint.Vsock(42, Endpoint.DEFAULT_VSOCK_PORT, FrameFormat.MAGIC)),
        Arguments.of("vsock://4294967295:1", new Endpoint.Vsock(4294967295L, 1, FrameFormat.MAGIC)),
        Arguments.of("vsock://3:4294967294", new Endpoint.Vsock(3, (int) 4294967294L, FrameFormat.MAGIC)),
        Arguments.of("vsock://3:1024?framing=legacy", new Endpoint.Vsock(3, 1024, FrameFormat.LEGACY)),
        Arguments.of("hvsock:/var/lib/fc/vm.vsock?port=1024",
            new Endpoint.HybridVsock(Path.of("/var/lib/fc/vm.vsock"), 1024, FrameFormat.MAGIC)),
        Arguments.of("hvsock:/var/lib/fc/vm.vsock",
            new Endpoint.HybridVsock(Path.of("/var/lib/fc/vm.vsock"), 9443, FrameFormat.MAGIC)),
        Arguments.of("hvsock:/v.vsock?framing=auto&port=52",
            new Endpoint.HybridVsock(Path.of("/v.vsock"), 52, FrameFormat.AUTO)));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("valid")
  void parsesAndRoundTrips(String text, Endpoint expected) {
    Endpoint parsed = Endpoint.parse(text);
    assertThat(parsed).isEqualTo(expected);
    assertThat(Endpoint.parse(parsed.uri())).as("uri() parses back: %s", parsed.uri())
        .isEqualTo(parsed);
    assertThat(parsed.toString()).isEqualTo(parsed.uri());
  }

  @Test
  void canonicalUrisAreShortAndStable() {
    assertThat(Endpoint.parse("unix:///run/a.sock?framing=magic").uri()).isEqualTo("unix:/run/a.sock");
    assertThat(Endpoint.parse("vsock://42").uri()).isEqualTo("vsock://42:9443");
    assertThat(Endpoint.parse("vsock://3:4294967294").uri()).isEqualTo("vsock://3:4294967294");
    assertThat(Endpoint.parse("hvsock:/v.vsock?framing=legacy").uri())
        .isEqualTo("hvsock:/v.vsock?port=9443&framing=legacy");
    assertThat(Endpoint.parse("unix:/run/a.sock?framing=legacy").scheme()).isEqualTo("unix");
    assertThat(Endpoint.vsock(3, 1).scheme()).isEqualTo("vsock");
    assertThat(Endpoint.hybridVsock(Path.of("/v"), 1).scheme()).isEqualTo("hvsock");
  }

  @Test
  void pathsThatAreNotUriSafeRoundTrip() {
    for (String path : new String[] {"/run/a b.sock", "/run/a%b.sock", "/run/a?b.sock",
        "/run/a#b.sock", "/run/ä.sock", "/run/a&b=c.sock"}) {
      Endpoint.Unix unix = Endpoint.unix(Path.of(path));
      assertThat(Endpoint.parse(unix.uri())).as(unix.uri()).isEqualTo(unix);
      Endpoint.HybridVsock hv = Endpoint.hybridVsock(Path.of(path), 7);
      assertThat(Endpoint.parse(hv.uri())).as(hv.uri()).isEqualTo(hv);
    }
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of(null, "endpoint is null"),
        Arguments.of("", "has no scheme"),
        Arguments.of("/var/run/x.sock", "has no scheme"),
        Arguments.of("/tmp/a:b.sock", "has no scheme"),
        Arguments.of("unix:relative.sock", "relative socket path 'relative.sock'"),
        Arguments.of("unix:", "no socket path"),
        Arguments.of("unix:/a\0b", "NUL"),
        Arguments.of("unix:/a%00b", "NUL"),
        Arguments.of("unix://host/x.sock", "host part 'host'"),
        Arguments.of("unix:/x.sock#frag", "fragment '#frag'"),
        Arguments.of("unix:/x.sock?foo=1", "unknown parameter 'foo'"),
        Arguments.of("unix:/x.sock?port=1", "unknown parameter 'port'"),
        Arguments.of("unix:/x.sock?framing=json", "framing 'json'"),
        Arguments.of("unix:/x.sock?framing=magic&framing=legacy", "repeats parameter 'framing'"),
        Arguments.of("unix:/" + "a".repeat(120), "107 bytes"),
        Arguments.of("vsock://abc:1", "CID 'abc'"),
        Arguments.of("vsock://-1:1", "CID '-1'"),
        Arguments.of("vsock://+3:1", "CID '+3'"),
        Arguments.of("vsock://4294967296:1", "CID 4294967296 out of range"),
        Arguments.of("vsock://:9443", "empty CID"),
        Arguments.of("vsock://", "Expected authority"),
        Arguments.of("vsock:3:9443", "no CID"),
        Arguments.of("vsock://3:0", "port 0"),
        Arguments.of("vsock://3:", "empty port"),
        Arguments.of("vsock://3:x", "port 'x'"),
        Arguments.of("vsock://3:4294967295", "port 4294967295"),
        Arguments.of("vsock://3:99999999999", "port 99999999999 out of range"),
        Arguments.of("vsock://3:9443/x", "path '/x'"),
        Arguments.of("vsock://3:9443?port=5", "unknown parameter 'port'"),
        Arguments.of("hvsock:/v.vsock?port=0", "port 0"),
        Arguments.of("hvsock:/v.vsock?port=", "empty port"),
        Arguments.of("hvsock:/v.vsock?port=nine", "port 'nine'"),
        Arguments.of("hvsock:v.vsock?port=1", "relative socket path"),
        Arguments.of("hvsock:/v.vsock?cid=3", "unknown parameter 'cid'"),
        Arguments.of("tcp://10.0.0.1:9443", "unknown scheme 'tcp'"),
        Arguments.of("unix:/a b.sock", "not a valid URI"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("malformed")
  void malformedTextNamesTheBadPart(String text, String expected) {
    assertThatThrownBy(() -> Endpoint.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void malformedMessagesQuoteTheEndpoint() {
    assertThatThrownBy(() -> Endpoint.parse("vsock://3:4294967295"))
        .hasMessageContaining("'vsock://3:4294967295'");
    assertThatThrownBy(() -> Endpoint.parse("unix:/a%00b")).hasMessageContaining("'unix:/a%00b'");
  }

  @Test
  void constructorsValidateToo() {
    assertThatThrownBy(() -> Endpoint.unix(Path.of("rel.sock"))).hasMessageContaining("absolute");
    assertThatThrownBy(() -> Endpoint.unix(null)).hasMessageContaining("no socket path");
    assertThatThrownBy(() -> Endpoint.vsock(-1, 1)).hasMessageContaining("CID -1");
    assertThatThrownBy(() -> Endpoint.vsock(3, 0)).hasMessageContaining("port 0");
    assertThatThrownBy(() -> Endpoint.vsock(3, -1)).hasMessageContaining("port 4294967295");
    assertThatThrownBy(() -> Endpoint.hybridVsock(Path.of("/v"), 0)).hasMessageContaining("port 0");
    assertThatThrownBy(() -> new Endpoint.Unix(Path.of("/x"), null))
        .isInstanceOf(NullPointerException.class);
  }
}
