package io.quantix.agent.client;

import java.time.Instant;

/**
 * One installed package or program.
 *
 * @param name package name
 * @param version version
 * @param publisher publisher or maintainer
 * @param installDate installation time, or null when unknown
 * @param sizeBytes installed size, 0 when unknown
 * @param packageType package system, e.g. deb, rpm, msi
 * @param architecture architecture
 */
public record InstalledSoftware(String name, String version, String publisher, Instant installDate,
    long sizeBytes, String packageType, String architecture) {}
