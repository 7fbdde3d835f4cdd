/**
 * The hooks by which the app's flows hand rollouts to the cluster runtime (types only, so that
 * `app/deps.ts` can name them without importing the runtime).
 */
import type { Platform } from "../../renderers/model/index.js";
import type { GitHub } from "../../adapters/github/types.js";
import type { LandedRelease } from "../promotion/events.js";
import type { FailedVerification } from "../../core/promotion/rollback-on-failure.js";

/**
 * Called when a release landed in an environment, before its next promotions open. Resolves true
 * when the cluster runtime watches the rollout: it then reports it (status comment, deployment
 * statuses) and opens the next promotions itself once the release is Healthy there (none when it
 * ends Degraded). False: the environment's cluster is not observed, promote at once.
 */
export type RolloutWatch = (landed: LandedRelease, octokit: GitHub, platform: Platform) => Promise<boolean>;

/** Called after a push to the platform repository's default branch (its environments may name other clusters now). */
export type PlatformChanged = (octokit: GitHub) => Promise<void>;

/** Called once when a watched release fails verification (e.g. to open the rollback pull request where the step says `onFailure: rollback`). */
export type VerificationFailed = (failed: FailedVerification, octokit: GitHub) => Promise<void>;
