/**
 * The Ferry GitHub App: wires webhook events to their handlers in `app/handlers/`, each delivery
 * handled at most once per app instance, its work run on the job queue (app/jobs/queue.ts) after
 * the delivery is answered. Nothing else lives here.
 */
import type { ApplicationFunction } from "probot";
import { appIdentity, repoInstallationId } from "../adapters/github/apps.js";
import { commitAuthorOf, userByLogin } from "../adapters/github/people.js";
import { loadConfig } from "./config.js";
import type { Deps } from "./deps.js";
import { memoizeAppId, memoizeKey, memoizeLogin, needsConfig, resolveDeps, SEAL_KEY_LABEL } from "./deps.js";
import { onCheckRun } from "./handlers/check_run.js";
import { onIssueComment } from "./handlers/issue_comment.js";
import { onPullRequest } from "./handlers/pull_request.js";
import { onPullRequestReview } from "./handlers/pull_request_review.js";
import { onPush } from "./handlers/push.js";
import { onWorkflowRun } from "./handlers/workflow_run.js";
import { serveEndpoints } from "./endpoints.js";
import { doraMetricsSource } from "./dora-metrics.js";
import { portalFromConfig, servePortal } from "./portal-mount.js";
import { serveMcp } from "./mcp-endpoint.js";
import { scheduledGates } from "../flows/promotion/triggers.js";
import { deliveryKey } from "./jobs/keys.js";
import type { KeyedPayload } from "./jobs/keys.js";
import { scheduledReconcile } from "./reconcile-schedule.js";
import { withClusterStatus } from "./cluster-status.js";
import { leasedTask } from "./replicas.js";
import { limitWebhookPayloads } from "./webhook-limit.js";

export type { Deps } from "./deps.js";

/** The periodic passes' lease time: renewed while a pass runs, so a replica that dies frees it this soon. */
const PASS_LEASE_MS = 30_000;

/** `task` run under the lease `name`: skipped (with a debug log) while another replica holds it. */
function leased(deps: Deps, name: string, task: () => Promise<void>): () => Promise<void> {
  return leasedTask(deps.leases, name, PASS_LEASE_MS, task, () => deps.logger.debug({ lease: name }, "another replica runs this pass now: skipped"));
}

/** What the queue needs of a Probot context. */
interface DeliveryEvent {
  readonly id: string;
  readonly name: string;
  readonly payload: KeyedPayload & { readonly action?: string };
}

/**
 * Records a delivery and queues `handler`'s work for it, so Probot answers the delivery at once
 * (after the signature check). A delivery id this app instance has seen before is skipped; one
 * whose work fails is forgotten, so GitHub's redelivery runs it again. While the app stops, a new
 * delivery is refused (answered 500): GitHub's redelivery brings it back. Deliveries and job
 * times are counted in the metrics.
 */
function enqueued<C extends DeliveryEvent>(deps: Deps, handler: (context: C, deps: Deps) => Promise<void>): (context: C) => Promise<void> {
  return async (context) => {
    if (!(await deps.deliveries.claim(context.id))) {
      deps.metrics.delivery(context.name, "duplicate");
      return deps.logger.info({ delivery: context.id }, "delivery seen before: skipped");
    }
    const job = {
      key: deliveryKey(context.payload),
      name: context.payload.action ? `${context.name}.${context.payload.action}` : context.name,
      delivery: context.id,
      run: async () => {
        let ok = false;
        try {
          await deps.metrics.timeJob(context.name, () => handler(context, deps));
          ok = true;
        } finally {
          await deps.deliveries.finish(context.id, ok);
          deps.metrics.delivery(context.name, ok ? "handled" : "failed");
        }
      },
    };
    if (!deps.queue.enqueue(job)) {
      await deps.deliveries.finish(context.id, false);
      throw new Error(`Ferry is stopping: delivery ${context.id} was not taken`);
    }
  };
}

/**
 * The Probot application function. Dependencies not given are built from the environment
 * (`loadConfig`), which also refuses to start on a missing or weak `WEBHOOK_SECRET`. With
 * `deps.scheduler`, the gates of open promotion pull requests are re-evaluated periodically.
 * With `deps.reconcile`, the reconcile pass runs (app/reconcile/). With a cluster runtime,
 * rollouts are watched and reported (see app/cluster-status.ts).
 */
