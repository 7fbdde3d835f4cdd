/**
 * The promotion scene: dev → staging → prod, prod in its own GitOps repository, one clock for
 * the fake GitHub, the app and Ferry's commits, and helpers that act like people on GitHub
 * (reviews, comments, merges) and deliver the webhooks GitHub would send.
 */
import type { Deps } from "../../app/index.js";
import { GATES_CHECK } from "../../flows/promotion/gates-check.js";
import type { Scheduler } from "../../app/scheduler.js";
import type { IssueCommentRecord, PullRequestRecord, ReviewRecord } from "./fake-github/model.js";
import { payload } from "./webhooks.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, pushPayload, startScene } from "./harness.js";
import type { Scene } from "./harness.js";

export const PROD_REPO = "acme/gitops-prod";

/**
 * dev (auto-merge, no approvals) → staging (1 approval, auto-merge) → prod (2 from sre, auto-merge, window, soak 30m
 * unless `prodSoak` says otherwise; `prodRequireHealth` sets the staging → prod step's `requireHealth`).
 */
export function pipelinePlatform(opts: { devApprovals?: number; stagingAutoMerge?: boolean; prodSoak?: string; prodRequireHealth?: boolean } = {}): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: dev
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
      autoMerge: true
      approvals: {required: ${opts.devApprovals ?? 0}}
    - name: staging
      gitops: {repo: acme/gitops, branch: main, path: environments/staging}
      approvals: {required: 1}
      autoMerge: ${opts.stagingAutoMerge ?? true}
    - name: prod
      production: true
      gitops: {repo: ${PROD_REPO}, branch: main, path: environments/prod}
      approvals: {required: 2, teams: [sre]}
      autoMerge: true
      commandPermission: maintain
      window: {days: [mon, tue, wed, thu], hours: "09:00-16:00", timezone: Europe/Berlin}
  pipeline:
    - from: dev
      to: [staging]
    - from: staging
      to: [prod]
      soak: ${opts.prodSoak ?? "30m"}${opts.prodRequireHealth === undefined ? "" : `\n      requireHealth: ${opts.prodRequireHealth}`}
  pricing: {cpu: 20, memory: 4, storage: 0.1, currency: EUR}
