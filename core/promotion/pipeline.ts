/**
 * Where a release may go next: promotions along the Platform's `pipeline` and rollbacks to a
 * release an environment ran before. Pure: the platform and the history are plain data.
 *
 * Every refusal carries a reason written for the person who asked, naming the environments and
 * releases involved and what to do instead.
 */
import type { Environment, PipelineStep, Platform } from "../../renderers/model/index.js";
import { ReleaseId } from "../../renderers/release.js";
import type { ComponentHistory, HistoryEntry } from "../history.js";
import { currentRelease } from "../history.js";
import { formatUtc } from "../time.js";
import { findEnvironment } from "../../renderers/platform.js";

/**
 * A release that failed verification in an environment (the `Verification failed:` deployment
 * status there): never promoted or rolled back to again.
 */
export interface FailedRelease {
  readonly release: string;
  readonly environment: string;
  readonly at: Date;
  /** The status's description, naming the signal and its numbers. @default none */
  readonly description?: string;
}

/** What the plans know of verification. */
export interface VerificationFacts {
  /** Releases that failed verification, in any environment. @default none */
  readonly failed?: readonly FailedRelease[];
}

/** Why a failed release is refused, naming where, when and what failed. */
function failedVerification(f: FailedRelease, what: string): string {
  const why = f.description ? ` (${f.description})` : "";
  return `release ${f.release} failed verification in ${f.environment} at ${formatUtc(f.at)}${why}; a release that failed verification is never ${what} again: cut a new release`;
}

/** The first record of `release` failing, if any. */
function failureOf(facts: VerificationFacts, release: string): FailedRelease | undefined {
  return facts.failed?.find((f) => f.release === release);
}

/** A refused plan. */
export interface Refusal {
  readonly ok: false;
  readonly reason: string;
}

/** A promotion the pipeline allows: one step, `from` → `to`. */
export interface PromotionPlan {
  readonly ok: true;
  readonly from: Environment;
  readonly to: Environment;
  /** The pipeline step (its `soak` applies to the gates). */
  readonly step: PipelineStep;
}

const refuse = (reason: string): Refusal => ({ ok: false, reason });
const q = (s: string) => JSON.stringify(s);

function envByName(platform: Platform, name: string): Environment | undefined {
  return findEnvironment(platform, name);
}

function unknownEnv(platform: Platform, name: string): string {
  return `there is no environment ${q(name)} (the platform has ${platform.spec.environments.map((e) => e.name).join(", ")})`;
}

/** Environments a release in `env` is promoted to next, in pipeline order. */
export function nextEnvironments(platform: Platform, env: string): string[] {
  return [...new Set(platform.spec.pipeline.filter((s) => s.from === env).flatMap((s) => s.to))];
}

/** Environments that promote into `env`. */
export function previousEnvironments(platform: Platform, env: string): string[] {
  return [...new Set(platform.spec.pipeline.filter((s) => s.to.includes(env)).map((s) => s.from))];
}

/** The pipeline step `from` → `to`, if there is one. */
export function pipelineStep(platform: Platform, from: string, to: string): PipelineStep | undefined {
  return platform.spec.pipeline.find((s) => s.from === from && s.to.includes(to));
}

/**
 * Environments in pipeline order: the environments nothing promotes into first, then each one
 * after all the environments that promote into it; ties keep the platform's declaration order.
 */
export function pipelineOrder(platform: Platform): string[] {
  const names = platform.spec.environments.map((e) => e.name);
  const placed = new Set<string>();
  const out: string[] = [];
  while (out.length < names.length) {
    const ready = names.find((n) => !placed.has(n) && previousEnvironments(platform, n).every((p) => placed.has(p) || !names.includes(p)));
    // A cycle (the platform loader refuses those) would leave nothing ready: append the rest.
    const next = ready ?? names.find((n) => !placed.has(n))!;
    placed.add(next);
    out.push(next);
  }
  return out;
}

/** The shortest chain of pipeline steps from `from` to `to` (both included), if any. */
export function pipelinePath(platform: Platform, from: string, to: string): string[] | undefined {
  const prev = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (at === to) {
      const path = [to];
      while (path[0] !== from) path.unshift(prev.get(path[0]!)!);
      return path;
    }
    for (const n of nextEnvironments(platform, at)) {
      if (!prev.has(n)) {
        prev.set(n, at);
        queue.push(n);
      }
    }
  }
  return undefined;
}

