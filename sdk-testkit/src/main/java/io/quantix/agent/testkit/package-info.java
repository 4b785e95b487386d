/**
 * A fake Quantix guest agent for tests: {@link io.quantix.agent.testkit.FakeGuestAgent} listens on a
 * Unix socket where QEMU's virtio-serial chardev would, behaves like the real agent by default, and
 * is scripted and broken on purpose like OkHttp's MockWebServer. {@link
 * io.quantix.agent.testkit.FakeGuestAgentFleet} serves thousands of them on a few threads, {@link
 * io.quantix.agent.testkit.FakeGuestAgentExtension} gives each JUnit 5 test its own, and {@link
 * io.quantix.agent.testkit.FakeAgentMain} runs one by hand.
 *
 * <pre>{@code
 * try (FakeGuestAgent agent = FakeGuestAgent.builder().start()) {
 *   agent.enqueue(PayloadCase.PING, ScriptedReply.fault(Fault.noReply()));
 *   // connect a host to agent.endpoint() ...
 * }
 * }</pre>
 */
package io.quantix.agent.testkit;
