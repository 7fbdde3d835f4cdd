/**
 * The deployment statuses Ferry posts for a rollout, as health signals (pure): which signal each
 * status carries (`Rolling out:` in_progress, `Healthy:` success, `Degraded:` / `Not healthy:`
 * failure, `Superseded:` inactive; where the step into the environment has `verify`: `Verifying:`
 * in_progress once Healthy, then `Verified:` success or `Verification failed:` failure; recognised
 * by their description prefix), since when a run of signals says a component has been Healthy on
 * a release, and what the newest verification signal of a release says (the durable record that
 * survives an app restart).
 */

/** What a health status says (`superseded`: a newer release took the environment over before this one settled). */
export type HealthSignal = RolloutSignal | VerificationSignal;

/** What a rollout's status says while watched and once settled. */
export type RolloutSignal = "rolling-out" | "healthy" | "degraded" | "not-healthy" | "superseded";

/** What a verification status says: observing the signals, verified, or failed (which signal, value, bound). */
export type VerificationSignal = "verifying" | "verified" | "verify-failed";

/** The description prefix of each signal (GitHub shows the description next to the state). */
export const SIGNAL_PREFIX: Readonly<Record<HealthSignal, string>> = {
  "rolling-out": "Rolling out",
  healthy: "Healthy",
  degraded: "Degraded",
  "not-healthy": "Not healthy",
  superseded: "Superseded",
  verifying: "Verifying",
  verified: "Verified",
  "verify-failed": "Verification failed",
};

/** The deployment state each signal is posted with. */
export const SIGNAL_STATE: Readonly<Record<HealthSignal, "in_progress" | "success" | "failure" | "inactive">> = {
  "rolling-out": "in_progress",
  healthy: "success",
  degraded: "failure",
  "not-healthy": "failure",
  superseded: "inactive",
  verifying: "in_progress",
  verified: "success",
  "verify-failed": "failure",
};

/** GitHub's limit on a deployment status description. */
const MAX_DESCRIPTION = 140;

/** `<prefix>: <text>`, cut to GitHub's 140 characters. */
export function signalDescription(signal: HealthSignal, text: string): string {
  const full = `${SIGNAL_PREFIX[signal]}: ${text.replace(/\s+/g, " ").trim()}`;
  return full.length > MAX_DESCRIPTION ? `${full.slice(0, MAX_DESCRIPTION - 1)}…` : full;
}

/** The signal a status carries, or undefined when it is not one of Ferry's health statuses. */
export function signalOf(state: string, description: string | null | undefined): HealthSignal | undefined {
  const d = description ?? "";
  for (const signal of Object.keys(SIGNAL_PREFIX) as HealthSignal[]) {
    if (SIGNAL_STATE[signal] === state && d.startsWith(`${SIGNAL_PREFIX[signal]}:`)) return signal;
  }
  return undefined;
}

/** One health status read back from GitHub. */
export interface SignalRecord {
  readonly release: string;
  readonly signal: HealthSignal;
  readonly at: Date;
  /** Status id (GitHub's ids grow over time: the tie-breaker for equal timestamps). */
  readonly id: number;
  /** The status's description as posted (`Verification failed: errorRate 0.2 > max 0.01 ...`), shown, never parsed. @default not read */
  readonly description?: string;
}

/**
 * Since when the records say the component has been Healthy on `release`: the oldest `healthy`
 * signal of the newest unbroken run of `healthy` signals for that release. Undefined when the
 * newest signal is anything else (another release rolled out, or it went Degraded).
 */
export function healthySinceFromSignals(signals: readonly SignalRecord[], release: string): Date | undefined {
  const newestFirst = [...signals].sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id);
  let since: Date | undefined;
  for (const s of newestFirst) {
    if (s.release !== release || s.signal !== "healthy") break;
    since = s.at;
  }
  return since;
}

/** The newest verification signal of `release` and when it was posted; undefined when it has none. */
export interface VerificationRecord {
  readonly signal: VerificationSignal;
  readonly at: Date;
  /** The status's description, when the record carried it (names the failed signal with its numbers). */
  readonly description?: string;
}

/** Every verification signal (a tuple, for schemas). */
export const VERIFICATION_SIGNALS = ["verifying", "verified", "verify-failed"] as const satisfies readonly VerificationSignal[];

/** Whether a health signal is one of the verification signals. */
export function isVerificationSignal(signal: HealthSignal): signal is VerificationSignal {
  return (VERIFICATION_SIGNALS as readonly HealthSignal[]).includes(signal);
}

/**
 * What the records say of `release`'s verification: its newest verification signal (a failure
 * stays a failure: a release that failed verification in an environment is never verified there
 * again by a later `Verified`), or undefined when none was posted.
 */
export function verificationFromSignals(signals: readonly SignalRecord[], release: string): VerificationRecord | undefined {
  const ofRelease = signals.filter((s) => s.release === release && isVerificationSignal(s.signal));
  const failed = ofRelease.filter((s) => s.signal === "verify-failed").sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id)[0];
  const chosen = failed ?? [...ofRelease].sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id)[0];
  if (!chosen) return undefined;
  return { signal: chosen.signal as VerificationSignal, at: chosen.at, ...(chosen.description !== undefined ? { description: chosen.description } : {}) };
}
