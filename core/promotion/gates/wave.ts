/**
 * The wave gate: a pull request that lands wave N > 1 of a target on several clusters
 * (core/promotion/waves.ts) holds while any cluster of an earlier wave does not run the release
 * Healthy (and verified, where the step has `verify`) for the step's `waves.soak`. The earlier
 * waves are judged as `planWaves` judges them when it opens a wave, on what is read at the judged
 * head: a cluster of an earlier wave that took the release and is Degraded on it, or failed its
 * verification, fails the gate naming it; one not observed, not Healthy yet, not verified yet or
 * within its soak holds it (pending); an earlier wave whose clusters do not all hold the release
 * holds it too. So a wave 1 that degrades while wave 2 waits for approvals keeps wave 2 from
 * merging. Passes for the first wave, a target not promoted in waves, and a rollback (it writes
 * only the clusters that took the release it replaces).
 */
import { clustersOf } from "../../../renderers/model/index.js";
import type { NamedCluster } from "../../../renderers/model/index.js";
import { planWaves, wavesOf } from "../waves.js";
import type { GateDefinition, GatesInput } from "./model.js";
import { gate } from "./model.js";

type WaveInput = Pick<GatesInput, "waves" | "target" | "step" | "release" | "rollback" | "now">;

function evaluateWave(input: WaveInput) {
  const env = input.target.name;
  const all = clustersOf(input.target);
  const waves = wavesOf(all);
  if (input.rollback) return gate("wave", "pass", `a rollback of ${env} writes only the clusters that took the release it replaces`);
  const w = input.waves;
  if (!w || waves.length < 2) return gate("wave", "pass", `${env} is not promoted in waves`);
  const first = waves[0]!;
  if (w.wave <= first.wave) return gate("wave", "pass", `wave ${w.wave} (${first.clusters.join(", ")}) is the first of ${env}`);
  const verify = input.step?.verify !== undefined;
  if (verify && !w.verification)
    return gate("wave", "pending", `the verification of ${input.release} in the clusters of the earlier waves of ${env} was not read`);
  // Judged as planWaves judges opening this wave: the clusters of this wave and the ones before it.
  const upTo: Pick<NamedCluster, "name" | "wave">[] = all.filter((c) => c.wave <= w.wave);
  const plan = planWaves({
    clusters: upTo,
    release: input.release,
    deployed: new Map(Object.entries(w.deployed)),
    health: new Map(Object.entries(w.health)),
    ...(verify && w.verification ? { verification: new Map(Object.entries(w.verification)) } : {}),
    ...(input.step?.waves?.soak ? { soak: input.step.waves.soak } : {}),
    now: input.now,
  });
  switch (plan.kind) {
    case "stop":
      return gate("wave", "fail", `${plan.reason}; no later wave lands while it does (fix ${plan.cluster}, or roll back with \`/ferry rollback ${env}\`)`);
    case "wait":
      return gate("wave", "pending", plan.reason);
    case "open":
      if (plan.wave.wave === w.wave) return gate("wave", "pass", plan.reason);
      return gate("wave", "pending", `wave ${w.wave} waits on wave ${plan.wave.wave} (${plan.wave.clusters.join(", ")}): it does not hold ${input.release}`);
    case "done":
      return gate("wave", "pass", plan.reason);
  }
}

export const waveGate: GateDefinition<"waves" | "target" | "step" | "release" | "rollback" | "now"> = {
  name: "wave",
  reads: ["waves", "target", "step", "release", "rollback", "now"],
  evaluate: evaluateWave,
};
