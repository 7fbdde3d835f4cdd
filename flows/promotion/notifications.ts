/**
 * What the Promotion flow tells the platform's notifications (`FlowServices.notify`): a release
 * landed (and, through a promotion pull request, the promotion merged; through a freeze, the
 * freeze broken: the merge commit carries `Ferry-Break-Glass`), a promotion or rollback opened.
 * Nothing here is awaited by the flow nor fails it: `notify` returns at once, and the one read
 * (the landing commit's trailers, from the GitOps history) runs beside the flow.
 */
import { fullName } from "../../adapters/github/types.js";
import { readEnvironmentCommits } from "../../adapters/git/environment.js";
import type { NotificationEvent } from "../../core/notifications/event.js";
import { recipientsOf } from "../../core/notifications/event.js";
import { TRAILERS } from "../../core/gitops/trailers.js";
import { parseBreakGlass } from "../../core/promotion/freezes.js";
import { findEnvironment } from "../../renderers/platform.js";
import { errorText } from "../errors.js";
import type { PromotionContext } from "./context.js";
import type { LandedRelease } from "./events.js";

/** The event of a landing, of `type`. */
function landingEvent(type: NotificationEvent["type"], landed: LandedRelease): NotificationEvent {
  return {
    type,
    project: landed.project,
    component: landed.component,
    environment: landed.environment,
    release: landed.release,
    gitops: fullName(landed.gitops),
    ...(landed.commit ? { commit: landed.commit } : {}),
    ...(landed.pull ? { pull: { number: landed.pull.number, url: landed.pull.url } } : {}),
    ...(landed.source ? { source: landed.source } : {}),
  };
}

/** Tells `release.landed`, and for a promotion pull request `promotion.merged` and, through a freeze, `freeze.broken`. Never rejects. */
export function tellLanded(ctx: PromotionContext, landed: LandedRelease): void {
  const { notify, logger } = ctx.deps;
  if (!notify) return;
  const platform = ctx.bundle.platform;
  notify(landingEvent("release.landed", landed), platform);
  if (!landed.promotion) return;
  notify(landingEvent("promotion.merged", landed), platform);
  const broken = landingEvent("freeze.broken", landed);
  const env = findEnvironment(platform, landed.environment);
  if (!landed.commit || !env || recipientsOf(platform, broken).length === 0) return;
  const commit = landed.commit;
  // Who broke glass is read from the merge commit's trailer, the record git keeps.
  void (async () => {
    const commits = await readEnvironmentCommits(ctx.deps.gitops, await ctx.resolver.resolve(env), landed.project, landed.component, {
      cacheDir: ctx.deps.cacheDir,
      limit: 10,
    });
    const value = commits.find((c) => c.sha === commit)?.trailers[TRAILERS.breakGlass]?.[0];
    const glass = value === undefined ? undefined : parseBreakGlass(value);
    if (glass) notify({ ...broken, by: glass.login, reason: glass.reason }, platform);
  })().catch((e: unknown) => logger.warn({ err: e, commit }, `cannot tell whether the promotion broke a freeze: ${errorText(e)}`));
}

/** Tells `promotion.opened` (or `rollback.opened`) for a pull request opened, or moved to another release. */
export function tellOpened(
  ctx: PromotionContext,
  opened: { readonly project: string; readonly component: string; readonly to: string; readonly release: string; readonly rollback: boolean },
  pull: { readonly repo: string; readonly number: number; readonly url: string; readonly commit: string },
  reason?: string,
): void {
  ctx.deps.notify?.(
    {
      type: opened.rollback ? "rollback.opened" : "promotion.opened",
      project: opened.project,
      component: opened.component,
      environment: opened.to,
      release: opened.release,
      gitops: pull.repo,
      commit: pull.commit,
      pull: { number: pull.number, url: pull.url },
      ...(reason ? { reason } : {}),
    },
    ctx.bundle.platform,
  );
}
