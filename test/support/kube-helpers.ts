/** Shared helpers of the cluster tests: a bounded condition poll and observer wiring to a fake. */
import { ClusterObserver, type ClusterObserverOptions, type ObserverError } from "../../adapters/kube/observer.js";
import type { FakeKube } from "./fake-kube/index.js";

/**
 * Polls `check` (awaited, so an async check waits too) until it gives a value other than
 * undefined/false, or fails after `attempts` polls with `what` and the last value seen. A bound,
 * not a timing assertion.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  attempts = 1500,
  intervalMs = 10,
): Promise<T> {
  let last: T | undefined | false = undefined;
  for (let i = 0; i < attempts; i++) {
    last = await check();
    if (last !== undefined && last !== false) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`gave up waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** An observer of `contexts` in the fake's kubeconfig with a fast sleep, recording sleeps and errors. */
export function observe(
  fake: FakeKube,
  contexts: string[] = ["dev"],
  extra: Partial<ClusterObserverOptions> = {},
): { observer: ClusterObserver; sleeps: number[]; errors: ObserverError[] } {
  const sleeps: number[] = [];
  const errors: ObserverError[] = [];
  const observer = new ClusterObserver({
    contexts,
    kubeConfig: { kind: "yaml", yaml: fake.kubeconfig(contexts) },
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((r) => setTimeout(r, 2));
    },
    onError: (e) => errors.push(e),
    ...extra,
  });
  return { observer, sleeps, errors };
}
