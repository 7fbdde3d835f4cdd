/**
 * The app's reader of a release's signals in one environment (the portal's component page): the
 * environment's GitOps history (landing time, previous release) and the release's frozen
 * ComponentType read with the promotion context's client, the values from the environment's
 * Prometheus (release-report.ts). The window is the `verify.duration` of the step into the
 * environment (5m where it has no `verify`), ending now.
 */
import type { SignalsReport } from "../../core/signals/report.js";
import { verifyInto } from "../../core/signals/report.js";
import type { Environment, Platform } from "../../renderers/model/index.js";
import { findEnvironment } from "../../renderers/platform.js";
import type { PromotionContext } from "../promotion/context.js";
import { readComponentHistory, readRelease } from "../promotion/reads.js";
import type { EnvironmentPrometheus } from "./read.js";
import { readReleaseSignals } from "./release-report.js";

/** Which release's signals to read. */
export interface ReleaseSignalsRequest {
  readonly project: string;
  readonly component: string;
  readonly environment: string;
  readonly release: string;
}

/** What {@link readEnvironmentSignals} reads through. */
export interface EnvironmentSignalsDeps {
  /** The environment's Prometheus (the cluster runtime's, with its bearer token). */
  readonly prometheusOf: (platform: Platform, environment: Environment) => EnvironmentPrometheus;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/** The window of the signals where the step into `env` has no `verify`. */
export const DEFAULT_SIGNALS_WINDOW = "5m";

/** The release's signals in the environment, judged; undefined for an environment the platform does not name. */
export async function readEnvironmentSignals(
  ctx: PromotionContext,
  req: ReleaseSignalsRequest,
  deps: EnvironmentSignalsDeps,
): Promise<SignalsReport | undefined> {
  const platform = ctx.bundle.platform;
  const environment = findEnvironment(platform, req.environment);
  if (!environment) return undefined;
  const [history, frozen] = await Promise.all([
    readComponentHistory(ctx, req.project, req.component),
    ctx.resolver.resolve(environment).then((target) => readRelease(ctx, target, req.project, req.component, req.release)),
  ]);
  return readReleaseSignals({
    platform,
    environment,
    project: req.project,
    component: req.component,
    release: req.release,
    history: history.environments.get(environment.name) ?? [],
    ...(frozen ? { frozen: { type: frozen.spec.component.spec.type, componentType: frozen.spec.componentType } } : {}),
    since: verifyInto(platform, environment.name)?.duration ?? DEFAULT_SIGNALS_WINDOW,
    now: deps.now() / 1000,
    prometheus: deps.prometheusOf(platform, environment),
    notes: frozen ? [] : [`the release file of ${req.release} could not be read: only the platform's signals apply`],
  });
}
