/**
 * One verification of a watched rollout in the app (flows/status/rollout-wiring.ts starts it when
 * a release settles Healthy where the step into its environment has `verify`): what to verify (the
 * release's ComponentType and the previous release, from the environment's GitOps history), the
 * observing itself (verification.ts) and the deployment statuses it ends with:
 *
 * - verified: `Verified:` (success);
 * - failed: `Verification failed:` (failure) naming each broken signal with value, bound and baseline;
 * - not observed: `Verifying:` (in_progress) again, saying what could not be read: not a failure of
 *   the release, not a pass either (the `verified` gate stays pending).
 *
 * Its window is read back from those statuses (core/status/verification-window.ts), so a restart of
 * Ferry never restarts it: after a restart the reconcile pass watches the `in_progress` rollout
 * again, it settles Healthy again, and the verification resumes with the window its first
 * `Verifying:` recorded (observed until the original end, or judged at once by one look at the end
 * when that has passed); a verdict already posted for the release's landing is never run again,
 * and one another run posted meanwhile is not posted twice (`alreadyPosted`: the caller then runs no
 * failure hook).
 */
import type { GitHub } from "../../adapters/github/types.js";
import { releaseLanding, type HistoryEntry } from "../../core/history.js";
import { planVerification, recordedVerification, type PostedVerdict, type RecordedVerification } from "../../core/status/verification-window.js";
import { parseRepoRef } from "../../adapters/github/types.js";
import { readSignals } from "./deployments.js";
import { verifyInto, type SignalsReport } from "../../core/signals/report.js";
import { clusterAsEnvironment, durationSeconds, type Environment, type Platform } from "../../renderers/model/index.js";
import { findEnvironment } from "../../renderers/platform.js";
import { errorText } from "../errors.js";
import { promotionContext, type PromotionDeps } from "../promotion/context.js";
import { readComponentHistory, readRelease } from "../promotion/reads.js";
import { RunContext } from "../run-context.js";
import type { FlowServices } from "../services.js";
import type { SignalSubject } from "../signals/read.js";
import type { VerificationSetup } from "./cluster-runtime.js";
import { DeploymentStatusWriter } from "./deployment-status-writer.js";
import { brokenBoundText, verifyRelease, type VerificationHandle, type VerificationOutcome, type VerificationRequest } from "./verification.js";
import type { SettledEvent } from "./watch-request.js";

/** The services a verification run uses. */
export type VerificationDeps = PromotionDeps & Pick<FlowServices, "observeSignals">;

/** The release the environment ran before the newest run of `release` (entries newest first). */
export function releaseBefore(entries: readonly HistoryEntry[], release: string): string | undefined {
  let i = entries.findIndex((e) => e.release === release);
  if (i < 0) return undefined;
  while (i < entries.length && entries[i]!.release === release) i++;
  return entries.slice(i).find((e) => e.release !== undefined)?.release;
}

/** What to verify: the release's ComponentType (frozen in its release file) and the previous release; what could not be read is noted, never guessed. */
async function verificationSubject(
  octokit: GitHub,
  deps: VerificationDeps,
  platform: Platform,
  environment: Environment,
  event: SettledEvent,
): Promise<{ subject: SignalSubject; previousRelease?: string | undefined; landedAt?: Date | undefined; notes: string[] }> {
  const { project, component } = event.key;
  const base: SignalSubject = { platform, environment, project, component, release: event.release, type: "" };
  try {
    const ctx = await promotionContext(new RunContext(octokit, deps), deps);
    const [history, frozen] = await Promise.all([
      readComponentHistory(ctx, project, component),
      ctx.resolver.resolve(environment).then((target) => readRelease(ctx, target, project, component, event.release)),
    ]);
    const entries = history.environments.get(environment.name) ?? [];
    const previousRelease = releaseBefore(entries, event.release);
    const notes = frozen ? [] : [`the release file of ${event.release} could not be read: only the platform's signals apply`];
    return {
      subject: { ...base, type: frozen?.spec.component.spec.type ?? "", componentType: frozen?.spec.componentType },
      previousRelease,
      landedAt: releaseLanding(entries, event.release)?.date,
      notes,
    };
  } catch (e) {
    return { subject: base, notes: [`the GitOps history could not be read (${errorText(e)}): only the platform's signals apply, no baseline`] };
  }
}

/** The deployment status a verification ends with (see the module comment). */
export function verificationStatus(
  outcome: VerificationOutcome,
  where: string,
): { signal: "verified" | "verify-failed" | "verifying"; text: string } | undefined {
  switch (outcome.result) {
    case "verified":
      return { signal: "verified", text: `${where}: every signal within its bounds` };
    case "failed":
      return { signal: "verify-failed", text: `${where}: ${outcome.signals.map(brokenBoundText).join("; ")}` };
    case "not-observed":
      return { signal: "verifying", text: `${where}: not observed, not verified: ${outcome.signals.map((s) => s.reason).join("; ")}` };
    case "cancelled":
      return undefined;
  }
}

