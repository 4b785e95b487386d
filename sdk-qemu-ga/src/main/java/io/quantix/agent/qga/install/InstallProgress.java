package io.quantix.agent.qga.install;

/**
 * Told when each {@link InstallStep} is done, on the SDK's callback threads.
 *
 * <pre>{@code
 * InstallProgress print = (step, detail) -> System.err.println(step + " " + detail);
 * }</pre>
 */
@FunctionalInterface
public interface InstallProgress {
  /** Ignores every step. */
  InstallProgress NONE = (step, detail) -> { };

  /**
   * @param step the step just done
   * @param detail a short text (bytes pushed, label, version...)
   */
  void onStep(InstallStep step, String detail);
}
