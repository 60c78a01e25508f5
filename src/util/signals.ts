/**
 * SIGINT/SIGTERM as an AbortSignal. Both shells stop a run the same way (abort, then clean up and
 * publish what was measured); they differ in what a second signal does and in what they tell the user.
 */

/** What the shell says and does when a signal arrives. */
export interface SignalHandling {
  /** Called on the signal that starts the stop (and, without `onRepeat`, on the other signal too). */
  onSignal(name: NodeJS.Signals): void;
  /**
   * Called instead when a signal arrives after the run was already aborted (a user pressing Ctrl-C
   * again on a terminal). When absent, each handler runs once and a repeat of the same signal falls
   * back to Node's default (the runner's cancellation escalates that way).
   */
  onRepeat?(name: NodeJS.Signals): void;
}

/** An abort signal fed by SIGINT/SIGTERM, and a way to remove the handlers. */
export interface SignalAbort {
  signal: AbortSignal;
  dispose(): void;
}

/** Installs SIGINT/SIGTERM handlers that abort the returned signal with `cancelled by <SIGNAL>`. */
export function abortOnSignals(handling: SignalHandling): SignalAbort {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (handling.onRepeat && controller.signal.aborted) {
      handling.onRepeat(name);
      return;
    }
    handling.onSignal(name);
    controller.abort(new Error(`cancelled by ${name}`));
  };
  const listen = handling.onRepeat ? process.on.bind(process) : process.once.bind(process);
  listen('SIGINT', onSignal);
  listen('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
