/**
 * Getting around the promotion gates as a person with access to the GitOps repository would try
 * it, end to end: signed deliveries to the app's webhook endpoint, the contract-checked fake
 * GitHub, real GitOps repositories behind a git server, and pushes made with real git. Each
 * attack must end with nothing merged (issue 21, items 1-4).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { PullRequestRecord } from "../../support/fake-github/model.js";
import { payload } from "../../support/webhooks.js";
import { APP_REPO, GITOPS_REPO, sceneTeardown } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";
import {
  appPullRequest,
  comment,
  gatesRun,
  githubApi,
  mustPromotion,
  releaseImage,
  releaseIn,
  replies,
  review,
  startPromotionScene,
} from "../../support/promotion-scene.js";

const run = promisify(execFile);
const scenes = sceneTeardown();
const MERGE = "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge";

/** A person GitHub knows by the email their commits carry. */
function person(s: Scene, login: string): { login: string; email: string } {
  const email = `${login}@people.example`;
  const known = s.fake.user(login, "User", { email });
  s.fake.state.users.set(login.toLowerCase(), { ...known, email });
  return { login, email };
}

/**
 * `who` clones the GitOps repository over HTTP, changes the checkout with `change` (nothing: an
 * empty commit), commits as themselves with `message` and pushes to `branch`, as they would with
 * git on their machine. Returns the commit pushed.
 */
