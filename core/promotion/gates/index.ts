/**
 * The gates of a promotion pull request (`Ferry / gates`): policies, approvals, source health,
 * verified (where the step into the source has `verify`), soak time, change window, freeze and the earlier waves of a
 * target on several clusters (`wave`), one module each (gates/<name>.ts) registered in {@link GATES}.
 * Pure: reviews, team membership, health and the clock are inputs, parsed once by the caller
 * (`GatesInput.parse`).
 *
 * Gate states:
 * - `pass`: the gate holds.
 * - `fail`: it does not, and waiting will not help (a policy error, changes requested, the source
 *   environment degraded or running another release).
 * - `pending`: it does not hold yet and may by waiting or by people acting (approvals missing,
 *   soak time not elapsed, window closed, source still progressing, health required but not
 *   observed yet).
 * - `not-observed`: Ferry cannot see the source environment's health and the promotion does not
 *   require it; reported, not blocking.
 *
 * Health fails closed: an unobserved source blocks (`pending`) a promotion into a
 * `production: true` environment or along a pipeline step with `soak`, unless that step says
 * `requireHealth: false`; an environment's `requireHealth: true` demands it whatever the step says.
 * Soak counts from when the release was verified in the source environment where the step into
 * it has `verify`; elsewhere from when it became Healthy there when that is seen, else from when
 * it landed there (its GitOps commit), so an unobserved cluster never skips it.
 *
 * Conclusion of the check run: `failure` when a gate fails, else `action_required` when one is
 * pending, else `neutral` when one is not observed, else `success`. Branch protection treats
 * `success` and `neutral` as passing, so a person may merge when nothing blocks. Ferry
 * auto-merges (`autoMergeAllowed`) on the same terms: every gate passes or is not observed, and
 * a gate is only ever `not-observed` when the promotion does not require health.
 *
 * Reviews (decided here; GitHub's REST review objects are accepted as they come):
 * - Per reviewer (logins compared case-insensitively) the latest of their APPROVED,
 *   CHANGES_REQUESTED and DISMISSED reviews is their verdict; COMMENTED reviews do not change it
 *   (as on GitHub), PENDING (unsubmitted) ones are ignored. A dismissed latest review leaves no
 *   verdict.
 * - An approval counts only when it was given on the pull request's current head commit: a
 *   promotion PR updated to a newer release must be approved again. A request for changes
 *   blocks whatever commit it was given on, until that reviewer approves or it is dismissed.
 * - The pull request's author, and anyone in `nonApprovers` (who asked for the promotion, as
 *   Ferry's sealed commits say), cannot approve it; nor can anyone in `pushers` (GitHub names them
 *   on a commit of the branch Ferry did not seal), nor a bot (user type `Bot` or a `[bot]` login).
 * - Only reviewers with at least `write` on the GitOps repository (`permissions`, GitHub's rule
 *   for required reviews) count; a request for changes from a role known to be below is ignored.
 * - With `approvals.teams`, only approvals by members of one of those teams count (team names
 *   compared by slug: `acme/sre` and `sre` are the same team).
 */
import type { Environment } from "../../../renderers/model/index.js";
import { approvalsGate } from "./approvals.js";
import { freezeGate } from "./freeze.js";
import type { Gate, GateConclusion, GateDefinition, GateName, GatesInput } from "./model.js";
import { GATE_NAMES } from "./model.js";
import { policiesGate } from "./policies.js";
import { soakGate } from "./soak.js";
import { sourceHealthGate } from "./source-health.js";
import { verifiedGate } from "./verified.js";
import { waveGate } from "./wave.js";
import { windowGate } from "./window.js";

export { EarlierWaves, GATE_NAMES, GatesInput, Review, SourceVerification } from "./model.js";
export type { Gate, GateConclusion, GateDefinition, GateName, GateState } from "./model.js";

/** The check run on promotion pull requests that reports the gates; branch protection requires it. */
export const GATES_CHECK = "Ferry / gates";

/** Every gate's module; each names its gate (a name of {@link GATE_NAMES}, which gives their order). */
const DEFINITIONS: readonly GateDefinition[] = [policiesGate, approvalsGate, sourceHealthGate, verifiedGate, soakGate, windowGate, freezeGate, waveGate];

/** Every gate, by its own name: a new gate is a module of gates/ listed in DEFINITIONS, its name added to {@link GATE_NAMES}. */
export const GATES: { readonly [N in GateName]: GateDefinition } = gatesByName(DEFINITIONS);

function gatesByName(definitions: readonly GateDefinition[]): { readonly [N in GateName]: GateDefinition } {
  const byName = new Map(definitions.map((g) => [g.name, g]));
  const missing = GATE_NAMES.filter((name) => !byName.has(name));
  if (missing.length > 0 || byName.size !== definitions.length) throw new Error(`gates: no single module for ${missing.join(", ") || "a gate named twice"}`);
  return Object.fromEntries(GATE_NAMES.map((name) => [name, byName.get(name)!])) as { readonly [N in GateName]: GateDefinition };
}

/** The gates and the check run conclusion they give. */
export interface GatesResult {
  readonly conclusion: GateConclusion;
  readonly gates: readonly Gate[];
  readonly release: string;
  readonly from: string;
  readonly to: string;
}

/** The conclusion a set of gates gives (see the module comment). */
export function conclude(gates: readonly Gate[]): GateConclusion {
  if (gates.some((g) => g.state === "fail")) return "failure";
  if (gates.some((g) => g.state === "pending")) return "action_required";
  if (gates.some((g) => g.state === "not-observed")) return "neutral";
  return "success";
}

/** Evaluates every gate of a promotion, in the order of {@link GATE_NAMES}. */
export function evaluateGates(input: GatesInput): GatesResult {
  const gates = GATE_NAMES.map((name) => GATES[name].evaluate(input));
  return { conclusion: conclude(gates), gates, release: input.release, from: input.source.name, to: input.target.name };
}

/**
 * Whether Ferry may merge the pull request by itself: the target allows it and every gate passes
 * or is not observed (health the promotion does not demand does not block; see the module comment).
 */
export function autoMergeAllowed(env: Pick<Environment, "autoMerge">, result: Pick<GatesResult, "gates">): boolean {
  return env.autoMerge && result.gates.length > 0 && result.gates.every((g) => g.state === "pass" || g.state === "not-observed");
}
