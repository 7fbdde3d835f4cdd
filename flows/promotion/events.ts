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
  /** The app commit the release was cut from, when known (`owner/name` and sha). */
  readonly source?: { readonly repo: string; readonly sha: string };
  /**
   * Set when the reconcile pass watches the rollout again because this deployment (on `source`'s
   * repository) was still `in_progress` (flows/reconcile/pass.ts): nothing is watched when it has
   * settled meanwhile (e.g. another run posted the verification's verdict). @default a landing
   */
  readonly inProgressDeployment?: number;
  /**
   * For an environment on several clusters: the clusters whose folder the landing wrote (a wave);
   * the rollout is watched in each of them. @default every cluster of the environment
   */
  readonly clusters?: readonly string[];
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