async function pushAs(
  s: Scene,
  who: { login: string; email: string },
  branch: string,
  message: string,
  change: (dir: string) => Promise<void> = async () => undefined,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-person-"));
  const env = { ...process.env, GIT_AUTHOR_NAME: who.login, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.login, GIT_COMMITTER_EMAIL: who.email };
  const git = async (args: string[]) => (await run("git", args, { cwd: dir, env })).stdout;
  try {
    await git(["clone", "-q", "--branch", branch, s.git.repoUrl(GITOPS_REPO), "."]);
    await change(dir);
    await git(["add", "-A"]);
    await git(["commit", "-q", "--allow-empty", "-m", message]);
    await git(["push", "-q", "origin", `HEAD:${branch}`]);
    return (await git(["rev-parse", "HEAD"])).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** GitHub's `pull_request` delivery for a push to the pull request's branch. */
async function synchronize(s: Scene, pr: PullRequestRecord, sha: string, sender: string): Promise<void> {
  const res = await s.post(
    "pull_request",
    payload("pull_request", "synchronize", { repo: pr.repo, number: pr.number, branch: pr.head.ref, sha, sender, installationId: s.installationId }),
  );
  expect(res.status).toBe(200);
}

/** GitHub's `pull_request` `edited` delivery for a person's edit of the body (the payload examples have none: built from `opened`). */
function editedDelivery(s: Scene, pr: PullRequestRecord, sender: string, from: string) {
  const body = payload("pull_request", "opened", {
    repo: pr.repo,
    number: pr.number,
    branch: pr.head.ref,
    sha: pr.head.sha,
    sender,
    installationId: s.installationId,
  });
  return { ...body, action: "edited", changes: { body: { from } } };
}

/** Replaces `from` with `to` in every file under `dir` (recursively). */
async function replaceIn(dir: string, from: string, to: string): Promise<string[]> {
  const changed: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const text = await readFile(path, "utf8");
    if (!text.includes(from)) continue;
    await writeFile(path, text.replaceAll(from, to));
    changed.push(path);
  }
  return changed;
}

/** The trailers of Ferry's commit at the branch's head, copied as a forger would. */
async function ferryTrailers(s: Scene, ref: string): Promise<string> {
  const message = await s.git.git(GITOPS_REPO, ["log", "-1", "--format=%B", ref]);
  return message.slice(message.lastIndexOf("\n\n") + 2).trim();
}

describe("gates bound to what Ferry verified", () => {
  it("the requester who deletes the marker from the body and approves is not counted, nothing is merged, and Ferry puts its body back", async () => {
    const p = await startPromotionScene();
    const s = scenes.track(p.s);
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const auto = mustPromotion(s, "staging");
    const autoHead = auto.head.sha;
    s.fake.setPermission(APP_REPO, "wendy", "write");
    s.fake.setPermission(GITOPS_REPO, "wendy", "write");
    // wendy asks for the promotion Ferry has open already: same pull request, same files, and a
    // commit of Ferry's recording (sealed) that she asked.
    await comment(p, APP_REPO, (await appPullRequest(p)).number, "wendy", "/ferry promote staging");
    const asked = mustPromotion(s, "staging");
    expect(asked.number).toBe(auto.number);
    expect(asked.head.sha).not.toBe(autoHead);
    expect(await s.git.git(GITOPS_REPO, ["diff", "--stat", autoHead, asked.head.sha])).toBe("");
    expect(await s.git.git(GITOPS_REPO, ["log", "-1", "--format=%(trailers:key=Ferry-Requested-By,valueonly)", asked.head.sha])).toBe("wendy\n\n");
    const ferryBody = asked.body ?? "";
    expect(ferryBody).toContain("<!-- ferry:requested-by wendy -->");

    // wendy takes herself out of the body (and the visible line), then approves her own promotion.
    const edited = ferryBody.replace("<!-- ferry:requested-by wendy -->\n", "").replace(/Requested by @wendy.*\n/, "");
    expect(edited).not.toContain("wendy");
    expect((await githubApi(s, "PATCH", `/repos/${GITOPS_REPO}/pulls/${asked.number}`, { body: edited })).status).toBe(200);
    await review(p, asked, "wendy");
    const summary = gatesRun(s, GITOPS_REPO, asked.head.sha).output.summary ?? "";
    expect(summary).toContain("| approvals | ⏳ pending | 0 of 1 approval; @wendy cannot approve (asked for the promotion) |");
    expect(s.fake.mustPull(GITOPS_REPO, asked.number).mergedAt).toBeNull();
    expect(await releaseIn(s, GITOPS_REPO, "staging")).toBeUndefined();

    // GitHub tells Ferry about the edit: its own body is back (without the link to the comment,
    // which only the old body knew), and nothing else changed.
    const res = await s.post("pull_request", editedDelivery(s, asked, "wendy", edited));
    expect(res.status).toBe(200);
    const restored = s.fake.mustPull(GITOPS_REPO, asked.number);
    expect(restored.body).toBe(ferryBody.replace(/ \(\[comment\]\([^)]*\)\)/, ""));
    expect(restored.head.sha).toBe(asked.head.sha);
    expect(restored.mergedAt).toBeNull();
    // Restoring twice is the same body (the edit Ferry made itself is not acted on).
    const again = await s.post("pull_request", editedDelivery(s, asked, "wendy", edited));
    expect(again.status).toBe(200);
    expect(s.fake.mustPull(GITOPS_REPO, asked.number).body).toBe(restored.body);

    // Someone else may approve it.
    await review(p, asked, "alice");
    expect(s.fake.mustPull(GITOPS_REPO, asked.number).mergedAt).not.toBeNull();
    expect(await releaseIn(s, GITOPS_REPO, "staging")).toBe(release);
  });

  it("a changed release file (another image, same name) and matching manifests pushed to the branch fail the gates, naming the commit and its author", async () => {
    const p = await startPromotionScene();
    const s = scenes.track(p.s);
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const staging = mustPromotion(s, "staging");
    const mallory = person(s, "mallory");
    s.fake.setPermission(GITOPS_REPO, "mallory", "write");
    const trailers = await ferryTrailers(s, staging.head.ref);
    const forged = await pushAs(s, mallory, staging.head.ref, `ferry: promote shop/api ${release} from dev to staging\n\n${trailers}`, async (dir) => {
      const changed = [
        ...(await replaceIn(join(dir, "releases/shop/api"), "ghcr.io/acme/api:1.1.0", "ghcr.io/mallory/api:6.6.6")),
        ...(await replaceIn(join(dir, "environments/staging/shop/api"), "ghcr.io/acme/api:1.1.0", "ghcr.io/mallory/api:6.6.6")),
      ];
      expect(changed.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
        "environments/staging/shop/api/deployment-api.yaml",
        `releases/shop/api/${release}.yaml`,
      ]);
    });
    await synchronize(s, staging, forged, "mallory");
    await review(p, { ...staging, head: { ...staging.head, sha: forged } }, "alice");

    const run = gatesRun(s, GITOPS_REPO, forged);
    expect(run.conclusion).toBe("failure");
    const summary = run.output.summary ?? "";
    expect(summary).toContain(`commit ${forged} by @mallory (mallory <mallory@people.example>) was not made by Ferry`);
    expect(summary).toMatch(new RegExp(`the frozen release's content hashes to [0-9a-f]{12}, not ${release}`));
    expect(summary).toContain(`the branch does not hold release ${release} as Ferry renders it for staging`);
    expect(s.fake.mustPull(GITOPS_REPO, staging.number).mergedAt).toBeNull();
    expect(s.fake.requestsTo(MERGE)).toEqual([]);
    expect(await releaseIn(s, GITOPS_REPO, "staging")).toBeUndefined();
    expect(await s.git.git(GITOPS_REPO, ["grep", "-c", "mallory", "main", "--", "environments", "releases"]).catch(() => "none")).toBe("none");
  });

  it("a read-only collaborator's approval is not counted; a writer's is", async () => {
    const p = await startPromotionScene();
    const s = scenes.track(p.s);
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const staging = mustPromotion(s, "staging");
    s.fake.setPermission(GITOPS_REPO, "rita", "read");
    await review(p, staging, "rita");
    expect(gatesRun(s, GITOPS_REPO, staging.head.sha).output.summary).toContain(
      "| approvals | ⏳ pending | 0 of 1 approval; @rita cannot approve (read permission on the GitOps repository; approving needs write) |",
    );
    // A bot's approval does not count either, whatever its permission.
    s.fake.setPermission(GITOPS_REPO, "helper[bot]", "admin");
    await review(p, staging, "helper[bot]");
    expect(gatesRun(s, GITOPS_REPO, staging.head.sha).output.summary).toContain("@helper[bot] cannot approve (a bot)");
    expect(s.fake.mustPull(GITOPS_REPO, staging.number).mergedAt).toBeNull();
    expect(s.fake.requestsTo(MERGE)).toEqual([]);

    await review(p, staging, "alice");
    expect(s.fake.mustPull(GITOPS_REPO, staging.number).mergedAt).not.toBeNull();
    expect(await releaseIn(s, GITOPS_REPO, "staging")).toBe(release);
  });

  it("the approval of a person who pushed a commit to the branch is not counted", async () => {
    const p = await startPromotionScene();
    const s = scenes.track(p.s);
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const staging = mustPromotion(s, "staging");
    const bob = person(s, "bob"); // a writer (promotion-scene REVIEWERS)
    // A commit that changes no file, with Ferry's trailers copied: the content is still Ferry's rendering.
    const pushed = await pushAs(
      s,
      bob,
      staging.head.ref,
      `ferry: promote shop/api ${release} from dev to staging\n\n${await ferryTrailers(s, staging.head.ref)}`,
    );
    await synchronize(s, staging, pushed, "bob");
    await review(p, { ...staging, head: { ...staging.head, sha: pushed } }, "bob");

    const summary = gatesRun(s, GITOPS_REPO, pushed).output.summary ?? "";
    expect(summary).toContain("| approvals | ⏳ pending | 0 of 1 approval; @bob cannot approve (pushed a commit to the branch) |");
    expect(summary).toContain(`commit ${pushed} by @bob (bob <bob@people.example>) was not made by Ferry`);
    expect(s.fake.mustPull(GITOPS_REPO, staging.number).mergedAt).toBeNull();
    expect(s.fake.requestsTo(MERGE)).toEqual([]);
    expect(await releaseIn(s, GITOPS_REPO, "staging")).toBeUndefined();
  });

  it("a head that moves between Ferry's reads and its merge is not merged at the old commit; the new head is evaluated at once", async () => {
    const p = await startPromotionScene();
    const s = scenes.track(p.s);
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const staging = mustPromotion(s, "staging");
    const judged = staging.head.sha;
    const mallory = person(s, "mallory");
    s.fake.setPermission(GITOPS_REPO, "mallory", "write");
    const trailers = await ferryTrailers(s, staging.head.ref);

    // While Ferry reads the reviews of alice's approval, mallory pushes another image to the branch.
    let moved: string | undefined;
    s.fake.override("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", async () => {
      moved ??= await pushAs(s, mallory, staging.head.ref, `ferry: promote shop/api ${release} from dev to staging\n\n${trailers}`, async (dir) => {
        await replaceIn(join(dir, "environments/staging/shop/api"), "ghcr.io/acme/api:1.1.0", "ghcr.io/mallory/api:6.6.6");
      });
      return undefined;
    });
    await review(p, staging, "alice");
    expect(moved).toBeDefined();

    // Ferry judged `judged` and asked GitHub to merge exactly that commit, which GitHub refused.
    const merges = s.fake.requestsTo(MERGE);
    expect(merges.map((m) => [m.status, (m.requestBody as { sha?: string } | undefined)?.sha])).toEqual([[409, judged]]);
    expect(s.fake.mustPull(GITOPS_REPO, staging.number).mergedAt).toBeNull();
    expect(await releaseIn(s, GITOPS_REPO, "staging")).toBeUndefined();
    // The new head was evaluated in the same job (no push event needed): it fails, naming mallory's commit.
    const now = gatesRun(s, GITOPS_REPO, moved!);
    expect(now.conclusion).toBe("failure");
    expect(now.output.summary).toContain(`commit ${moved} by @mallory`);
    // No "GitHub refused Ferry's merge" comment: the refusal was the head moving, which Ferry handled.
    expect(replies(s, GITOPS_REPO, staging.number)).toEqual([]);
  });
});
