/**
 * The hooks by which the app's flows hand rollouts to the cluster runtime (types only, so that
 * `app/deps.ts` can name them without importing the runtime).
 */
import type { Platform } from "../../renderers/model/index.js";
import type { GitHub } from "../../adapters/github/types.js";
import type { LandedRelease } from "../promotion/events.js";
import type { SignalsReport } from "../../core/signals/report.js";

/**
 * Called when a release landed in an environment, before its next promotions open. Resolves true
 * when the cluster runtime watches the rollout: it then reports it (status comment, deployment
 * statuses) and opens the next promotions itself once the release is Healthy there (none when it
 * ends Degraded). False: the environment's cluster is not observed, promote at once.
 */
export type RolloutWatch = (landed: LandedRelease, octokit: GitHub, platform: Platform) => Promise<boolean>;

/** Called after a push to the platform repository's default branch (its environments may name other clusters now). */
export type PlatformChanged = (octokit: GitHub) => Promise<void>;

/** A release that failed verification in an environment: which signals broke their bounds, with their numbers. */
export interface FailedVerification {
  readonly project: string;
  readonly component: string;
  readonly environment: string;
  readonly release: string;
  /** The last look: every bounded signal with value, baseline, bound and verdict (the failed ones have `verdict: "failed"` and `broken`). */
  readonly report: SignalsReport;
  /** The status comment of the rollout, when there is one. */
  readonly commentUrl?: string | undefined;
}

/** Called once when a watched release fails verification (e.g. to open the rollback pull request where the step says `onFailure: rollback`). */
export type VerificationFailed = (failed: FailedVerification, octokit: GitHub) => Promise<void>;
