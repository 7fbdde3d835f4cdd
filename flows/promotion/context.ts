/**
 * One promotion run's context: the run's client, its platform (read once per run, and once per
 * platform commit across runs) and target resolver, and the services the promotion flow uses.
 * Everything a promotion step needs is passed down in it; nothing reloads the platform.
 */
import { CelEngine } from "../../renderers/cel.js";
import type { Environment } from "../../renderers/model/index.js";
import { findEnvironment, type PlatformBundle } from "../../renderers/platform.js";
import type { GitHub } from "../../adapters/github/types.js";
import type { RunContext } from "../run-context.js";
import type { FlowServices } from "../services.js";
import type { TargetResolver } from "../../adapters/github/gitops-targets.js";
import { PlatformUnavailable } from "../errors.js";

/** What the promotion flow needs of the services. */
export type PromotionDeps = Pick<
  FlowServices,
  | "clock"
  | "gitops"
  | "cacheDir"
  | "logger"
  | "platformRepo"
  | "platforms"
  | "builtins"
  | "health"
  | "botLogin"
  | "sealKey"
  | "appId"
  | "onReleaseLanded"
  | "watchRollout"
  | "notify"
>;

/** One promotion run's shared state: the client, the platform as read for the delivery, resolved targets. */
export interface PromotionContext {
  readonly octokit: GitHub;
  readonly bundle: PlatformBundle;
  /** `owner/name@sha` the platform was read at. */
  readonly platformSource: string | undefined;
  readonly resolver: TargetResolver;
  readonly cel: CelEngine;
  readonly deps: PromotionDeps;
}

/** The promotion context of a delivery; throws {@link PlatformUnavailable} when the platform has errors. */
export async function promotionContext(delivery: RunContext, deps: PromotionDeps): Promise<PromotionContext> {
  const platform = await delivery.platform();
  if (!platform.bundle) throw new PlatformUnavailable(platform.diagnostics);
  return { octokit: delivery.octokit, bundle: platform.bundle, platformSource: platform.source, resolver: delivery.resolver, cel: new CelEngine(), deps };
}

/** The platform's environment called `name`. */
export function environmentNamed(ctx: Pick<PromotionContext, "bundle">, name: string): Environment | undefined {
  return findEnvironment(ctx.bundle.platform, name);
}