/**
 * Whether a release may go from `from` to `to` in one promotion. Refuses unknown environments,
 * a promotion that skips a step (dev straight to prod when the pipeline is dev → staging →
 * prod), one against the pipeline's direction and one between unconnected environments.
 */
export function planPromotion(platform: Platform, route: { readonly from: string; readonly to: string }): PromotionPlan | Refusal {
  const { from, to } = route;
  const problems: string[] = [];
  const source = envByName(platform, from);
  const target = envByName(platform, to);
  if (!source) problems.push(unknownEnv(platform, from));
  if (!target) problems.push(unknownEnv(platform, to));
  if (!source || !target) return refuse(problems.join("; "));
  if (from === to) return refuse(`${from} cannot be promoted to itself`);
  const step = pipelineStep(platform, from, to);
  if (step) return { ok: true, from: source, to: target, step };
  const path = pipelinePath(platform, from, to);
  if (path) {
    const skipped = path.slice(1, -1);
    return refuse(`a promotion from ${from} to ${to} skips ${skipped.join(" and ")}: the pipeline goes ${path.join(" → ")}; promote to ${skipped[0]} first`);
  }
  const back = pipelinePath(platform, to, from);
  if (back) return refuse(`${to} comes before ${from} in the pipeline (${back.join(" → ")}); to put an earlier release back, use /ferry rollback ${to}`);
  return refuse(`the pipeline has no path from ${from} to ${to}`);
}

/** A `/ferry promote <env> [release]` the pipeline and the history allow. */
export interface PromoteCommandPlan extends PromotionPlan {
  /** The release to promote. */
  readonly release: string;
  /** The source environment's history entry for that release (its commit and source). */
  readonly sourceEntry: HistoryEntry;
  /** What `to` runs now. */
  readonly current: string | undefined;
}

function describe(entry: HistoryEntry | undefined): string {
  return entry?.release ? `\`${entry.release}\` since ${formatUtc(entry.date)}` : "no release";
}

/**
 * Resolves `/ferry promote <to> [release]`: the source is the environment before `to` that runs
 * the release (without a release: what the environment before `to` runs now). A release may only
 * be promoted from an environment that currently runs it, so it can never skip a step.
 */
export function planPromote(
  platform: Platform,
  history: ComponentHistory,
  request: { readonly to: string; readonly release?: string },
  verification: VerificationFacts = {},
): PromoteCommandPlan | Refusal {
  const { to, release } = request;
  if (!envByName(platform, to)) return refuse(unknownEnv(platform, to));
  if (release !== undefined && !ReleaseId.safeParse(release).success) return refuse(`${q(release)} is not a release id (12 hex digits)`);
  const sources = previousEnvironments(platform, to);
  if (sources.length === 0) return refuse(`nothing promotes into ${to}: it is where releases start, on push to the app repository`);
  const current = currentRelease(history, to)?.release;
  const running = sources.map((s) => ({ env: s, entry: currentRelease(history, s) }));
  let chosen: { env: string; entry: HistoryEntry } | undefined;
  if (release === undefined) {
    const candidates = running.filter((r): r is { env: string; entry: HistoryEntry } => r.entry !== undefined);
    const distinct = new Set(candidates.map((c) => c.entry.release));
    if (candidates.length === 0)
      return refuse(`${sources.join(" and ")} ${sources.length > 1 ? "run" : "runs"} no release of ${history.component} yet; nothing to promote to ${to}`);
    if (distinct.size > 1) {
      return refuse(
        `${to} follows ${candidates.map((c) => `${c.env} (${describe(c.entry)})`).join(" and ")}; say which release: /ferry promote ${to} <release>`,
      );
    }
    chosen = candidates[0];
  } else {
    chosen = running.find((r): r is { env: string; entry: HistoryEntry } => r.entry?.release === release);
    if (!chosen) {
      const where = [...history.environments.keys()].filter((e) => currentRelease(history, e)?.release === release);
      const before = where.filter((e) => pipelinePath(platform, e, to) !== undefined);
      if (before.length > 0) {
        const path = pipelinePath(platform, before[0]!, to)!;
        return refuse(
          `release ${release} runs in ${before.join(", ")}, but ${to} only takes releases from ${sources.join(" or ")} (the pipeline goes ${path.join(" → ")}); promote it to ${path[1]} first`,
        );
      }
      const ranBefore = sources.filter((s) => (history.environments.get(s) ?? []).some((e) => e.release === release));
      if (ranBefore.length > 0) {
        return refuse(
          `${ranBefore.join(" and ")} no longer ${ranBefore.length > 1 ? "run" : "runs"} release ${release} (${running
            .map((r) => `${r.env} runs ${describe(r.entry)}`)
            .join("; ")}); to put it back in ${to}, use /ferry rollback ${to} ${release}`,
        );
      }
      return refuse(`release ${release} has not run in ${sources.join(" or ")}, the environment${sources.length > 1 ? "s" : ""} before ${to}`);
    }
  }
  const plan = planPromotion(platform, { from: chosen!.env, to });
  if (!plan.ok) return plan;
  const promoted = chosen!.entry.release!;
  if (current === promoted) return refuse(`${to} already runs release ${promoted}`);
  const failure = failureOf(verification, promoted);
  if (failure) return refuse(failedVerification(failure, "promoted"));
  return { ...plan, release: promoted, sourceEntry: chosen!.entry, current };
}

