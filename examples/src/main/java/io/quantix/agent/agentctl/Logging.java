package io.quantix.agent.agentctl;

/**
 * slf4j-simple's level: warnings by default (from {@code simplelogger.properties}), debug with
 * {@code --verbose}. It must be set before the first logger exists, which is why agentctl
 * decides it right after parsing and before any SDK class runs.
 */
final class Logging {
  private static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
  private static final String NETTY_LEVEL = "org.slf4j.simpleLogger.log.io.netty";

  private Logging() {}

  static void configure(boolean verbose) {
    if (verbose) {
      System.setProperty(DEFAULT_LEVEL, "debug");
      System.setProperty(NETTY_LEVEL, "info");
    }
  }
}
