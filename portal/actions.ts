/**
 * The portal's Promote and Roll back buttons (Commands flow): the same pull requests as
 * `/ferry promote <env>` and `/ferry rollback <env>`, for a person whose own token has the role
 * the target environment's `commandPermission` asks on the component's app repository; the pull request
 * names them as the requester. One port ({@link PortalActions}); the implementation is the same
 * code path as the commands (flows/promotion/requests.ts `requestPromotion`).
 */
import { roleOn } from "../adapters/github/people.js";
import type { GitHub } from "../adapters/github/types.js";
import { RunContext } from "../flows/run-context.js";
import { PlatformUnavailable } from "../flows/errors.js";
import { promotionContext } from "../flows/promotion/context.js";
import type { PromotionDeps } from "../flows/promotion/context.js";
import { appRepositoryOf, PromotionAsk, requestPromotion } from "../flows/promotion/requests.js";
import { resultLine } from "../flows/promotion/result-line.js";
import type { PortalActionOutcome, PortalActionRequest, PortalActions, PortalPerson } from "./ports.js";

/** What the implementation needs of the app. */
export interface PortalActionsDeps {
  readonly installation: () => Promise<GitHub>;
  readonly deps: () => PromotionDeps;
}

/** Promote and Roll back through the promotion flow's one code path for a person (flows/promotion/requests.ts). */
export function ferryPortalActions(input: PortalActionsDeps): PortalActions {
  const run = async (verb: "promote" | "rollback", person: PortalPerson, req: PortalActionRequest): Promise<PortalActionOutcome> => {
    const deps = input.deps();
    let ctx;
    try {
      ctx = await promotionContext(new RunContext(await input.installation(), deps), deps);
    } catch (e) {
      if (e instanceof PlatformUnavailable) return { ok: false, reason: `Ferry cannot read the platform: ${e.message}` };
      throw e;
    }
    const ask = PromotionAsk.safeParse({
      verb,
      project: req.project,
      component: req.component,
      env: req.environment,
      ...(verb === "promote" && req.breakGlass !== undefined ? { breakGlass: req.breakGlass } : {}),
    });
    if (!ask.success) return { ok: false, reason: `${req.project}/${req.component} into ${req.environment}: not a component and environment name` };
    if (!ctx.bundle.platform.spec.projects.some((p) => p.name === req.project)) {
      return { ok: false, reason: `there is no project ${JSON.stringify(req.project)} in the platform` };
    }
    // As for /ferry commands: the person's role on the component's app repository, here from their own token.
    const appRepo = await appRepositoryOf(ctx, req.project, req.component);
    const permission = appRepo ? await roleOn(person.octokit, appRepo) : "none";
    const outcome = await requestPromotion(ctx, ask.data, { login: person.login, permission }, { requestedBy: { login: person.login } });
    const name = `${req.project}/${req.component}`;
    if (outcome.kind === "refused") return { ok: false, reason: outcome.stage === "plan" ? `${name}: ${outcome.reason}` : outcome.reason };
    const line = resultLine(name, outcome.result).replace(/`/g, "");
    return "reason" in outcome.result ? { ok: false, reason: line } : { ok: true, text: line };
  };
  return { promote: (person, req) => run("promote", person, req), rollback: (person, req) => run("rollback", person, req) };
}
