/** What the source-health and soak gates see of the source environment's health, and whether it must be seen. */
import type { HealthReport } from "../health.js";
import type { Gate, GateName, GatesInput } from "./model.js";
import { gate } from "./model.js";

/** What the health gates read. */
export type HealthInput = Pick<GatesInput, "health" | "source" | "target" | "release" | "step" | "rollback">;

/** Why health must be observed, or undefined when it need not be. */
export type Requirement = { readonly why: string; readonly relaxable: boolean } | undefined;

/**
 * Whether health is required (fail closed): an environment's `requireHealth: true` always demands it;
 * otherwise a promotion into a `production: true` environment, or along a step with `soak`, demands
 * it unless the pipeline step says `requireHealth: false`. A rollback never demands it.
 */
export function requirement(input: Pick<HealthInput, "source" | "target" | "step" | "rollback">): Requirement {
  const { source, target, step } = input;
  if (input.rollback) return undefined;
  if (source.requireHealth) return { why: `${source.name} sets requireHealth`, relaxable: false };
  if (target.requireHealth) return { why: `${target.name} sets requireHealth`, relaxable: false };
  if (step?.requireHealth === false) return undefined;
  if (step?.requireHealth === true) return { why: `the pipeline step sets requireHealth`, relaxable: true };
  if (target.production) return { why: `${target.name} is production`, relaxable: true };
  if (step?.soak) return { why: `the pipeline step has soak ${step.soak}`, relaxable: true };
  return undefined;
}

export type Seen = { kind: "unseen"; why: string } | { kind: "other"; release: string } | { kind: "seen"; report: HealthReport };

export function observe(input: Pick<GatesInput, "health" | "source" | "release">): Seen {
  const { health } = input;
  const env = input.source.name;
  if (health.status === "NotObserved") return { kind: "unseen", why: `${env} health is not observed` };
  if (health.status === "Unknown") return { kind: "unseen", why: `${env} health is Unknown${health.detail ? ` (${health.detail})` : ""}` };
  if (health.release === undefined) return { kind: "unseen", why: `${env} is ${health.status} but which release it runs is not known` };
  if (health.release !== input.release) return { kind: "other", release: health.release };
  return { kind: "seen", report: health };
}

/** The setting that lets an unobserved source pass along this step. */
export function relaxingSetting(input: Pick<GatesInput, "source" | "target">): string {
  return `\`requireHealth: false\` on the pipeline step from ${input.source.name} to ${input.target.name}`;
}

/** A health gate whose health is not seen: blocking when required, else reported as not observed. */
export function unseen(input: HealthInput, name: GateName, why: string): Gate {
  const required = requirement(input);
  if (!required) return gate(name, "not-observed", `${why}; not required, does not block`);
  const relax = required.relaxable ? `; ${relaxingSetting(input)} relaxes this` : "";
  return gate(name, "pending", `${why}; promoting ${input.source.name} → ${input.target.name} requires it (${required.why})${relax}`);
}
