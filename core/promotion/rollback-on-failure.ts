/**
 * The rollback on a failed verification, decided purely: where the pipeline step into the
 * environment says `onFailure: rollback` and the environment still runs the release that failed,
 * roll back to the last release VERIFIED there (a `Verified:` record, and never a failure); when
 * there is none, say so and change nothing. Never a loop: a release that failed verification is
 * never a rollback's target, and a release that was itself put back by a rollback and then fails
 * is left to people (one automatic rollback, not a cascade down the history).
 */
import type { Platform } from "../../renderers/model/index.js";
import { findEnvironment } from "../../renderers/platform.js";
import { namespaceFor } from "../../renderers/model/index.js";
import type { ComponentHistory } from "../history.js";
import type { SignalsReport } from "../signals/report.js";
import { substitute } from "../signals/template.js";
import { verificationFromSignals, type SignalRecord } from "../status/deployment-signals.js";
import type { FailedRelease } from "./pipeline.js";

/** A release that failed verification in an environment, as status back reports it. */
export interface FailedVerification {
  readonly project: string;
  readonly component: string;
  readonly environment: string;
  readonly release: string;
  /** The verification's report: each signal with its value, baseline and bound. */
  readonly report: SignalsReport;
  /** The status comment of the rollout, when there is one. @default none */
  readonly commentUrl?: string;
}

/** Why a rollback is opened: the failed verification and the links (logs, traces) to look at. */
export interface RollbackReason {
  readonly failed: FailedVerification;
  /** `observability.links` filled in for the component in the environment, by name. */
  readonly links: readonly { readonly name: string; readonly url: string }[];
}

/** What to do about a failed verification. */
export type RollbackOnFailure =
  | { readonly kind: "rollback"; readonly release: string; readonly reason: RollbackReason; readonly failed: readonly FailedRelease[] }
  /** Nothing to do; `tell`: people should hear why (no verified release, a rollback failing again). */
  | { readonly kind: "none"; readonly reason: string; readonly tell: boolean };

/** The observability links of the platform for a component in an environment (templates filled in). */
export function observabilityLinks(
  platform: Platform,
  failed: Pick<FailedVerification, "project" | "component" | "environment" | "release">,
  window: string,
): RollbackReason["links"] {
  const env = findEnvironment(platform, failed.environment);
  const values = {
    namespace: env ? namespaceFor(env, failed.project) : "",
    component: failed.component,
    project: failed.project,
    release: failed.release,
    window,
  };
  return Object.entries(platform.spec.observability?.links ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, template]) => ({ name, url: substitute(template, values).text }));
}

/** The releases `records` say failed verification in `environment` (`release` among them). */
function failuresIn(records: readonly SignalRecord[], environment: string, releases: readonly string[]): FailedRelease[] {
  return [...new Set(releases)].sort().flatMap((release) => {
    const v = verificationFromSignals(records, release);
    return v?.signal === "verify-failed" ? [{ release, environment, at: v.at, ...(v.description ? { description: v.description } : {}) }] : [];
  });
}

/**
 * Decides the rollback on `failed` from the environment's history and the verification records of
 * the component's deployments there (every release's; see the module comment).
 */
export function planRollbackOnFailure(
  platform: Platform,
  history: ComponentHistory,
  failed: FailedVerification,
  records: readonly SignalRecord[],
): RollbackOnFailure {
  const { environment: env, release } = failed;
  const name = `${failed.project}/${failed.component}`;
  const step = platform.spec.pipeline.find((s) => s.to.includes(env) && s.verify);
  if (!step?.verify) return { kind: "none", reason: `no verify on the pipeline step into ${env}`, tell: false };
  if (step.onFailure !== "rollback")
    return { kind: "none", reason: `the pipeline step ${step.from} → ${env} does not say \`onFailure: rollback\``, tell: false };
  const entries = history.environments.get(env) ?? [];
  const current = entries[0]?.release;
  if (current !== release)
    return {
      kind: "none",
      reason: `${env} runs ${current ? `release ${current}` : `no release of ${name}`} now, not ${release}: nothing to roll back`,
      tell: false,
    };
  const firstOther = entries.findIndex((e) => e.release !== release);
  const ranBefore = firstOther >= 0 && entries.slice(firstOther).some((e) => e.release === release);
  if (ranBefore)
    return {
      kind: "none",
      reason: `release ${release} ran in ${env} before and was put back; it failed verification now, and Ferry rolls back only once: choose a release to put back with /ferry rollback ${env} <release>`,
      tell: true,
    };
  const ran = entries.flatMap((e) => (e.release && e.release !== release ? [e.release] : []));
  const failures = failuresIn(records, env, [release, ...ran]);
  const isFailed = (r: string) => failures.some((f) => f.release === r);
  const target = ran.find((r) => !isFailed(r) && records.some((s) => s.release === r && s.signal === "verified"));
  if (!target)
    return {
      kind: "none",
      reason: `no release of ${name} was verified in ${env} before ${release}${ran.length > 0 ? ` (it ran ${[...new Set(ran)].join(", ")}, none verified)` : ""}: Ferry changes nothing`,
      tell: true,
    };
  return {
    kind: "rollback",
    release: target,
    reason: { failed, links: observabilityLinks(platform, failed, step.verify.duration) },
    failed: failures,
  };
}
