package io.quantix.agent.client;

/**
 * The display mode the guest reports after a resize.
 *
 * @param width width in pixels
 * @param height height in pixels
 */
public record DisplaySize(int width, int height) {}