`;
}

/** The shop/api component at an image, two replicas in prod (the production policy wants them). */
export function apiYaml(image: string): string {
  return componentYaml({ image, extra: "  environments:\n    prod: {replicas: 2}\n" });
}

/** A clock tests move by hand. */
export class TestClock {
  #now: number;
  constructor(iso: string) {
    this.#now = Date.parse(iso);
  }
  readonly now = (): Date => new Date(this.#now);
  set(iso: string): void {
    this.#now = Date.parse(iso);
  }
  /** Moves on a minute (default), so every commit and review has its own time. */
  tick(ms = 60_000): void {
    this.#now += ms;
  }
}

/** A scheduler that only records the task: tests run it when they want. */
export class ManualScheduler implements Scheduler {
  readonly tasks: (() => Promise<void>)[] = [];
  start(task: () => Promise<void>): () => void {
    this.tasks.push(task);
    return () => undefined;
  }
  async runAll(): Promise<void> {
    for (const t of this.tasks) await t();
  }
}

/** A promotion scene and its clock. */
export interface PromotionScene {
  readonly s: Scene;
  readonly clock: TestClock;
}

/** The people with write permission on the scene's GitOps repositories. */
export const REVIEWERS = ["alice", "bob", "carol", "dana", "lee", "sam", "sasha"] as const;

/** Starts the scene (Monday 2026-03-02 10:00 Berlin unless `at` says otherwise); `sre` = sam, sasha; {@link REVIEWERS} may approve. */
export async function startPromotionScene(opts: { at?: string; platform?: string; deps?: Partial<Deps> } = {}): Promise<PromotionScene> {
  const clock = new TestClock(opts.at ?? "2026-03-02T09:00:00Z");
  const s = await startScene({
    platform: opts.platform ?? pipelinePlatform(),
    appFiles: { ".ferry/api.yaml": apiYaml("ghcr.io/acme/api:1.0.0"), "README.md": "shop api\n" },
    gitopsRepos: [PROD_REPO],
    clock: clock.now,
    ...(opts.deps ? { deps: opts.deps } : {}),
  });
  s.fake.addTeam("acme", "sre", { members: ["sam", "sasha"] });
  // The reviewers may approve: write permission on the GitOps repositories (a read-only reviewer's approval never counts).
  for (const repo of [GITOPS_REPO, PROD_REPO]) for (const login of REVIEWERS) s.fake.setPermission(repo, login, "write");
  return { s, clock };
}

/** `git` in a GitOps repository of the scene's git server. */
export function git(s: Scene, repo: string, args: string[]): Promise<string> {
  return s.git.git(repo, args);
}

/** The release label of the component's Deployment in an environment (at `ref`), if any. */
export async function releaseIn(s: Scene, repo: string, env: string, ref = "main"): Promise<string | undefined> {
  const text = await git(s, repo, ["show", `${ref}:environments/${env}/shop/api/deployment-api.yaml`]).catch(() => undefined);
  return text ? /ferry\.dev\/release: ([0-9a-f]{12})/.exec(text)?.[1] : undefined;
}

/** Pushes the component at `image` to the app repository and delivers the push; returns the release in dev. */
export async function releaseImage(p: PromotionScene, image: string): Promise<{ sha: string; release: string }> {
  p.clock.tick();
  const { sha, before } = await commitApp(p.s, { ".ferry/api.yaml": apiYaml(image) });
  const res = await p.s.post("push", pushPayload(p.s, sha, before, { modified: [".ferry/api.yaml"] }));
  if (res.status !== 200) throw new Error(`push delivery answered ${res.status}: ${res.body}`);
  const release = await releaseIn(p.s, GITOPS_REPO, "dev");
  if (!release) throw new Error("dev runs no release after the push");
  return { sha, release };
}

/** The open promotion pull request into `env`. */
export function openPromotion(s: Scene, env: string): PullRequestRecord | undefined {
  const repo = env === "prod" ? PROD_REPO : GITOPS_REPO;
  return s.fake.pullsIn(repo, "open").find((pr) => pr.head.ref === `ferry/promote/shop/api/${env}`);
}

/** Like {@link openPromotion}, throwing when there is none. */
export function mustPromotion(s: Scene, env: string): PullRequestRecord {
  const pr = openPromotion(s, env);
  if (!pr) throw new Error(`no open promotion pull request into ${env}`);
  return pr;
}

async function deliverReview(p: PromotionScene, pr: PullRequestRecord, r: ReviewRecord, action: "submitted" | "dismissed"): Promise<void> {
  const body = payload("pull_request_review", action, {
    repo: pr.repo,
    number: pr.number,
    branch: pr.head.ref,
    sha: pr.head.sha,
    sender: r.user,
    installationId: p.s.installationId,
    overrides: { review: { id: r.id, state: r.state.toLowerCase() as "approved", user: { login: r.user } } },
  });
  const res = await p.s.post("pull_request_review", body);
  if (res.status !== 200) throw new Error(`review delivery answered ${res.status}: ${res.body}`);
}

/** A review by `user` (GitHub records it, then delivers `pull_request_review` submitted). */
export async function review(
  p: PromotionScene,
  pr: PullRequestRecord,
  user: string,
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" = "APPROVED",
): Promise<ReviewRecord> {
  p.clock.tick();
  const r = await p.s.fake.addReview(pr.repo, pr.number, { user, state });
  await deliverReview(p, pr, r, "submitted");
  return r;
}

/** A maintainer dismisses a review (GitHub turns its state to DISMISSED, then delivers `dismissed`). */
export async function dismiss(p: PromotionScene, pr: PullRequestRecord, r: ReviewRecord): Promise<void> {
  p.clock.tick();
  r.state = "DISMISSED";
  await deliverReview(p, pr, r, "dismissed");
}

/** A comment by `user` on a pull request (GitHub records it, then delivers `issue_comment`). */
export async function comment(
  p: PromotionScene,
  repo: string,
  number: number,
  user: string,
  text: string,
  type: "User" | "Bot" = "User",
): Promise<IssueCommentRecord> {
  p.clock.tick();
  const c = p.s.fake.addComment(repo, number, { user, body: text });
  const url = `http://github.localhost/${repo}/pull/${number}`;
  const body = payload("issue_comment", "created", {
    repo,
    number,
    body: text,
    sender: user,
    installationId: p.s.installationId,
    overrides: {
      comment: { id: c.id, html_url: `${url}#issuecomment-${c.id}`, user: { login: user, type } },
      issue: {
        pull_request: {
          url: `http://api.github.localhost/repos/${repo}/pulls/${number}`,
          html_url: url,
          diff_url: `${url}.diff`,
          patch_url: `${url}.patch`,
          merged_at: null,
        },
      },
    },
  });
  const res = await p.s.post("issue_comment", body);
  if (res.status !== 200) throw new Error(`comment delivery answered ${res.status}: ${res.body}`);
  return c;
}