/** How a run ended: the verification's outcome, and the verdict found already posted (by an earlier run, or another meanwhile) when there was one. */
export interface RunOutcome extends VerificationOutcome {
  /** Set when the verdict was posted by another run: nothing was posted, and the failure hook is not run again. */
  readonly alreadyPosted?: PostedVerdict;
}

/** A running verification of a settled rollout. */
export interface RunningVerification {
  /** The release verified. */
  readonly release: string;
  readonly done: Promise<RunOutcome>;
  cancel(): void;
}

/** What the deployment statuses recorded of the release's verification (its landing, when known, bounds the attempt). */
async function recorded(octokit: GitHub, event: SettledEvent, landedAt: Date | undefined): Promise<RecordedVerification> {
  const appRepo = event.request.appRepo;
  if (!appRepo) return {};
  // The deployment environment the rollout's statuses went to: `<env>/<cluster>` for a cluster of an environment on several clusters.
  const query = { environment: event.key.environment, project: event.key.project, component: event.key.component };
  const records = await readSignals(octokit, parseRepoRef(appRepo.repo), query, { releases: new Set([event.release]) });
  return recordedVerification(records, event.release, landedAt);
}

const resultOf = (verdict: PostedVerdict): "verified" | "failed" => (verdict.signal === "verified" ? "verified" : "failed");

/**
 * Verifies the release of a Healthy settle and posts its verdict on the rollout's deployment
 * (each look's report is told to `onLook`);
 * undefined when the step into the environment has no `verify`. `done` never rejects (a failed
 * status write is logged by the caller through `onError`).
 */
export function startVerification(
  event: SettledEvent,
  octokit: GitHub,
  platform: Platform,
  deps: VerificationDeps,
  setup: VerificationSetup,
  onError: (error: unknown) => void,
  onLook?: (report: SignalsReport) => void,
): RunningVerification | undefined {
  const verify = verifyInto(platform, event.environment);
  const environment = findEnvironment(platform, event.environment);
  if (!verify || !environment) return undefined;
  let handle: VerificationHandle | undefined;
  let cancelled = false;
  const run = async (): Promise<RunOutcome> => {
    const { subject, previousRelease, landedAt, notes } = await verificationSubject(octokit, deps, platform, environment, event);
    if (cancelled) return { result: "cancelled", signals: [] };
    let before: RecordedVerification = {};
    try {
      before = await recorded(octokit, event, landedAt);
    } catch (e) {
      // Unread, the window starts at the Healthy moment as this process saw it: a verification still runs.
      onError(new Error(`reading the deployment statuses back failed (${errorText(e)}): the window starts at the Healthy moment seen now`));
    }
    const plan = planVerification({
      recorded: before,
      durationSeconds: durationSeconds(verify.duration),
      healthySince: event.since,
      watchedSince: event.request.startedAt,
      now: setup.clock(),
    });
    if (plan.kind === "posted") return { result: resultOf(plan.verdict), signals: [], alreadyPosted: plan.verdict };
    if (cancelled) return { result: "cancelled", signals: [] };
    const request: VerificationRequest = {
      subject,
      verify,
      healthyAt: new Date(plan.window.from * 1000),
      landedAt: new Date(plan.baselineEnd * 1000),
      previousRelease,
      notes: plan.resumed ? [...notes, "resumed after a restart of Ferry: the window its first Verifying: status recorded is kept"] : notes,
    };
    handle = verifyRelease(request, {
      prometheus: setup.prometheusOf(platform, clusterAsEnvironment(environment, event.cluster), deps.observeSignals),
      clock: setup.clock,
      timers: setup.timers,
      minIntervalMs: setup.minIntervalMs,
      ...(onLook ? { onLook } : {}),
    });
    const outcome = await handle.done;
    const status = verificationStatus(outcome, `${event.release} in ${event.key.environment}`);
    const appRepo = event.request.appRepo;
    if (status && status.signal !== "verifying" && appRepo) {
      // Another run (a second replica, an overlapping pass) may have posted the verdict meanwhile: never twice.
      const now = await recorded(octokit, event, landedAt).catch(() => undefined);
      if (now?.verdict) return { ...outcome, result: resultOf(now.verdict), alreadyPosted: now.verdict };
    }
    if (outcome.result !== "cancelled") deps.observeSignals?.verification(outcome.result);
    if (status && appRepo) {
      const writer = new DeploymentStatusWriter(octokit, appRepo, {
        environment: event.key.environment,
        production: environment.production ?? false,
        project: event.key.project,
        component: event.key.component,
        release: event.release,
      });
      try {
        await writer.write(status.signal, status.text, { logUrl: event.commentUrl });
      } catch (e) {
        onError(e);
      }
    }
    return outcome;
  };
  return {
    release: event.release,
    done: run().catch((e: unknown): RunOutcome => {
      onError(e);
      return { result: "not-observed", signals: [] };
    }),
    cancel() {
      cancelled = true;
      handle?.cancel();
    },
  };
}
