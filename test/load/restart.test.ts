/**
 * Restart safety of the promotion flow with the app as a real process (`app/main.ts`): a fake
 * GitHub reached as GitHub Enterprise Server, the GitOps repository on a real git server, and a
 * fake Kubernetes API named by KUBECONFIG. The process is killed with SIGKILL twice: once while
 * it opens the promotion pull request (GitHub slowed to 300 ms a call), once while it watches the
 * rollout the merge started. Each new process's start-up reconcile pass finishes the work: one
 * pull request, one merge, one status comment and deployment statuses that reach a final state.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateCerts, succeedingRollout, type FakeKubeCerts, type WorkloadSpec } from "../support/fake-kube/index.js";
import { componentYaml } from "../support/app-scene.js";
import { deliver, payload } from "../support/webhooks.js";
import { reconcileDone, startAppProcess, type AppProcess } from "./app-process.js";
import { GITOPS_REPO, SECRET, startWorld, type World } from "./world.js";
import { waitUntil } from "./wait.js";

const APP_REPO = "acme/shop-api";
const PROMOTION_BRANCH = "ferry/promote/shop/api/staging";
const STATUS_MARKER = "<!-- ferry:status:staging:shop/api -->";

const PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [${APP_REPO}]
  environments:
    - name: dev
      cluster: {context: kind-dev}
      gitops: {repo: ${GITOPS_REPO}, branch: main, path: environments/dev}
      autoMerge: true
    - name: staging
      cluster: {context: kind-staging}
      gitops: {repo: ${GITOPS_REPO}, branch: main, path: environments/staging}
      autoMerge: true
      approvals: {required: 0}
  pipeline:
    - from: dev
      to: [staging]
`;

const COMPONENT = componentYaml("ghcr.io/acme/api:1.1.0");

let certs: FakeKubeCerts;
let world: World | undefined;
const processes: AppProcess[] = [];

beforeAll(() => {
  certs = generateCerts();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") for (const p of processes) console.error(`--- ${p.name}\n${p.tail(80)}`);
  for (const p of processes.splice(0)) await p.stop();
  const w = world;
  world = undefined;
  if (!w) return;
  try {
    await w.fake.settled();
    w.fake.assertNoViolations();
  } finally {
    await w.close();
  }
});

async function start(w: World, name: string): Promise<AppProcess> {
  const p = await startAppProcess(name, w.appEnv());
  processes.push(p);
  return p;
}

/** The release label of shop/api's Deployment in an environment of the GitOps repository, if any. */
async function releaseIn(w: World, env: string): Promise<string | undefined> {
  const text = await w.git.git(GITOPS_REPO, ["show", `main:environments/${env}/shop/api/deployment-api.yaml`]).catch(() => undefined);
  return text ? /ferry\.dev\/release: ([0-9a-f]{12})/.exec(text)?.[1] : undefined;
}

function workload(environment: string, release: string): WorkloadSpec {
  return { project: "shop", component: "api", environment, release, generation: 2 };
}

function promotions(w: World) {
  return w.fake.pullsIn(GITOPS_REPO).filter((pr) => pr.head.ref === PROMOTION_BRANCH);
}

function statusComments(w: World, number: number) {
  return w.fake.commentsOn(GITOPS_REPO, number).filter((c) => c.body.startsWith(STATUS_MARKER));
}

/** `state: description` of every deployment status Ferry posted for an environment, per deployment. */
function deploymentStates(w: World, environment: string): string[][] {
  return w.fake.deploymentsIn(APP_REPO, environment).map((d) => d.statuses.map((s) => s.state));
}

const FINAL = new Set(["success", "failure", "error", "inactive"]);

