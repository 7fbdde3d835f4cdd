/**
 * What the promotion flow tells the rest of the app, and what it asks of it: the hooks in
 * `Deps` that the status back flow (cluster status reporting) plugs into. Types only.
 */
import type { GitHub, RepoRef } from "../../adapters/github/types.js";

/** A release that reached an environment: a Ferry commit, or a merged Ferry pull request. */
export interface LandedRelease {
  readonly environment: string;
  readonly project: string;
  readonly component: string;
  readonly release: string;
  /** The GitOps repository the environment lives in. */
  readonly gitops: RepoRef;
  /** The commit that put it there, when known. */
  readonly commit?: string;
  /** The pull request that put it there, when it was one. */
  readonly pull?: { readonly repo: RepoRef; readonly number: number; readonly url: string };
  /** Set when a promotion (or rollback) pull request put it there, not a release commit or release pull request. @default false */
  readonly promotion?: boolean;
  /** The app commit the release was cut from, when known (`owner/name` and sha). */
  readonly source?: { readonly repo: string; readonly sha: string };
  /**
   * Set when the reconcile pass watches the rollout again because this deployment (on `source`'s
   * repository) was still `in_progress` (flows/reconcile/pass.ts): nothing is watched when it has
   * settled meanwhile (e.g. another run posted the verification's verdict). @default a landing
   */
  readonly inProgressDeployment?: number;
  /**
   * A wave of a promotion into an environment on several clusters (core/promotion/waves.ts): which
   * wave landed and the environment it was promoted from, so the next wave follows. @default every cluster at once
   */
  readonly wave?: { readonly wave: number; readonly clusters: readonly string[]; readonly from: string };
}

/** Told after a release landed (and the next promotions were opened); e.g. to start watching its rollout. */
export type LandedListener = (landed: LandedRelease, octokit: GitHub) => Promise<void>;

/** What `/ferry status` asks about one component. */
export interface RuntimeStatusQuery {
  readonly project: string;
  readonly component: string;
  /** Environments in pipeline order. */
  readonly environments: readonly string[];
}

/**
 * Markdown about what the clusters run (health, ready replicas), appended to `/ferry status`;
 * undefined when there is nothing to add.
 */
export type RuntimeStatus = (query: RuntimeStatusQuery) => Promise<string | undefined>;
