/**
 * Planning a reconcile pass: from what GitHub and git say now (no memory of events), which
 * repairs bring Ferry's state back to what the events would have made of it. Pure.
 *
 * - release: a component's release at the head of its app repository's default branch is
 *   missing from one of the pipeline's first environments (and its build check, when it waits
 *   for one, succeeded), with no open release pull request carrying it, and that environment
 *   never ran it (a rollback is not undone) nor declined it (a closed release pull request);
 * - promotion: a release an environment runs is missing from a next environment of the
 *   pipeline, with no open promotion pull request carrying it, never ran there and was never
 *   declined there;
 * - gates-check: an open promotion pull request has no `Ferry / gates` check on its head;
 * - rollout-watch: a Ferry deployment still `in_progress` whose environment runs its release;
 * - redelivery: a webhook delivery GitHub recorded as failed in the last 24 hours and not
 *   delivered successfully since (same guid);
 * - preview-removal: a preview environment whose pull request is closed or gone, or that had no
 *   push for the platform's `previews.ttl`.
 * - preview-status: a live preview environment of an open pull request, whose rollout the preview
 *   comment shows (read again each pass).
 *
 * The gathering (operations/reconcile.ts) reads only what the candidates need; the app executes
 * the plan with its flows, `ferry reconcile --dry-run` prints it.
 */
import { catalogKey } from "../../renderers/apps.js";
import type { Platform } from "../../renderers/model/index.js";
import { findEnvironment, firstEnvironments } from "../../renderers/platform.js";
import { nextEnvironments } from "../promotion/pipeline.js";
import { wavesOf } from "../promotion/waves.js";
import { promotionBranch } from "../promotion/body.js";
import { clustersOf } from "../../renderers/model/index.js";
import { publishMode } from "../release/plan.js";
import type { PublishMode } from "../release/plan.js";
import { durationSeconds } from "../../renderers/model/index.js";
import { expiresAt } from "../preview-env/records.js";
import type { PreviewRecord } from "../preview-env/records.js";

/** How far back failed deliveries are redelivered. */
export const REDELIVERY_WINDOW_MS = 24 * 3600_000;

/** The kinds of repair a pass makes, in the order it makes them. */
export const REPAIR_KINDS = ["release", "promotion", "gates-check", "rollout-watch", "redelivery", "preview-removal", "preview-status"] as const;
export type RepairKind = (typeof REPAIR_KINDS)[number];

/** Which release each component runs in one environment (`project/component` → release id, undefined when unlabelled). */
export type EnvironmentReleases = ReadonlyMap<string, string | undefined>;

/** One component declared at the head of an app repository's default branch. */
export interface DeclaredComponent {
  readonly project: string;
  readonly component: string;
  /** The release id the head cuts. */
  readonly release: string;
  /** `build.waitForCheck`, when it waits for a build. */
  readonly waitForCheck?: string;
}

/** An app repository at the head of its default branch. */
export interface AppHead {
  /** `owner/name` */
  readonly repo: string;
  readonly sha: string;
  readonly components: readonly DeclaredComponent[];
  /** Names of the check runs that succeeded on the head (for `build.waitForCheck`). */
  readonly succeededChecks: readonly string[];
}

/** A Ferry pull request (release or promotion branch) as the planner needs it. */
export interface FerryPull {
  readonly number: number;
  readonly state: "open" | "closed";
  readonly merged: boolean;
  /** The release it carries (undefined when it cannot be told). */
  readonly release: string | undefined;
}

