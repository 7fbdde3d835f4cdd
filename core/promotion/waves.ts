/**
 * Waves: how a promotion into an environment on several clusters (`environments[].clusters`) lands,
 * one pull request per wave. Pure.
 *
 * {@link planWaves} reads what each cluster's folder holds (core/release/state.ts
 * `DeployedComponent.clusters`), each cluster's health (`HealthQuery.cluster`) and, where the step
 * has `verify`, each cluster's verification, and says what comes next: `open` the next wave (its
 * clusters), `wait` (which cluster, why, how long is left), `stop` (a cluster that took the release
 * is Degraded or failed its verification: named), or `done` (every cluster holds the release).
 *
 * The first wave opens on the source environment's gates as any promotion does; wave N > 1 opens
 * only after every cluster of wave N-1 runs the release Healthy (and verified, with `verify`) for
 * `waves.soak`. Nothing not observed counts as Healthy: an unobserved cluster makes the plan wait.
 */
import { z } from "zod";
import type { NamedCluster } from "../../renderers/model/index.js";
import { durationSeconds } from "../../renderers/model/index.js";
import { formatDuration, formatUtc } from "../time.js";
import type { HealthReport } from "./health.js";

/** One wave of an environment: its number (`wave`) and its clusters, sorted by name. */
export interface Wave {
  readonly wave: number;
  readonly clusters: readonly string[];
}

/** The waves of an environment's clusters, in order (`clustersOf` order); empty for an environment on one cluster. */
export function wavesOf(clusters: readonly Pick<NamedCluster, "name" | "wave">[]): Wave[] {
  const by = new Map<number, string[]>();
  for (const c of clusters) by.set(c.wave, [...(by.get(c.wave) ?? []), c.name]);
  return [...by.entries()].sort(([a], [b]) => a - b).map(([wave, names]) => ({ wave, clusters: [...names].sort() }));
}

/** The wave a cluster belongs to; undefined when the environment has no such cluster. */
export function waveOfCluster(clusters: readonly Pick<NamedCluster, "name" | "wave">[], cluster: string): Wave | undefined {
  return wavesOf(clusters).find((w) => w.clusters.includes(cluster));
}

/**
 * The clusters a rollback of an environment in several waves writes: those that took the release
 * it replaces, i.e. whose folder holds what the first wave's first cluster holds (a rollout reaches
 * it first, and the environment's history is kept there). The clusters of waves the rollout never
 * reached keep their folders. Undefined (every cluster) for an environment in one wave, or when the
 * first cluster holds no release.
 */
export function rollbackClusters(
  clusters: readonly Pick<NamedCluster, "name" | "wave">[],
  deployed: ReadonlyMap<string, string | undefined>,
): string[] | undefined {
  const waves = wavesOf(clusters);
  const lead = waves[0]?.clusters[0];
  const replaced = lead === undefined ? undefined : deployed.get(lead);
  if (waves.length < 2 || replaced === undefined) return undefined;
  return waves.flatMap((w) => w.clusters.filter((c) => deployed.get(c) === replaced));
}

/** A cluster's verification of the release, where the step has `verify`. */
export const ClusterVerification = z.union([
  z.strictObject({ signal: z.literal("verified"), at: z.date() }),
  z.strictObject({ signal: z.enum(["verifying", "failed", "none"]), detail: z.string().optional() }),
]);
export type ClusterVerification = z.infer<typeof ClusterVerification>;

/** What {@link planWaves} reads. */
export interface WavesInput {
  /** The target environment's clusters (`clustersOf(env)`). */
  readonly clusters: readonly Pick<NamedCluster, "name" | "wave">[];
  /** The release being promoted. */
  readonly release: string;
  /** The release each cluster's folder holds (`DeployedComponent.clusters`); a cluster not in it holds none. */
  readonly deployed: ReadonlyMap<string, string | undefined>;
  /** Each cluster's health (`HealthQuery.cluster`); a cluster not in it is not observed. */
  readonly health: ReadonlyMap<string, HealthReport>;
  /** Each cluster's verification, when the step has `verify`; undefined when it has none. */
  readonly verification?: ReadonlyMap<string, ClusterVerification>;
  /** `pipeline[].waves.soak` of the step. @default no soak: Healthy (and verified) is enough */
  readonly soak?: string;
  readonly now: Date;
}

