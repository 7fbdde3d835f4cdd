/**
 * Stopping the app cleanly: what `createFerryApp` starts (the periodic gates pass, the cluster
 * runtime's watches) registers how to stop it here; `npm start` runs the stops on SIGTERM or
 * SIGINT before the process exits, so no watch or timer outlives the app.
 */

/** One thing to stop, named for the log. */
export interface StopStep {
  readonly name: string;
  readonly stop: () => void | Promise<void>;
}

/** Stop steps, run newest first (the reverse of starting); every step runs even when one fails. */
export class Shutdown {
  private readonly steps: StopStep[] = [];
  private running: Promise<Error[]> | undefined;

  add(name: string, stop: StopStep["stop"]): void {
    this.steps.push({ name, stop });
  }

  /** Runs every step once (later calls get the same outcome); resolves with the failures. */
  run(): Promise<Error[]> {
    this.running ??= (async () => {
      const failures: Error[] = [];
      for (const step of [...this.steps].reverse()) {
        try {
          await step.stop();
        } catch (e) {
          failures.push(new Error(`stopping ${step.name} failed: ${e instanceof Error ? e.message : String(e)}`));
        }
      }
      return failures;
    })();
    return this.running;
  }
}

/** What `onSignals` needs of the process. */
export interface SignalSource {
  once(signal: "SIGTERM" | "SIGINT", listener: () => void): unknown;
}

/** Runs `shutdown` on the first SIGTERM or SIGINT, then calls `exit` (0, or 1 when a step failed). */
export function onSignals(shutdown: Shutdown, exit: (code: number) => void, source: SignalSource = process, report: (e: Error) => void = console.error): void {
  const stop = () => {
    void shutdown.run().then((failures) => {
      failures.forEach(report);
      exit(failures.length > 0 ? 1 : 0);
    });
  };
  source.once("SIGTERM", stop);
  source.once("SIGINT", stop);
}