/** A component missing its release from an environment, before the pull requests and history are read. */
export interface Candidate {
  readonly kind: "release" | "promotion";
  readonly project: string;
  readonly component: string;
  readonly release: string;
  /** The environment it is missing from. */
  readonly environment: string;
  /** Release: the app repository; promotion: the GitOps repository of the target. */
  readonly repo: string;
  /** Release: the app commit; promotion: undefined. */
  readonly sha?: string;
  /** Promotion: the environment it runs in. */
  readonly from?: string;
  /** Release: how it reaches the environment. */
  readonly mode?: PublishMode;
  /** Release: the build check it waits for, when it waits and that check has not succeeded. */
  readonly waitingFor?: string;
  /** Release: the build check to release with, when it waited for one that succeeded. */
  readonly check?: string;
  /** The branch of its Ferry pull request (release or promotion branch; a wave's, for a target promoted wave by wave). */
  readonly branch: string;
  /** Promotion into an environment on several clusters: some of its clusters hold the release already (a wave-by-wave rollout under way). */
  readonly partial?: boolean;
}

/** What each cluster's folder of an environment on several clusters holds, by `project/component`. */
export type ClusterReleases = ReadonlyMap<string, ReadonlyMap<string, string | undefined>>;

/** What the gathering found about a candidate. */
export interface CandidateFacts {
  readonly candidate: Candidate;
  /** Whether the environment ran this release before (its history says so). */
  readonly ranBefore: boolean;
  /** Ferry pull requests of the candidate's branch, open and closed. */
  readonly pulls: readonly FerryPull[];
}

/** An open promotion pull request. */
export interface OpenPromotion {
  readonly repo: string;
  readonly number: number;
  readonly headSha: string;
  readonly project: string;
  readonly component: string;
  readonly environment: string;
  readonly release: string | undefined;
  /** Whether a `Ferry / gates` check run exists on the head. */
  readonly hasGatesCheck: boolean;
}

/** A Ferry deployment whose newest status is `in_progress`. */
export interface RunningDeployment {
  /** The app repository. */
  readonly repo: string;
  readonly id: number;
  readonly sha: string;
  readonly environment: string;
  readonly project: string;
  readonly component: string;
  readonly release: string;
  /** `owner/name` of the GitOps repository, from the payload. */
  readonly gitops: string | undefined;
  /** The pull request whose status comment reports the rollout (from the newest status's `log_url`), if any. */
  readonly pull?: { readonly repo: string; readonly number: number; readonly url: string };
}

/** A webhook delivery GitHub recorded. */
export interface RecordedDelivery {
  readonly id: number;
  readonly guid: string;
  readonly event: string;
  readonly action: string | null;
  readonly deliveredAt: Date;
  /** 2xx: delivered. */
  readonly statusCode: number;
  readonly status: string;
}

/** A preview environment the `from` environment's GitOps target holds, and its pull request's state. */
export interface PreviewFacts {
  /** The `from` environment. */
  readonly environment: string;
  readonly record: PreviewRecord;
  /** The pull request: open, closed (or merged), gone (404); undefined when it could not be read. */
  readonly pull: "open" | "closed" | "gone" | undefined;
}

/** Everything a pass knows. */
export interface ReconcileFacts {
  readonly platform: Platform;
  /** Environment name → what it runs. */
  readonly environments: ReadonlyMap<string, EnvironmentReleases>;
  readonly candidates: readonly CandidateFacts[];
  readonly openPromotions: readonly OpenPromotion[];
  readonly deployments: readonly RunningDeployment[];
  readonly deliveries: readonly RecordedDelivery[];
  /** The preview environments, where the platform has previews. @default none */
  readonly previews?: readonly PreviewFacts[];
  readonly now: Date;
}