describe("an app process killed with SIGKILL during a promotion", () => {
  it("is finished by the next process: one pull request, one merge, the status comment and deployment statuses reach a final state", async () => {
    world = await startWorld({
      platform: PLATFORM,
      apps: [{ repo: APP_REPO, files: { "README.md": "shop api\n" } }],
      contexts: ["kind-dev", "kind-staging"],
      certs,
    });
    const w = world;
    const first = await start(w, "app-1");
    await first.waitForLog(reconcileDone, "the start-up reconcile pass");

    // A push adds the component: released into dev (a direct commit) and watched there.
    const before = (await w.fake.branchSha(APP_REPO))!;
    const sha = await w.fake.commit(APP_REPO, { files: { ".ferry/api.yaml": COMPONENT }, message: "add api" });
    const push = payload("push", undefined, {
      repo: APP_REPO,
      sha,
      before,
      branch: "main",
      installationId: w.installationId,
      files: { added: [".ferry/api.yaml"] },
    });
    expect((await deliver(first.webhookUrl, "push", push, { secret: SECRET })).status).toBe(200);
    const release = await waitUntil("the release in dev", () => releaseIn(w, "dev"));

    // dev becomes Healthy with GitHub slow; the promotion starts. Killed once its pull request is open.
    w.fake.setLatency(300);
    const [devCreating, devAvailable] = succeedingRollout(workload("dev", release)).steps;
    w.kube!.applyStep(devCreating!);
    w.kube!.applyStep(devAvailable!);
    await waitUntil("the promotion pull request opened", async () => w.fake.requestsTo("POST /repos/{owner}/{repo}/pulls").length > 0 || undefined, 60_000);
    await first.kill();
    w.fake.setLatency(0);
    const opened = promotions(w);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.mergedAt).toBeNull();

    // The next process's start-up pass evaluates the gates and merges; the merge lands in staging and is watched.
    const second = await start(w, "app-2");
    await waitUntil("the promotion merged", async () => promotions(w)[0]?.mergedAt ?? undefined);
    const number = opened[0]!.number;
    await waitUntil("the staging status comment", async () => (statusComments(w, number)[0]?.body.includes("Progressing") ? true : undefined));
    await waitUntil("a staging deployment in progress", async () =>
      deploymentStates(w, "staging").some((s) => s.at(-1) === "in_progress") ? true : undefined,
    );
    expect(await releaseIn(w, "staging")).toBe(release);

    // Killed while it watches the rollout; the third process watches it again and reports its end.
    await second.kill();
    const third = await start(w, "app-3");
    await third.waitForLog((l) => l.msg.startsWith("reconcile repair: ") && l.kind === "rollout-watch" && l.outcome === "done", "the rollout watched again");
    const [stagingCreating, stagingAvailable] = succeedingRollout(workload("staging", release)).steps;
    w.kube!.applyStep(stagingCreating!);
    w.kube!.applyStep(stagingAvailable!);
    const healthy = "### ✅ shop/api in staging (`kind-staging`): Healthy";
    await waitUntil("the staging status comment says Healthy", async () => (statusComments(w, number)[0]?.body.includes(healthy) ? true : undefined));
    await waitUntil("every staging deployment final", async () =>
      deploymentStates(w, "staging").every((s) => FINAL.has(s.at(-1) ?? "")) && deploymentStates(w, "staging").some((s) => s.at(-1) === "success")
        ? true
        : undefined,
    );
    await third.waitForLog(reconcileDone, "a reconcile pass");

    expect(promotions(w)).toHaveLength(1);
    expect(w.fake.requestsTo("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge").filter((r) => r.status === 200)).toHaveLength(1);
    expect(statusComments(w, number)).toHaveLength(1);
    expect(statusComments(w, number)[0]!.body).toContain(healthy);
    expect(deploymentStates(w, "staging").map((s) => s.at(-1))).toEqual(["success"]);
    expect(deploymentStates(w, "dev").every((s) => FINAL.has(s.at(-1) ?? ""))).toBe(true);
    expect(w.fake.state.checkRuns.filter((c) => c.status !== "completed")).toEqual([]);
    const log = (await w.git.git(GITOPS_REPO, ["log", "--format=%s", "main"])).split("\n").filter(Boolean);
    expect(log.filter((s) => /staging/.test(s))).toHaveLength(1);
  }, 180_000);
});
