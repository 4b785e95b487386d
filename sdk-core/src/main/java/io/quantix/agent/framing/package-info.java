/**
 * The agent's wire framing as Netty pipeline handlers: {@link io.quantix.agent.framing.FrameEncoder}
 * and the incremental, resynchronising {@link io.quantix.agent.framing.FrameDecoder}.
 *
 * <p>A frame is the magic {@code 51 54 58 01}, a big-endian u32 payload length (1..16 MiB) and a
 * protobuf {@code AgentMessage}. Agents built before the magic was introduced send the legacy
 * framing (length and payload only); {@link io.quantix.agent.framing.FrameFormat#AUTO} detects it.
 */
package io.quantix.agent.framing;
