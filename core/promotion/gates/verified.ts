/**
 * The verified gate: where the pipeline step into the source environment has `verify`, the
 * release must be verified there (its golden signals held their bounds for `verify.duration`
 * after the rollout was Healthy). Pending while it is verifying or nothing was recorded yet (not
 * observed), failing when it failed verification there, naming the signal as the record says.
 * Records that cannot be read block: the gate never passes on what it did not see. For a
 * rollback, the release put back must not have failed verification in that environment.
 */
import { formatUtc } from "../../time.js";
import type { Gate, GateDefinition, GatesInput, SourceVerification } from "./model.js";
import { gate } from "./model.js";

/** What the record's description says after its prefix (`errorRate 0.2 > max 0.01 (baseline 0.001)`), or "" without one. */
function said(record: NonNullable<SourceVerification["record"]>): string {
  const text = record.description?.replace(/^[^:]*:\s*/, "").trim() ?? "";
  return text === "" ? "" : `: ${text}`;
}

function failed(v: SourceVerification, release: string): Gate {
  const r = v.record!;
  return gate(
    "verified",
    "fail",
    `release ${release} failed verification in ${v.environment} at ${formatUtc(r.at)}${said(r)}; a release that failed verification is never promoted or rolled back to again`,
  );
}

/** The gate for a rollback: the release put back has not failed verification in the environment. */
function rollbackGate(v: SourceVerification | undefined, release: string, env: string): Gate {
  if (!v) return gate("verified", "pass", `no verify on the pipeline step into ${env}`);
  if (v.unreadable) return gate("verified", "pending", `whether release ${release} failed verification in ${env} cannot be read: ${v.unreadable}`);
  if (v.record?.signal === "verify-failed") return failed(v, release);
  return gate("verified", "pass", `release ${release} has not failed verification in ${env}`);
}

export const verifiedGate: GateDefinition<"verification" | "source" | "target" | "release" | "rollback"> = {
  name: "verified",
  reads: ["verification", "source", "target", "release", "rollback"],
  evaluate(input: Pick<GatesInput, "verification" | "source" | "target" | "release" | "rollback">) {
    const { release } = input;
    const v = input.verification;
    if (input.rollback) return rollbackGate(v, release, input.target.name);
    const env = input.source.name;
    if (!v) return gate("verified", "pass", `no verify on the pipeline step into ${env}`);
    const bounds = `${Object.keys(v.verify.signals).sort().join(", ")} for ${v.verify.duration}`;
    if (v.unreadable) return gate("verified", "pending", `not observed: the verification of release ${release} in ${env} cannot be read (${v.unreadable})`);
    const r = v.record;
    if (!r) return gate("verified", "pending", `not observed: ${env} has recorded no verification of release ${release} yet (verify ${bounds})`);
    if (r.signal === "verify-failed") return failed(v, release);
    if (r.signal === "verifying")
      return gate("verified", "pending", `release ${release} is verifying in ${env} since ${formatUtc(r.at)}${said(r)} (verify ${bounds})`);
    return gate("verified", "pass", `release ${release} verified in ${env} at ${formatUtc(r.at)} (${bounds})`);
  },
};