/** Ferry's replies on a pull request, oldest first. */
export function replies(s: Scene, repo: string, number: number): string[] {
  return s.fake
    .commentsOn(repo, number)
    .filter((c) => c.user === "ferry[bot]")
    .map((c) => c.body);
}

/** Every conclusion the `Ferry / gates` run(s) on a commit reported, in order. */
export function gateConclusions(s: Scene, repo: string, sha: string): string[] {
  return s.fake.checkRunsFor(repo, { sha, name: GATES_CHECK }).flatMap((run) => run.history.map((h) => String(h.request.conclusion ?? h.request.status)));
}

/** The latest `Ferry / gates` run on a commit. */
export function gatesRun(s: Scene, repo: string, sha: string): NonNullable<ReturnType<Scene["fake"]["latestCheckRun"]>> {
  const run = s.fake.latestCheckRun(repo, GATES_CHECK, sha);
  if (!run) throw new Error(`no ${GATES_CHECK} run on ${sha} in ${repo}`);
  return run;
}

/** Refs, open pull requests and check runs: what "changes nothing" compares. */
export async function footprint(s: Scene): Promise<string> {
  const refs = async (repo: string) => (await git(s, repo, ["for-each-ref", "--format=%(refname) %(objectname)"])).trim();
  const pulls = s.fake.state.pulls.map((pr) => `${pr.repo}#${pr.number}:${pr.state}:${pr.head.sha}:${pr.title}`).sort();
  const checks = s.fake.state.checkRuns.map((r) => `${r.repo}:${r.name}:${r.headSha}:${r.history.length}`).sort();
  return JSON.stringify({ gitops: await refs(GITOPS_REPO), prod: await refs(PROD_REPO), pulls, checks });
}

/** An app repository pull request (a developer's), for commands given there. */
export async function appPullRequest(p: PromotionScene, branch = "feature"): Promise<PullRequestRecord> {
  p.clock.tick();
  await commitApp(p.s, { "README.md": `shop api (${branch})\n` }, branch);
  return p.s.fake.openPullRequest(APP_REPO, { head: branch, title: "A feature", user: "dana" });
}

/** A REST call to the fake GitHub as someone acting on the website would make it (the fake knows installation tokens only). */
export async function githubApi(s: Scene, method: string, path: string, body?: object): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${s.fake.url}${path}`, {
    method,
    headers: {
      authorization: `token ${s.fake.issueToken(s.installationId).token}`,
      accept: "application/vnd.github+json",
      ...(body ? { "content-type": "application/json" } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: res.status === 204 ? undefined : await res.json() };
}
