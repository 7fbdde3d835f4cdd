/**
 * The Ferry GitHub App: wires webhook events to their handlers in `app/handlers/`, each delivery
 * handled at most once per app instance. Nothing else lives here.
 */
import type { ApplicationFunction } from "probot";
import { loadConfig } from "./config.js";
import type { Deps } from "./deps.js";
import { memoizeLogin, needsConfig, resolveDeps } from "./deps.js";
import { onCheckRun } from "./handlers/check_run.js";
import { onIssueComment } from "./handlers/issue_comment.js";
import { onPullRequest } from "./handlers/pull_request.js";
import { onPullRequestReview } from "./handlers/pull_request_review.js";
import { onPush } from "./handlers/push.js";
import { onWorkflowRun } from "./handlers/workflow_run.js";
import { scheduledGates } from "./promotion/triggers.js";
import { scheduledReconcile } from "./reconcile/schedule.js";
import { withClusterStatus } from "./runtime/app.js";

export type { Deps } from "./deps.js";

/** Runs `handler` for a delivery unless this app instance has handled that delivery id already. */
function once<C extends { readonly id: string }>(deps: Deps, handler: (context: C, deps: Deps) => Promise<void>): (context: C) => Promise<void> {
  return async (context) => {
    const ran = await deps.deliveries.once(context.id, () => handler(context, deps));
    if (!ran) deps.logger.info({ delivery: context.id }, "delivery seen before: skipped");
  };
}

/**
 * The Probot application function. Dependencies not given are built from the environment
 * (`loadConfig`), which also refuses to start on a missing or weak `WEBHOOK_SECRET`. With
 * `deps.scheduler`, the gates of open promotion pull requests are re-evaluated periodically.
 * With `deps.reconcile`, the reconcile pass runs (app/reconcile/). With a cluster runtime,
 * rollouts are watched and reported (see app/runtime/app.ts).
 */
export function createFerryApp(given: Partial<Deps> = {}): ApplicationFunction {
  return (app) => {
    // Reading the configuration checks all of it (WEBHOOK_SECRET included) before any event.
    const config = needsConfig(given) ? loadConfig() : undefined;
    const botLogin = memoizeLogin(async () => {
      const { data } = await (await app.auth()).rest.apps.getAuthenticated();
      return data?.slug ? `${data.slug}[bot]` : undefined;
    });
    // Cluster status (app/runtime): `deps.clusterRuntime`, or FERRY_CLUSTER_STATUS / KUBECONFIG.
    const { deps } = withClusterStatus(resolveDeps(given, { logger: app.log, botLogin, ...(config ? { config } : {}) }), app, {
      given,
      fromEnv: config !== undefined,
    });

    app.on("push", once(deps, onPush));
    app.on("pull_request", once(deps, onPullRequest));
    app.on("check_run", once(deps, onCheckRun));
    app.on("workflow_run", once(deps, onWorkflowRun));
    app.on("issue_comment", once(deps, onIssueComment));
    app.on("pull_request_review", once(deps, onPullRequestReview));
    const stopScheduler = deps.scheduler?.start(scheduledGates((id) => app.auth(id), deps));
    if (stopScheduler) deps.shutdown?.add("the periodic gates pass", stopScheduler);
    const stopReconcile = deps.reconcile?.start(scheduledReconcile((id) => app.auth(id), deps));
    if (stopReconcile) deps.shutdown?.add("the reconcile pass", stopReconcile);
    const runtime = deps.clusterRuntime;
    if (runtime) deps.shutdown?.add("the cluster runtime", () => runtime.stop());
  };
}

export default createFerryApp();
