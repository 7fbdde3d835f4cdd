/**
 * The portal's Promote and Roll back buttons (Commands flow): the same pull requests as
 * `/ferry promote <env>` and `/ferry rollback <env>`, for a person whose own token has the role
 * the target environment's `commandPermission` asks on its GitOps repository; the pull request
 * names them as the requester. One port ({@link PortalActions}); the implementation follows
 * app/promotion/slash-commands.ts step by step (plan, then `ensurePromotion`).
 */
import { authorize } from "../../core/promotion/commands.js";
import { planPromote, planRollback } from "../../core/promotion/pipeline.js";
import { roleOn } from "../../adapters/github/people.js";
import type { GitHub } from "../../adapters/github/types.js";
import { parseRepoRef } from "../config.js";
import { DeliveryContext } from "../delivery.js";
import { PlatformUnavailable } from "../promotion/errors.js";
import { environmentNamed, promotionContext } from "../promotion/context.js";
import type { PromotionDeps } from "../promotion/context.js";
import { ensurePromotion } from "../promotion/promote.js";
import { readComponentHistory } from "../promotion/reads.js";
import { resultLine } from "../promotion/slash-commands.js";
import type { PortalPerson } from "./data.js";

/** What a button asks for. */
export interface PortalActionRequest {
  readonly project: string;
  readonly component: string;
  readonly environment: string;
}

/** What became of it: done (with the pull request line) or refused with the reason. */
export type PortalActionOutcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/** The port behind the buttons. */
export interface PortalActions {
  promote(person: PortalPerson, req: PortalActionRequest): Promise<PortalActionOutcome>;
  rollback(person: PortalPerson, req: PortalActionRequest): Promise<PortalActionOutcome>;
}

/** What the implementation needs of the app. */
export interface PortalActionsDeps {
  readonly installation: () => Promise<GitHub>;
  readonly deps: () => PromotionDeps;
}

/** Promote and Roll back through the promotion flow. */
export function ferryPortalActions(input: PortalActionsDeps): PortalActions {
  const run = async (verb: "promote" | "rollback", person: PortalPerson, req: PortalActionRequest): Promise<PortalActionOutcome> => {
    const deps = input.deps();
    let ctx;
    try {
      ctx = await promotionContext(new DeliveryContext(await input.installation(), deps), deps);
    } catch (e) {
      if (e instanceof PlatformUnavailable) return { ok: false, reason: `Ferry cannot read the platform: ${e.message}` };
      throw e;
    }
    const env = environmentNamed(ctx, req.environment);
    const project = ctx.bundle.platform.spec.projects.find((p) => p.name === req.project);
    if (!project) return { ok: false, reason: `there is no project ${JSON.stringify(req.project)} in the platform` };
    const permission = env ? await roleOn(person.octokit, parseRepoRef(env.gitops.repo)) : "none";
    const auth = authorize({ verb, env: req.environment }, env, { login: person.login, permission });
    if (!auth.allowed) return { ok: false, reason: auth.reason };
    const name = `${req.project}/${req.component}`;
    const history = await readComponentHistory(ctx, req.project, req.component);
    const plan = verb === "promote" ? planPromote(ctx.bundle.platform, history, { to: req.environment }) : planRollback(history, req.environment);
    if (!plan.ok) return { ok: false, reason: `${name}: ${plan.reason}` };
    const result = await ensurePromotion(ctx, {
      project: req.project,
      component: req.component,
      release: plan.release,
      from: "from" in plan ? plan.from.name : req.environment,
      to: req.environment,
      requestedBy: { login: person.login },
      history,
    });
    const line = resultLine(name, result).replace(/`/g, "");
    return "reason" in result ? { ok: false, reason: line } : { ok: true, text: line };
  };
  return { promote: (person, req) => run("promote", person, req), rollback: (person, req) => run("rollback", person, req) };
}
