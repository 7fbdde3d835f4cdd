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
 */
import type { GitHub } from "../../adapters/github/types.js";
import type { HistoryEntry } from "../../core/history.js";
import { verifyInto, type SignalsReport } from "../../core/signals/report.js";
import type { Environment, Platform } from "../../renderers/model/index.js";
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
): Promise<{ subject: SignalSubject; previousRelease?: string | undefined; notes: string[] }> {
  const { project, component } = event.key;
  const base: SignalSubject = { platform, environment, project, component, release: event.release, type: "" };
  try {
    const ctx = await promotionContext(new RunContext(octokit, deps), deps);
    const [history, frozen] = await Promise.all([
      readComponentHistory(ctx, project, component),
      ctx.resolver.resolve(environment).then((target) => readRelease(ctx, target, project, component, event.release)),
    ]);
    const previousRelease = releaseBefore(history.environments.get(environment.name) ?? [], event.release);
    const notes = frozen ? [] : [`the release file of ${event.release} could not be read: only the platform's signals apply`];
    return {
      subject: { ...base, type: frozen?.spec.component.spec.type ?? "", componentType: frozen?.spec.componentType },
      previousRelease,
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

/** A running verification of a settled rollout. */
export interface RunningVerification {
  readonly done: Promise<VerificationOutcome>;
  cancel(): void;
}

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
  const run = async (): Promise<VerificationOutcome> => {
    const { subject, previousRelease, notes } = await verificationSubject(octokit, deps, platform, environment, event);
    if (cancelled) return { result: "cancelled", signals: [] };
    const request: VerificationRequest = { subject, verify, healthyAt: event.since, landedAt: event.request.startedAt, previousRelease, notes };
    handle = verifyRelease(request, {
      prometheus: setup.prometheusOf(platform, environment, deps.observeSignals),
      clock: setup.clock,
      timers: setup.timers,
      minIntervalMs: setup.minIntervalMs,
      ...(onLook ? { onLook } : {}),
    });
    const outcome = await handle.done;
    if (outcome.result !== "cancelled") deps.observeSignals?.verification(outcome.result);
    const status = verificationStatus(outcome, `${event.release} in ${event.environment}`);
    const appRepo = event.request.appRepo;
    if (status && appRepo) {
      const writer = new DeploymentStatusWriter(octokit, appRepo, {
        environment: event.environment,
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
    done: run().catch((e: unknown): VerificationOutcome => {
      onError(e);
      return { result: "not-observed", signals: [] };
    }),
    cancel() {
      cancelled = true;
      handle?.cancel();
    },
  };
}
