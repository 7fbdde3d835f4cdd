/** What the source-health and soak gates see of the source environment's health. */
import type { HealthReport } from "../health.js";
import type { Gate, GateName, GatesInput } from "./model.js";
import { gate } from "./model.js";

/** What the health gates read. */
export type HealthInput = Pick<GatesInput, "health" | "source" | "target" | "release">;

/** Whether health is required: the source says so (promoting out of it) or the target does. */
function healthRequired(input: HealthInput): boolean {
  return input.source.requireHealth || input.target.requireHealth;
}

export type Seen = { kind: "unseen"; why: string } | { kind: "other"; release: string } | { kind: "seen"; report: HealthReport };

export function observe(input: HealthInput): Seen {
  const { health } = input;
  const env = input.source.name;
  if (health.status === "NotObserved") return { kind: "unseen", why: `${env} health is not observed` };
  if (health.status === "Unknown") return { kind: "unseen", why: `${env} health is Unknown${health.detail ? ` (${health.detail})` : ""}` };
  if (health.release === undefined) return { kind: "unseen", why: `${env} is ${health.status} but which release it runs is not known` };
  if (health.release !== input.release) return { kind: "other", release: health.release };
  return { kind: "seen", report: health };
}

export function unseen(input: HealthInput, name: GateName, why: string): Gate {
  return healthRequired(input)
    ? gate(name, "pending", `${why}; promoting ${input.source.name} → ${input.target.name} requires it`)
    : gate(name, "not-observed", `${why}; not required, does not block`);
}