/** A rollback the history allows. */
export interface RollbackPlan {
  readonly ok: true;
  readonly environment: string;
  /** The release to put back. */
  readonly release: string;
  /** What the environment runs now (undefined when the component was removed). */
  readonly current: string | undefined;
  /** The latest time the environment ran that release: its commit holds the manifests to restore. */
  readonly entry: HistoryEntry;
}

/** Options of `planRollback`. */
export interface RollbackOptions {
  /** Release ids that were cut for the component (the `releases/` directory); checked when given. @default not checked */
  readonly cut?: ReadonlySet<string>;
  /** Releases that failed verification: never rolled back to; without a release, the rollback skips them. @default none */
  readonly failed?: readonly FailedRelease[];
}

/**
 * Resolves `/ferry rollback <env> [release]`. Without a release: the release `env` ran before
 * the one it runs now that did not fail verification (refused when there is none). With one:
 * refused when it was never cut, never ran in `env`, is what `env` runs now, or failed verification.
 */
export function planRollback(history: ComponentHistory, env: string, release?: string, options: RollbackOptions = {}): RollbackPlan | Refusal {
  const entries = history.environments.get(env) ?? [];
  if (release !== undefined && !ReleaseId.safeParse(release).success) return refuse(`${q(release)} is not a release id (12 hex digits)`);
  if (release !== undefined && options.cut && !options.cut.has(release)) return refuse(`release ${release} was never cut for ${history.component}`);
  if (entries.length === 0) return refuse(`${env} has never run ${history.component}; there is nothing to roll back`);
  const current = entries[0]!.release;
  if (release === undefined) {
    const earlier = entries.filter((e) => e.release !== undefined && e.release !== current);
    const previous = earlier.find((e) => !failureOf(options, e.release!));
    if (!previous) {
      if (earlier.length === 0)
        return refuse(`${env} has only ever run release ${current ?? "(none)"} of ${history.component}; there is no earlier release to roll back to`);
      const failed = [...new Set(earlier.map((e) => e.release!))];
      return refuse(
        `every earlier release ${env} ran (${failed.join(", ")}) failed verification; a release that failed verification is never rolled back to again`,
      );
    }
    return { ok: true, environment: env, release: previous.release!, current, entry: previous };
  }
  if (release === current) return refuse(`${env} already runs release ${release}`);
  const failure = failureOf(options, release);
  if (failure) return refuse(failedVerification(failure, "rolled back to"));
  const entry = entries.find((e) => e.release === release);
  if (!entry) {
    const ran = [...new Set(entries.flatMap((e) => (e.release ? [e.release] : [])))];
    return refuse(`release ${release} never ran in ${env}; ${env} ran ${ran.join(", ")}`);
  }
  return { ok: true, environment: env, release, current, entry };
}