/** One repair of a plan. */
export type Repair =
  | {
      readonly kind: "release";
      readonly repo: string;
      readonly sha: string;
      readonly component: string;
      readonly environment: string;
      readonly release: string;
      /** The build check to release with; undefined: as a push does. */
      readonly check?: string;
      readonly reason: string;
    }
  | {
      readonly kind: "promotion";
      readonly repo: string;
      readonly component: string;
      readonly from: string;
      readonly environment: string;
      readonly release: string;
      readonly reason: string;
    }
  | {
      readonly kind: "gates-check";
      readonly repo: string;
      readonly pull: number;
      readonly component: string;
      readonly environment: string;
      readonly release: string | undefined;
      readonly reason: string;
    }
  | {
      readonly kind: "rollout-watch";
      readonly repo: string;
      readonly deployment: number;
      readonly sha: string;
      readonly component: string;
      readonly environment: string;
      readonly release: string;
      readonly gitops: string | undefined;
      /** The pull request whose status comment reports the rollout, if any: the watch goes on reporting there. */
      readonly pull?: RunningDeployment["pull"];
      readonly reason: string;
    }
  | { readonly kind: "redelivery"; readonly delivery: number; readonly guid: string; readonly event: string; readonly reason: string }
  | {
      readonly kind: "preview-removal";
      /** The app repository of the pull request. */
      readonly repo: string;
      readonly pull: number;
      /** The `from` environment whose GitOps target holds the preview. */
      readonly environment: string;
      readonly reason: string;
    }
  | {
      /** A live preview of an open pull request: its rollout read again into the preview comment (edited only when it changes). */
      readonly kind: "preview-status";
      readonly repo: string;
      readonly pull: number;
      readonly environment: string;
      readonly reason: string;
    };

/** Something the pass saw and left alone on purpose, with why. */
export interface Deferred {
  readonly component: string;
  readonly environment: string;
  readonly release: string;
  readonly reason: string;
}

/** A pass's plan. */
export interface ReconcilePlan {
  readonly repairs: readonly Repair[];
  readonly deferred: readonly Deferred[];
}

const name = (c: { readonly project: string; readonly component: string }) => catalogKey(c.project, c.component);

/** Candidates for the release repair: components of app heads missing from the pipeline's first environments. */
export function releaseCandidates(platform: Platform, apps: readonly AppHead[], environments: ReadonlyMap<string, EnvironmentReleases>): Candidate[] {
  const out: Candidate[] = [];
  for (const app of apps) {
    for (const env of firstEnvironments(platform)) {
      const held = environments.get(env.name) ?? new Map<string, string | undefined>();
      for (const c of app.components) {
        if (held.get(name(c)) === c.release) continue;
        const waited = c.waitForCheck;
        out.push({
          kind: "release",
          project: c.project,
          component: c.component,
          release: c.release,
          environment: env.name,
          repo: app.repo,
          sha: app.sha,
          mode: publishMode(env),
          branch: `ferry/release/${env.name}/${c.project}/${c.component}`,
          ...(waited === undefined ? {} : app.succeededChecks.includes(waited) ? { check: waited } : { waitingFor: waited }),
        });
      }
    }
  }
  return out;
}

/** Candidates for the promotion repair: releases an environment runs that a next environment lacks. */
export function promotionCandidates(
  platform: Platform,
  environments: ReadonlyMap<string, EnvironmentReleases>,
  clusterReleases: ReadonlyMap<string, ClusterReleases> = new Map(),
): Candidate[] {
  const out: Candidate[] = [];
  for (const source of platform.spec.environments) {
    const held = environments.get(source.name);
    if (!held) continue;
    for (const target of nextEnvironments(platform, source.name).flatMap((name) => findEnvironment(platform, name) ?? [])) {
      const there = environments.get(target.name) ?? new Map<string, string | undefined>();
      for (const [key, release] of held) {
        if (release === undefined || there.get(key) === release) continue;
        const [project = "", component = ""] = key.split("/");
        // A target in several waves: the candidate is the first wave whose clusters do not all hold the release.
        const waves = wavesOf(clustersOf(target));
        const held = clusterReleases.get(target.name)?.get(key) ?? new Map<string, string | undefined>();
        const next = waves.length > 1 ? waves.find((w) => !w.clusters.every((c) => held.get(c) === release)) : undefined;
        const partial = waves.length > 1 && [...held.values()].includes(release);
        out.push({
          kind: "promotion",
          project,
          component,
          release,
          environment: target.name,
          repo: target.gitops.repo,
          from: source.name,
          branch: promotionBranch(project, component, target.name, next?.wave),
          ...(partial ? { partial } : {}),
        });
      }
    }
  }
  return out;
}