/** What comes next in a wave-by-wave promotion. */
export type WaveDecision =
  /** Open (or keep open) the promotion of `wave`: it writes only these clusters' folders. */
  | { readonly kind: "open"; readonly wave: Wave; readonly reason: string }
  /** Wait on `cluster` of wave `wave` (the previous one); `remainingSeconds` when the soak is what is left. */
  | { readonly kind: "wait"; readonly wave: Wave; readonly cluster: string; readonly reason: string; readonly remainingSeconds?: number }
  /** The rollout stops: `cluster` (of `wave`), which took the release, is Degraded or failed its verification. */
  | { readonly kind: "stop"; readonly wave: Wave; readonly cluster: string; readonly reason: string }
  /** Every cluster holds the release. */
  | { readonly kind: "done"; readonly reason: string };

/** Why a cluster that took the release stops the rollout; undefined when it does not. */
function failure(input: WavesInput, cluster: string): string | undefined {
  const h = input.health.get(cluster);
  if (h?.status === "Degraded" && (h.release === undefined || h.release === input.release)) {
    return `${cluster} is Degraded${h.detail ? ` (${h.detail})` : ""} on ${input.release}`;
  }
  const v = input.verification?.get(cluster);
  if (v?.signal === "failed") return `${input.release} failed its verification in ${cluster}${"detail" in v && v.detail ? `: ${v.detail}` : ""}`;
  return undefined;
}

/** Whether a cluster of the previous wave is through: undefined when it is, else why not and how long is left. */
function pending(input: WavesInput, cluster: string): { reason: string; remainingSeconds?: number } | undefined {
  const h = input.health.get(cluster);
  if (!h || h.status === "NotObserved") return { reason: `${cluster}'s health is not observed${h?.detail ? ` (${h.detail})` : ""}` };
  if (h.release !== undefined && h.release !== input.release) return { reason: `${cluster} still runs ${h.release}` };
  if (h.status !== "Healthy") return { reason: `${cluster} is ${h.status}${h.detail ? ` (${h.detail})` : ""}` };
  if (h.release === undefined) return { reason: `which release ${cluster} runs is not observed` };
  let since = h.healthySince;
  let what = "Healthy";
  if (input.verification) {
    const v = input.verification.get(cluster);
    if (!v || v.signal !== "verified") return { reason: `${input.release} is not verified in ${cluster} yet${v ? ` (${v.signal})` : ""}` };
    since = v.at;
    what = "verified";
  }
  const need = input.soak ? durationSeconds(input.soak) : 0;
  if (need === 0) return undefined;
  if (!since) return { reason: `since when ${cluster} is ${what} is not known` };
  const have = Math.max(0, Math.floor((input.now.getTime() - since.getTime()) / 1000));
  if (have >= need) return undefined;
  return {
    reason: `${cluster} is ${what} for ${formatDuration(have)} of ${input.soak}; holds from ${formatUtc(new Date(since.getTime() + need * 1000))}`,
    remainingSeconds: need - have,
  };
}

/**
 * The next step of a wave-by-wave promotion of `input.release` (module comment). A cluster that
 * took the release and is Degraded (on it) or failed its verification stops the rollout, whichever
 * wave it is in; otherwise the first wave whose clusters do not all hold the release opens when it
 * is the first wave, or when every cluster of the wave before it is through its soak.
 */
export function planWaves(input: WavesInput): WaveDecision {
  const waves = wavesOf(input.clusters);
  const holds = (c: string) => input.deployed.get(c) === input.release;
  for (const w of waves) {
    for (const c of w.clusters.filter(holds)) {
      const why = failure(input, c);
      if (why) return { kind: "stop", wave: w, cluster: c, reason: `the rollout of ${input.release} stops at wave ${w.wave}: ${why}` };
    }
  }
  const index = waves.findIndex((w) => !w.clusters.every(holds));
  if (index < 0) return { kind: "done", reason: `every cluster holds ${input.release}` };
  const next = waves[index]!;
  if (index === 0) return { kind: "open", wave: next, reason: `wave ${next.wave} (${next.clusters.join(", ")}) is the first` };
  const previous = waves[index - 1]!;
  for (const c of previous.clusters) {
    const p = pending(input, c);
    if (p) return { kind: "wait", wave: previous, cluster: c, ...p, reason: `wave ${next.wave} waits on wave ${previous.wave}: ${p.reason}` };
  }
  const soak = input.soak ? ` for ${input.soak}` : "";
  return {
    kind: "open",
    wave: next,
    reason: `wave ${previous.wave} (${previous.clusters.join(", ")}) runs ${input.release} ${input.verification ? "verified" : "Healthy"}${soak}`,
  };
}