export function createFerryApp(given: Partial<Deps> = {}): ApplicationFunction {
  return (app, options) => {
    // Reading the configuration checks all of it (WEBHOOK_SECRET included) before any event.
    const config = needsConfig(given) ? loadConfig() : undefined;
    limitWebhookPayloads(app);
    // One `GET /app` (remembered once it answers) gives both the bot's login and the app's id.
    const ownApp = memoizeLogin(async () => (await appIdentity(await app.auth())) ?? undefined);
    const botLogin = async () => {
      const slug = (await ownApp())?.slug;
      return slug ? `${slug}[bot]` : undefined;
    };
    // Ferry's own check runs are told from other apps' by this id (APP_ID when configured).
    const appId = memoizeAppId(async () => (await ownApp())?.id);
    // The commits Ferry makes are by its bot user (`<slug>[bot]`, `<id>+<slug>[bot]@users.noreply.github.com`);
    // the bot user's id is read with the platform repository's installation.
    // Until they can be read (retried at the next commit), commits carry adapters/git's default author.
    const commitAuthor = memoizeLogin(async () => {
      const login = await botLogin();
      if (!login) return undefined;
      try {
        const octokit = await app.auth(await repoInstallationId(await app.auth(), deps.platformRepo));
        const bot = await userByLogin(octokit, login);
        return commitAuthorOf(octokit, bot);
      } catch (e) {
        deps.logger.warn({ err: e, bot: login }, "cannot read the bot user's id: this commit is authored as Ferry");
        throw e;
      }
    });
    // The seal key: an HMAC of a fixed label under the webhook secret, which only Ferry (and GitHub) holds.
    const sealKey = memoizeKey(async () => Buffer.from((await app.webhooks.sign(SEAL_KEY_LABEL)).replace(/^sha256=/, ""), "hex"));
    // Cluster status (flows/status/cluster-runtime.ts): `deps.clusterRuntime`, or FERRY_CLUSTER_STATUS / KUBECONFIG.
    const { deps } = withClusterStatus(resolveDeps(given, { logger: app.log, botLogin, appId, sealKey, commitAuthor, ...(config ? { config } : {}) }), app, {
      given,
      fromEnv: config !== undefined,
    });

    app.on("push", enqueued(deps, onPush));
    app.on("pull_request", enqueued(deps, onPullRequest));
    app.on("check_run", enqueued(deps, onCheckRun));
    app.on("workflow_run", enqueued(deps, onWorkflowRun));
    app.on("issue_comment", enqueued(deps, onIssueComment));
    app.on("pull_request_review", enqueued(deps, onPullRequestReview));
    // With replicas, one at a time runs each pass (a lease through Redis); every pass is idempotent anyway.
    const auth = (id?: number) => app.auth(id);
    const stopScheduler = deps.scheduler?.start(leased(deps, "gates", scheduledGates(auth, deps)));
    if (stopScheduler) deps.shutdown?.add("the periodic gates pass", stopScheduler);
    const stopReconcile = deps.reconcile?.start(leased(deps, "reconcile", scheduledReconcile(auth, deps)));
    if (stopReconcile) deps.shutdown?.add("the reconcile pass", stopReconcile);
    const runtime = deps.clusterRuntime;
    if (runtime) deps.shutdown?.add("the cluster runtime", () => runtime.stop());
    if (runtime) deps.metrics.watchedRollouts(() => runtime.watches.active().length);
    deps.metrics.queueDepth(() => deps.queue.stats().depth);
    if (deps.doraMetrics) {
      const installation = async () => app.auth(await repoInstallationId(await app.auth(), deps.platformRepo));
      deps.metrics.doraSource(doraMetricsSource(installation, deps, deps.doraMetrics));
    }
    serveEndpoints(app, options, deps);
    servePortal(app, options, deps.portal ?? portalFromConfig(config), deps);
    serveMcp(options, deps.mcp, deps.logger);
    // Registered last, so it runs first: queued work finishes before the watches stop.
    deps.shutdown?.add("the job queue", () => deps.queue.stop());
  };
}

export default createFerryApp();