/** Why a candidate needs no repair, or undefined when it does. */
function alreadyHandled(f: CandidateFacts): string | undefined {
  const c = f.candidate;
  if (c.waitingFor !== undefined) return `waits for the build check ${JSON.stringify(c.waitingFor)} to succeed on ${c.sha?.slice(0, 12) ?? "the head"}`;
  if (f.ranBefore) return `${c.environment} ran release ${c.release} before and was moved off it (a rollback or a newer release): not undone`;
  const carrying = f.pulls.filter((p) => p.release === c.release);
  const open = carrying.find((p) => p.state === "open");
  if (open) return `pull request #${open.number} carries it, waiting for its merge`;
  const declined = carrying.find((p) => p.state === "closed" && !p.merged);
  if (declined) return `pull request #${declined.number} carrying it was closed without merging: declined`;
  return undefined;
}

/** Plans a pass; see the module comment. */
export function planReconcile(facts: ReconcileFacts): ReconcilePlan {
  const repairs: Repair[] = [];
  const deferred: Deferred[] = [];
  const candidates = [...facts.candidates].sort((a, b) => order(a.candidate).localeCompare(order(b.candidate)));
  for (const f of candidates) {
    const c = f.candidate;
    const why = alreadyHandled(f);
    if (why !== undefined) {
      deferred.push({ component: name(c), environment: c.environment, release: c.release, reason: why });
      continue;
    }
    if (c.kind === "release") {
      repairs.push({
        kind: "release",
        repo: c.repo,
        sha: c.sha ?? "",
        component: name(c),
        environment: c.environment,
        release: c.release,
        ...(c.check === undefined ? {} : { check: c.check }),
        reason: `${c.repo}@${(c.sha ?? "").slice(0, 12)} declares release ${c.release}; ${c.environment} does not run it`,
      });
    } else {
      repairs.push({
        kind: "promotion",
        repo: c.repo,
        component: name(c),
        from: c.from ?? "",
        environment: c.environment,
        release: c.release,
        reason: `${c.from ?? "?"} runs release ${c.release}; ${c.environment} does not and has no promotion pull request for it`,
      });
    }
  }
  for (const p of [...facts.openPromotions].sort((a, b) => `${a.repo}#${a.number}`.localeCompare(`${b.repo}#${b.number}`) || a.number - b.number)) {
    if (p.hasGatesCheck) continue;
    repairs.push({
      kind: "gates-check",
      repo: p.repo,
      pull: p.number,
      component: name(p),
      environment: p.environment,
      release: p.release,
      reason: `promotion pull request #${p.number} has no Ferry / gates check on its head ${p.headSha.slice(0, 12)}`,
    });
  }
  for (const d of [...facts.deployments].sort((a, b) => a.id - b.id)) {
    if (facts.environments.get(d.environment)?.get(name(d)) !== d.release) continue;
    repairs.push({
      kind: "rollout-watch",
      repo: d.repo,
      deployment: d.id,
      sha: d.sha,
      component: name(d),
      environment: d.environment,
      release: d.release,
      gitops: d.gitops,
      ...(d.pull ? { pull: d.pull } : {}),
      reason: `deployment ${d.id} of release ${d.release} to ${d.environment} is still in progress`,
    });
  }
  repairs.push(...redeliveries(facts.deliveries, facts.now));
  repairs.push(...previewRemovals(facts));
  repairs.push(...previewRefreshes(facts));
  return { repairs, deferred };
}

function order(c: Candidate): string {
  return `${c.kind === "release" ? 0 : 1} ${c.repo} ${name(c)} ${c.environment}`;
}

