package io.quantix.agent.agentctl;

/** A failure agentctl itself detected, with its exit code and the line to print. */
final class CliError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliError(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliError(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A usage error (exit 2). */
  static CliError usage(String message) {
    return new CliError(ExitCodes.USAGE, message);
  }

  /** Any other failure (exit 1). */
  static CliError failure(String message) {
    return new CliError(ExitCodes.FAILURE, message);
  }

  int exitCode() {
    return exitCode;
  }
}
