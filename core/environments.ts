/**
 * The platform's environments in pipeline order, each with where it deploys and the gates a
 * promotion into it passes: the one view of an environment (ferry_list_environments, the portal).
 */
import { requirement } from "./promotion/gates/observed-health.js";
import { nextEnvironments, pipelineOrder } from "./promotion/pipeline.js";
import { environmentPath } from "./gitops/layout.js";
import type { Environment, Platform } from "../renderers/model/index.js";
import { findEnvironment } from "../renderers/platform.js";

/** A promotion into an environment from one source: the pipeline step's soak and whether the source's health must be observed. */
export interface IncomingStep {
  readonly from: string;
  readonly soak?: string;
  /** Why the source's health must be observed healthy; undefined when it need not be. */
  readonly healthRequired?: string;
}

export interface EnvironmentView {
  readonly name: string;
  readonly production: boolean;
  readonly cluster?: string;
  readonly gitops: { readonly repo: string; readonly branch: string; readonly path: string };
  readonly namespace: string;
  /** Environments a release here is promoted to next. */
  readonly promotesTo: readonly string[];
  /** The gates of a promotion into this environment. */
  readonly gates: {
    readonly policies: true;
    readonly approvals: { readonly required: number; readonly teams: readonly string[] };
    readonly window?: { readonly days: readonly string[]; readonly hours: string; readonly timezone: string };
    readonly from: readonly IncomingStep[];
    /** The promotion pull request merges itself once every gate holds. */
    readonly autoMerge: boolean;
    /** The least role on the app repository `/ferry promote` and `/ferry rollback` need. */
    readonly commandPermission: string;
  };
}

/** One environment of `platform`, as {@link environmentsOf} lists it. */
export function environmentView(platform: Platform, env: Environment): EnvironmentView {
  const steps = platform.spec.pipeline.filter((s) => s.to.includes(env.name));
  const byName = (name: string) => findEnvironment(platform, name);
  return {
    name: env.name,
    production: env.production,
    ...(env.cluster ? { cluster: env.cluster.context } : {}),
    gitops: { repo: env.gitops.repo, branch: env.gitops.branch, path: environmentPath(env) },
    namespace: env.namespace,
    promotesTo: nextEnvironments(platform, env.name),
    gates: {
      policies: true,
      approvals: { required: env.approvals.required, teams: env.approvals.teams },
      ...(env.window ? { window: { days: env.window.days, hours: env.window.hours, timezone: env.window.timezone } } : {}),
      from: steps.map((step) => {
        const source = byName(step.from);
        const health = source ? requirement({ source, target: env, step, rollback: false }) : undefined;
        return { from: step.from, ...(step.soak ? { soak: step.soak } : {}), ...(health ? { healthRequired: health.why } : {}) };
      }),
      autoMerge: env.autoMerge,
      commandPermission: env.commandPermission,
    },
  };
}

/** Every environment of the platform, in pipeline order. */
export function environmentsOf(platform: Platform): EnvironmentView[] {
  return pipelineOrder(platform).flatMap((name) => {
    const env = findEnvironment(platform, name);
    return env ? [environmentView(platform, env)] : [];
  });
}