/** Failed deliveries of the window whose guid was not delivered successfully since: the oldest attempt of each guid is asked again. */
export function redeliveries(deliveries: readonly RecordedDelivery[], now: Date): Repair[] {
  const since = now.getTime() - REDELIVERY_WINDOW_MS;
  const recent = deliveries.filter((d) => d.deliveredAt.getTime() >= since);
  const delivered = new Set(recent.filter((d) => d.statusCode >= 200 && d.statusCode < 300).map((d) => d.guid));
  const failed = new Map<string, RecordedDelivery>();
  for (const d of [...recent].sort((a, b) => a.id - b.id)) {
    if (delivered.has(d.guid) || failed.has(d.guid)) continue;
    failed.set(d.guid, d);
  }
  return [...failed.values()].map((d) => ({
    kind: "redelivery" as const,
    delivery: d.id,
    guid: d.guid,
    event: d.action ? `${d.event}.${d.action}` : d.event,
    reason: `GitHub recorded delivery ${d.id} (${d.action ? `${d.event}.${d.action}` : d.event}) as failed: ${d.status} (${d.statusCode})`,
  }));
}

/** Previews whose pull request is closed or gone, or without a push for `previews.ttl`. */
export function previewRemovals(facts: Pick<ReconcileFacts, "platform" | "previews" | "now">): Repair[] {
  const ttl = facts.platform.spec.previews?.ttl;
  const out: Repair[] = [];
  for (const p of [...(facts.previews ?? [])].sort((a, b) => a.record.pr - b.record.pr)) {
    const { record } = p;
    const name = `${record.repo}#${record.pr}`;
    const expiry = ttl === undefined ? undefined : expiresAt(record, durationSeconds(ttl));
    const reason =
      p.pull === "closed"
        ? `pull request ${name} is closed`
        : p.pull === "gone"
          ? `pull request ${name} is gone`
          : expiry !== undefined && Date.parse(expiry) <= facts.now.getTime()
            ? `no push to ${name} since ${record.updatedAt}: expired at ${expiry} (previews.ttl ${ttl})`
            : undefined;
    if (reason) out.push({ kind: "preview-removal", repo: record.repo, pull: record.pr, environment: p.environment, reason });
  }
  return out;
}

/**
 * The live previews of open pull requests that stay: their comment's rollout column is read again
 * each pass (a preview's rollout settles after the commit that made it; nothing else watches it).
 */
export function previewRefreshes(facts: Pick<ReconcileFacts, "platform" | "previews" | "now">): Repair[] {
  const removed = new Set(previewRemovals(facts).flatMap((r) => (r.kind === "preview-removal" ? [`${r.repo}#${r.pull}`] : [])));
  return [...(facts.previews ?? [])]
    .filter((p) => p.pull === "open" && !removed.has(`${p.record.repo}#${p.record.pr}`))
    .sort((a, b) => a.record.pr - b.record.pr)
    .map((p) => ({
      kind: "preview-status" as const,
      repo: p.record.repo,
      pull: p.record.pr,
      environment: p.environment,
      reason: `the preview environment of ${p.record.repo}#${p.record.pr} is live: its rollout is read again`,
    }));
}

/** One line per repair, for logs and `ferry reconcile --dry-run`. */
export function describeRepair(r: Repair): string {
  switch (r.kind) {
    case "release":
      return `release ${r.component} ${r.release} to ${r.environment} from ${r.repo}@${r.sha.slice(0, 12)}${r.check ? ` (build check ${JSON.stringify(r.check)} succeeded)` : ""}`;
    case "promotion":
      return `open the promotion of ${r.component} ${r.release} from ${r.from} to ${r.environment} in ${r.repo}`;
    case "gates-check":
      return `evaluate the Ferry / gates check of ${r.repo}#${r.pull} (${r.component} to ${r.environment})`;
    case "rollout-watch":
      return `watch the rollout of ${r.component} ${r.release} in ${r.environment} again (deployment ${r.deployment} on ${r.repo})`;
    case "redelivery":
      return `redeliver webhook delivery ${r.delivery} (${r.event}, guid ${r.guid})`;
    case "preview-removal":
      return `remove the preview environment of ${r.repo}#${r.pull} from ${r.environment}`;
    case "preview-status":
      return `read the rollout of the preview environment of ${r.repo}#${r.pull} into its comment`;
  }
}
