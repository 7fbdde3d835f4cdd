/**
 * Where a release's verification stands, from the deployment statuses Ferry posted (the durable
 * record: Git and GitHub are the state), so that a verification interrupted by a restart of Ferry
 * resumes with its original window instead of starting a new one (pure):
 *
 * - a verdict already posted for the release's current landing (`Verified:` / `Verification
 *   failed:`, a failure sticking) is final: the verification is never run again;
 * - otherwise the window starts at the first `Verifying:` status of the current attempt (or, when
 *   none was posted yet, at the Healthy moment) and lasts `verify.duration`: still open, it is
 *   observed until its original end; already over, it is judged by one look at its end;
 * - the baseline window (the previous release over an equal window) ends where the rollout started:
 *   the attempt's first `Rolling out:` status, else the time the watch started.
 *
 * The current attempt is the release's statuses since it landed (when the GitOps history says when),
 * after its newest verdict otherwise: a release landed again later is verified again.
 */
import type { SignalRecord, VerificationSignal } from "./deployment-signals.js";

/** A verdict posted on a deployment. */
export interface PostedVerdict {
  readonly signal: Exclude<VerificationSignal, "verifying">;
  readonly at: Date;
}

/** What the deployment statuses recorded of a release's current verification attempt. */
export interface RecordedVerification {
  /** The verdict posted for this attempt (a failure sticks). */
  readonly verdict?: PostedVerdict;
  /** When `Verifying:` was first posted in this attempt: the window's recorded start. */
  readonly verifyingSince?: Date;
  /** When `Rolling out:` was first posted in this attempt: the rollout's recorded start. */
  readonly rolloutSince?: Date;
}

const oldestFirst = (a: SignalRecord, b: SignalRecord) => a.at.getTime() - b.at.getTime() || a.id - b.id;

/**
 * What `records` (any releases, any order) say of `release`'s current attempt; `landedAt`: when the
 * release last landed in the environment (its GitOps commit), when known (see the module comment).
 */
export function recordedVerification(records: readonly SignalRecord[], release: string, landedAt?: Date): RecordedVerification {
  const since = landedAt === undefined ? undefined : Math.floor(landedAt.getTime() / 1000) * 1000;
  const ofRelease = records.filter((r) => r.release === release && (since === undefined || r.at.getTime() >= since)).sort(oldestFirst);
  const isVerdict = (r: SignalRecord) => r.signal === "verified" || r.signal === "verify-failed";
  const verdicts = ofRelease.filter(isVerdict);
  const newestVerification = ofRelease.filter((r) => isVerdict(r) || r.signal === "verifying").at(-1);
  // With a landing, any verdict since then is final; without one, only a verdict no `Verifying:` came after.
  const final = since !== undefined ? verdicts.length > 0 : newestVerification !== undefined && isVerdict(newestVerification);
  if (final) {
    const chosen = verdicts.find((r) => r.signal === "verify-failed") ?? verdicts.at(-1)!;
    return { verdict: { signal: chosen.signal as PostedVerdict["signal"], at: chosen.at } };
  }
  const after = verdicts.at(-1);
  const attempt = after ? ofRelease.slice(ofRelease.indexOf(after) + 1) : ofRelease;
  const verifying = attempt.find((r) => r.signal === "verifying");
  const rolling = attempt.find((r) => r.signal === "rolling-out" && (!verifying || oldestFirst(r, verifying) < 0));
  return { ...(verifying ? { verifyingSince: verifying.at } : {}), ...(rolling ? { rolloutSince: rolling.at } : {}) };
}

/** What to do with a release's verification. */
export type VerificationPlan =
  | { readonly kind: "posted"; readonly verdict: PostedVerdict }
  | {
      readonly kind: "observe";
      /** The window, unix seconds (whole: GitHub's timestamps are). */
      readonly window: { readonly from: number; readonly to: number };
      /** Where the baseline window ends (the rollout's start), unix seconds. */
      readonly baselineEnd: number;
      /** `open`: observe until `window.to`; `over`: one look at `window.to` gives the verdict. */
      readonly phase: "open" | "over";
      /** Whether the window was recorded before (a verification resumed), rather than starting now. */
      readonly resumed: boolean;
    };

/** What {@link planVerification} decides from. */
export interface VerificationPlanInput {
  readonly recorded: RecordedVerification;
  /** `verify.duration` in seconds. */
  readonly durationSeconds: number;
  /** Since when the rollout is Healthy (as this process saw it): the start when nothing was recorded. */
  readonly healthySince: Date;
  /** When this process started watching the rollout: the baseline's end when no rollout start was recorded. */
  readonly watchedSince: Date;
  readonly now: Date;
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** The verification's window and what to do with it (see the module comment). */
export function planVerification(input: VerificationPlanInput): VerificationPlan {
  const { recorded } = input;
  if (recorded.verdict) return { kind: "posted", verdict: recorded.verdict };
  const from = seconds(recorded.verifyingSince ?? input.healthySince);
  const to = from + input.durationSeconds;
  const baselineEnd = Math.min(from, seconds(recorded.rolloutSince ?? input.watchedSince));
  return {
    kind: "observe",
    window: { from, to },
    baselineEnd,
    phase: input.now.getTime() / 1000 >= to ? "over" : "open",
    resumed: recorded.verifyingSince !== undefined && seconds(recorded.verifyingSince) < seconds(input.healthySince),
  };
}
