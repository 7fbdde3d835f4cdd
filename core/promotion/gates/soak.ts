/**
 * The soak gate: the release has been in the source environment for the pipeline step's soak time,
 * counted from when it was verified there where the step into it has `verify` (the durable
 * `Verified:` record; not before), elsewhere from when it became Healthy there when cluster
 * status says so, else from when it landed there (its GitOps commit), whether or not clusters are
 * observed.
 */
import { durationSeconds } from "../../../renderers/model/index.js";
import { formatDuration, formatUtc } from "../../time.js";
import type { Gate, GateDefinition, GatesInput, SourceVerification } from "./model.js";
import { gate } from "./model.js";
import { observe, unseen } from "./observed-health.js";

/** Seconds between `since` and now, and the soak's seconds. */
function elapsed(input: Pick<GatesInput, "now">, since: Date, soak: string): { have: number; need: number; holdsFrom: string } {
  const need = durationSeconds(soak);
  const have = Math.max(0, Math.floor((input.now.getTime() - since.getTime()) / 1000));
  return { have, need, holdsFrom: formatUtc(new Date(since.getTime() + need * 1000)) };
}

/** The soak counted from when the release became Healthy in the source environment. */
function sinceHealthy(input: Pick<GatesInput, "source" | "now">, since: Date, soak: string): Gate {
  const env = input.source.name;
  const { have, need, holdsFrom } = elapsed(input, since, soak);
  if (have >= need) return gate("soak", "pass", `Healthy in ${env} for ${formatDuration(have)} (soak ${soak})`);
  return gate("soak", "pending", `Healthy in ${env} for ${formatDuration(have)} of ${soak}; holds from ${holdsFrom}`);
}

/** The soak counted from when the release landed in the source environment (its GitOps commit); `why` says why not from health. */
function sinceLanded(input: Pick<GatesInput, "source" | "now">, landedAt: Date, soak: string, why: string): Gate {
  const landed = `landed in ${input.source.name} at ${formatUtc(landedAt)}`;
  const { have, need, holdsFrom } = elapsed(input, landedAt, soak);
  if (have >= need) return gate("soak", "pass", `${landed}, ${formatDuration(have)} ago (soak ${soak}; counted from the landing: ${why})`);
  const left = Math.ceil((need - have) / 60);
  return gate(
    "soak",
    "pending",
    `soak ${soak} has ${left} minute${left === 1 ? "" : "s"} left: ${landed}, ${formatDuration(have)} ago (counted from the landing: ${why}); holds from ${holdsFrom}`,
  );
}

/** The soak counted from when the release was verified in the source environment (where the step into it has `verify`). */
function sinceVerified(input: Pick<GatesInput, "source" | "release" | "now">, v: SourceVerification, soak: string): Gate {
  const env = input.source.name;
  const r = v.record;
  if (v.unreadable || !r)
    return gate("soak", "pending", `soak ${soak} counts from when ${input.release} is verified in ${env}; no verification is recorded yet`);
  if (r.signal !== "verified") return gate("soak", "pending", `soak ${soak} counts from when ${input.release} is verified in ${env}; it is ${r.signal}`);
  const { have, need, holdsFrom } = elapsed(input, r.at, soak);
  if (have >= need) return gate("soak", "pass", `verified in ${env} for ${formatDuration(have)} (soak ${soak})`);
  return gate("soak", "pending", `verified in ${env} for ${formatDuration(have)} of ${soak}; holds from ${holdsFrom}`);
}

export const soakGate: GateDefinition<"step" | "health" | "source" | "target" | "release" | "landedAt" | "rollback" | "verification" | "now"> = {
  name: "soak",
  reads: ["step", "health", "source", "target", "release", "landedAt", "rollback", "verification", "now"],
  evaluate(input) {
    const env = input.source.name;
    const soak = input.step?.soak;
    if (!soak) return gate("soak", "pass", `no soak time for ${env} → ${input.target.name}`);
    if (input.verification && !input.rollback) return sinceVerified(input, input.verification, soak);
    const seen = observe(input);
    if (seen.kind === "unseen") {
      if (input.landedAt) return sinceLanded(input, input.landedAt, soak, seen.why);
      return unseen(input, "soak", `soak ${soak} cannot be measured: ${seen.why} and when ${input.release} landed there is not known`);
    }
    if (seen.kind === "other") return gate("soak", "pending", `soak ${soak} counts once ${env} runs ${input.release}; it runs ${seen.release}`);
    const { status, healthySince } = seen.report;
    if (status !== "Healthy") return gate("soak", "pending", `soak ${soak} starts when ${env} is Healthy; it is ${status}`);
    if (healthySince) return sinceHealthy(input, healthySince, soak);
    if (input.landedAt) return sinceLanded(input, input.landedAt, soak, `since when ${env} is Healthy is not known`);
    return unseen(input, "soak", `soak ${soak} cannot be measured: since when ${env} is Healthy is not known`);
  },
};
