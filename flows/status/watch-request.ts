/**
 * What a rollout watch takes and gives back: the request (one release of one component in one
 * environment, and where to report it), the handle of a running watch, how it ended and the event
 * its listeners get when it settles.
 */
import { z } from "zod";
import type { ComponentKey } from "../../core/status/components.js";
import type { HealthStatus } from "../../core/status/health.js";
import type { SettledOutcome, WatchOutcome } from "../../core/status/rollout-decision.js";
import { RepoName } from "../../renderers/model/common.js";

/** What to watch: one release of one component rolling out in one environment. */
export const WatchRequest = z.object({
  environment: z.string().min(1),
  project: z.string().min(1),
  component: z.string().min(1),
  /**
   * The cluster watched, for an environment on several clusters (`environments[].clusters[].name`):
   * required there, refused elsewhere. Its status comment and deployment statuses are `<env>/<cluster>`'s.
   * @default the environment's one cluster
   */
  cluster: z.string().min(1).optional(),
  /** The release expected to run (its `ferry.dev/release` label). */
  release: z.string().min(1),
  /** The pull request that gets the status comment (`owner/name` and number). @default no comment on a pull request */
  pr: z.object({ repo: RepoName, number: z.number().int().positive() }).optional(),
  /** The commit that gets the status comment when no pull request does (a release pushed straight to the default branch). @default none */
  commit: z.object({ repo: RepoName, sha: z.string().min(1) }).optional(),
  /** The app repository commit whose deployment gets the statuses. @default no deployment statuses */
  appRepo: z
    .object({
      repo: RepoName,
      sha: z.string().min(1),
      /** The deployment the release flow created. @default found by ref, environment and payload, or created */
      deploymentId: z.number().int().positive().optional(),
    })
    .optional(),
  /** When the release landed (merge or commit time); `maxWatchMs` counts from here. */
  startedAt: z.date(),
});
export type WatchRequest = z.infer<typeof WatchRequest>;

/** Told when a watch settles. */
export interface SettledEvent {
  /** The component and where it is tracked: `environment` is `<env>/<cluster>` for a cluster of an environment on several clusters. */
  readonly key: ComponentKey;
  /** The environment (without the cluster). */
  readonly environment: string;
  /** The cluster, for an environment on several clusters. */
  readonly cluster?: string;
  readonly release: string;
  /** The component's health when it settled. */
  readonly status: HealthStatus;
  readonly outcome: SettledOutcome;
  /** Healthy: since when Healthy on the release (the soak counts from here). Degraded: since when Degraded. Timed out: when the watch started. */
  readonly since: Date;
  readonly request: WatchRequest;
  /** The status comment, when there is one. */
  readonly commentUrl?: string;
}

/** The end of a watch. */
export interface WatchResult {
  readonly outcome: WatchOutcome;
  /** Set for settled watches. */
  readonly event?: SettledEvent;
}

/** A running watch. */
export interface WatchHandle {
  /** `project/component/environment` (`environment` being `<env>/<cluster>` for a cluster of an environment on several clusters). */
  readonly id: string;
  readonly request: WatchRequest;
  /** Resolves when the watch ends (settled, superseded or cancelled). */
  readonly done: Promise<WatchResult>;
  /** Stops watching without writing anything more. */
  cancel(): Promise<void>;
}
