/**
 * The agent's wire framing as Netty pipeline handlers: {@link io.quantix.agent.framing.FrameEncoder}
 * and the incremental, resynchronising {@link io.quantix.agent.framing.FrameDecoder}.
 *
 * <p>A frame is the magic {@code 51 54 58 01}, a big-endian u32 payload length (1..16 MiB) and a
 * protobuf {@code AgentMessage}. Agents built before the magic was introduced send the legacy
 * framing (length and payload only); {@link io.quantix.agent.framing.FrameFormat#AUTO} detects it.
 *
 * <h2>Frames cut short</h2>
 *
 * <p>A truncated frame (the sender stopped mid-frame, say the agent restarted, then went on with new
 * frames) costs at most the frame it ran into, and does not hold up the frames after it. Evidence
 * that a frame was cut short is a complete frame that parses and validates, behind a magic of its
 * own, within the cut frame's declared length; the frame is then dropped up to that magic.
 *
 * <ul>
 *   <li>A sender that stops mid-frame pauses before it writes again, and the host reads what it was
 *       sent, so its next frame starts a read: where a read adds to an incomplete frame, a magic at
 *       its start is looked at as soon as the frame behind it is complete.
 *   <li>A frame not found right where a frame that parsed ended (the first of the stream, or one
 *       found by skipping or dropping bytes) is searched whole as its bytes arrive: it may be a
 *       false magic in garbage.
 *   <li>A frame that parses but is followed by bytes that do not start a frame is searched whole.
 *   <li>A frame that does not parse is dropped up to the next magic inside it; at end of stream, a
 *       frame that can never complete is searched, then dropped the same way.
 * </ul>
 *
 * <p>Not caught: a frame that followed a good frame, was cut with its continuation arriving in the
 * same read as its start (the host was not reading while the sender restarted), has its declared
 * length filled exactly up to a frame boundary or the end of a read, and still parses. Searching
 * every frame would catch that too, at about twice the decoding cost of large frames. A payload that
 * really carries a whole valid frame (a file of captured agent traffic, say) is dropped when searched.
 *
 * <p>Where the agent drops the whole declared length of a frame that fails to parse, the decoder
 * drops only up to the next magic in it. Frames that parse but fail validation (no payload, a bad
 * message_id) are dropped whole. Only bytes outside any frame count towards the 64 KiB resync limit.
 */
package io.quantix.agent.framing;
