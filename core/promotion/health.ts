/**
 * How promotion gates learn whether a release is healthy in its source environment: a
 * `HealthSource` the app passes in. Without cluster status, `notObservedHealth` answers for
 * every environment, and the gates report "not observed": blocking a promotion into production or
 * along a step with a soak unless the step relaxes it (gates/observed-health.ts), else not blocking.
 */
import { z } from "zod";
import { HealthStatus } from "../status/health.js";

/** What a health source saw of one component in one environment. */
export const HealthReport = z.strictObject({
  status: HealthStatus,
  /** The release the environment's pods run (their `ferry.dev/release` label); undefined when unknown. */
  release: z.string().optional(),
  /** Since when it has been continuously Healthy on that release. */
  healthySince: z.date().optional(),
  /** A short explanation (e.g. "2/3 replicas ready"), shown in the gate. @default none */
  detail: z.string().optional(),
});
export type HealthReport = z.infer<typeof HealthReport>;

/** Which component in which environment. */
export interface HealthQuery {
  readonly environment: string;
  readonly project: string;
  readonly component: string;
  /**
   * One cluster of an environment on several clusters (`environments[].clusters`): that cluster's
   * report. @default the environment's aggregate (core/status/cluster-environment.ts); ignored for an environment on one cluster
   */
  readonly cluster?: string;
  /**
   * A preview environment (`previews`): only the component's objects in this namespace
   * (`<project>-pr-<number>`), which carry the environment's labels. Its health is not tracked
   * (no `healthySince`): the environment's own soak never counts a preview's pods.
   * @default every namespace of the environment's cluster
   */
  readonly namespace?: string;
}

/** Reads health from somewhere (a cluster, Argo CD, a cache). */
export interface HealthSource {
  health(query: HealthQuery): Promise<HealthReport>;
}

/** The health source used until cluster status exists: nothing is ever observed. */
export const notObservedHealth: HealthSource = {
  health: () => Promise.resolve({ status: "NotObserved" }),
};
