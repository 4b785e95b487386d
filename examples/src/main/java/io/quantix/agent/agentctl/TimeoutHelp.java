package io.quantix.agent.agentctl;

/**
 * A command that says what {@code --timeout} means for it: the global option bounds different
 * things (a request, a transfer, the guest's limit for a command, the wait for states to settle),
 * so each command's help shows its own meaning.
 */
interface TimeoutHelp {
  /** What --timeout means for a request to the agent, unless a command says otherwise. */
  String REQUEST = "deadline of the request, connecting included, e.g. 5s, 500ms, 2m (default 30s)";

  /** What --timeout means for this command (one sentence, no trailing period). */
  String timeoutHelp();
}
