/** The observer switch (flows/status/observer-switch.ts): the cluster observer replaced when the platform's contexts change. */
import { describe, expect, it } from "vitest";
import type { ComponentHealth } from "../../../core/status/health.js";
import type { ComponentKey } from "../../../core/status/components.js";
import { ObserverSwitch, type RuntimeObserver } from "../../../flows/status/observer-switch.js";

const KEY: ComponentKey = { project: "shop", component: "api", environment: "dev" };

/** A hand-made observer of fixed contexts whose changes the test fires. */
function stubObserver(contexts: string[], health: Partial<ComponentHealth>): RuntimeObserver & { fire(context: string): void; stopped: boolean } {
  const listeners = new Set<(c: { context: string; key: ComponentKey }) => void>();
  const full: ComponentHealth = {
    status: "Healthy",
    message: "",
    releases: [],
    readyReplicas: 1,
    desiredReplicas: 1,
    workloads: [],
    reasons: [],
    warnings: [],
    ...health,
  };
  return {
    stopped: false,
    start() {
      return this as never;
    },
    async stop() {
      this.stopped = true;
    },
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    contexts: () => contexts,
    isSynced: () => true,
    health: () => full,
    snapshot: (context) => ({ context, deployments: [], statefulSets: [], replicaSets: [], pods: [], jobs: [], cronJobs: [], hpas: [], events: [], logs: {} }),
    fire(context) {
      for (const l of listeners) l({ context, key: KEY });
    },
  };
}

describe("ObserverSwitch", () => {
  it("forwards to the observer in use, keeps listeners across swaps and answers Unknown for contexts it does not observe", () => {
    const sw = new ObserverSwitch();
    const seen: string[] = [];
    sw.onChange((c) => seen.push(c.context));
    expect(sw.contexts()).toEqual([]);
    expect(sw.isSynced("kind-dev")).toBe(false);
    expect(sw.health("kind-dev", KEY)).toMatchObject({ status: "Unknown", message: "cluster context kind-dev is not observed" });
    expect(sw.snapshot("kind-dev")).toBeUndefined();

    const first = stubObserver(["kind-dev"], { status: "Progressing" });
    expect(sw.use(first)).toBeUndefined();
    first.fire("kind-dev");
    expect(sw.health("kind-dev", KEY).status).toBe("Progressing");
    expect(sw.isSynced("kind-dev")).toBe(true);
    expect(sw.isSynced("kind-prod")).toBe(false);

    const second = stubObserver(["kind-dev", "kind-prod"], { status: "Healthy" });
    expect(sw.use(second)).toBe(first);
    first.fire("kind-dev"); // the old observer is no longer listened to
    second.fire("kind-prod");
    expect(seen).toEqual(["kind-dev", "kind-prod"]);
    expect(sw.health("kind-prod", KEY).status).toBe("Healthy");
    expect(sw.snapshot("kind-prod")?.context).toBe("kind-prod");
  });
});
