/**
 * Realistic use of the fake through @octokit/rest, the way Ferry will use GitHub: check runs,
 * upserted comments, pull requests opened and merged (real git underneath, also through a real
 * git smart-HTTP server), contents at a ref, deployments, permissions. No violations allowed.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGitServer, type GitServer } from "../support/git-server.js";
import { ContractIndex, FakeGitHub, type PullRequestRecord } from "../support/fake-github/index.js";

const exec = promisify(execFile);
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const contract = ContractIndex.load();
const MARKER = "<!-- ferry:preview -->";

let fake: FakeGitHub;
let gh: Octokit;
let installationId: number;

beforeAll(async () => {
  fake = await FakeGitHub.start({ contract, now: () => new Date("2030-01-02T03:04:05.678Z") });
  installationId = fake.addInstallation({ account: "acme" }).id;
  gh = new Octokit({ baseUrl: fake.url, auth: fake.issueToken(installationId).token, log: quiet });
  await fake.addRepo({
    owner: "acme",
    name: "app",
    files: { ".ferry/api.yaml": "kind: Component\nname: api\n", ".ferry/worker.yaml": "kind: Component\nname: worker\n", "src/main.go": "package main\n" },
  });
});

afterEach(() => {
  fake.assertNoViolations();
});

afterAll(async () => {
  await fake.close();
});

describe("check runs", () => {
  it("creates, updates with annotations, and keeps the history and the final state", async () => {
    const sha = (await fake.branchSha("acme/app")) ?? "";
    const created = await gh.checks.create({
      owner: "acme",
      repo: "app",
      name: "Ferry / validate",
      head_sha: sha,
      status: "in_progress",
      external_id: "delivery-1",
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ name: "Ferry / validate", head_sha: sha, status: "in_progress", conclusion: null, app: { slug: "ferry" } });
    const updated = await gh.checks.update({
      owner: "acme",
      repo: "app",
      check_run_id: created.data.id,
      conclusion: "failure",
      output: {
        title: "1 error",
        summary: "`.ferry/api.yaml` is invalid",
        annotations: [
          { path: ".ferry/api.yaml", start_line: 2, end_line: 2, start_column: 7, end_column: 10, annotation_level: "failure", message: "unknown field" },
        ],
      },
    });
    expect(updated.data).toMatchObject({ status: "completed", conclusion: "failure", completed_at: "2030-01-02T03:04:05Z", output: { annotations_count: 1 } });

    const run = fake.latestCheckRun("acme/app", "Ferry / validate", sha);
    expect(run?.conclusion).toBe("failure");
    expect(run?.annotations).toEqual([expect.objectContaining({ path: ".ferry/api.yaml", start_line: 2, message: "unknown field" })]);
    expect(run?.history.map((h) => h.method)).toEqual(["create", "update"]);

    const annotations = await gh.checks.listAnnotations({ owner: "acme", repo: "app", check_run_id: created.data.id });
    expect(annotations.data).toEqual([expect.objectContaining({ path: ".ferry/api.yaml", start_column: 7, annotation_level: "failure" })]);
    await gh.checks.create({ owner: "acme", repo: "app", name: "Ferry / validate", head_sha: sha, conclusion: "success" });
    const listed = await gh.checks.listForRef({ owner: "acme", repo: "app", ref: "main", check_name: "Ferry / validate" });
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.check_runs[0]?.conclusion).toBe("success");
  });

  it("refuses a completed check run without a conclusion and a sha that is not in the repository", async () => {
    const sha = (await fake.branchSha("acme/app")) ?? "";
    await expect(gh.checks.create({ owner: "acme", repo: "app", name: "x", head_sha: sha, status: "completed" })).rejects.toMatchObject({ status: 422 });
    await expect(gh.checks.create({ owner: "acme", repo: "app", name: "x", head_sha: "0".repeat(40) })).rejects.toMatchObject({ status: 422 });
    expect(fake.checkRunsFor("acme/app", { name: "x" })).toEqual([]);
  });
});

describe("contents at a ref", () => {
  it("serves files (base64), directory listings, trees, blobs and commits from git", async () => {
    const first = (await fake.branchSha("acme/app")) ?? "";
    const second = await fake.commit("acme/app", { files: { ".ferry/api.yaml": "kind: Component\nname: api\nreplicas: 2\n", ".ferry/worker.yaml": null } });

    const old = await gh.repos.getContent({ owner: "acme", repo: "app", path: ".ferry/api.yaml", ref: first });
    const now = await gh.repos.getContent({ owner: "acme", repo: "app", path: ".ferry/api.yaml" });
    const text = (d: typeof old.data) => (!Array.isArray(d) && d.type === "file" ? Buffer.from(d.content, "base64").toString("utf8") : undefined);
    expect(text(old.data)).toBe("kind: Component\nname: api\n");
    expect(text(now.data)).toBe("kind: Component\nname: api\nreplicas: 2\n");

    const dirThen = await gh.repos.getContent({ owner: "acme", repo: "app", path: ".ferry", ref: first });
    const dirNow = await gh.repos.getContent({ owner: "acme", repo: "app", path: ".ferry", ref: second });
    const names = (d: typeof dirThen.data) => (Array.isArray(d) ? d.map((e) => `${e.type}:${e.path}`) : []);
    expect(names(dirThen.data)).toEqual(["file:.ferry/api.yaml", "file:.ferry/worker.yaml"]);
    expect(names(dirNow.data)).toEqual(["file:.ferry/api.yaml"]);
    await expect(gh.repos.getContent({ owner: "acme", repo: "app", path: ".ferry/worker.yaml" })).rejects.toMatchObject({ status: 404 });

    const tree = await gh.git.getTree({ owner: "acme", repo: "app", tree_sha: second, recursive: "true" });
    expect(tree.data.tree.map((e) => `${e.type} ${e.path}`)).toEqual(["tree .ferry", "blob .ferry/api.yaml", "tree src", "blob src/main.go"]);
    const blobSha = tree.data.tree.find((e) => e.path === "src/main.go")?.sha ?? "";
    const blob = await gh.git.getBlob({ owner: "acme", repo: "app", file_sha: blobSha });
    expect(Buffer.from(blob.data.content, "base64").toString("utf8")).toBe("package main\n");

    const commit = await gh.repos.getCommit({ owner: "acme", repo: "app", ref: second });
    expect(commit.data.parents.map((p) => p.sha)).toEqual([first]);
    expect(commit.data.files?.map((f) => [f.filename, f.status, f.additions, f.deletions])).toEqual([
      [".ferry/api.yaml", "modified", 1, 0],
      [".ferry/worker.yaml", "removed", 0, 2],
    ]);
    const compare = await gh.repos.compareCommitsWithBasehead({ owner: "acme", repo: "app", basehead: `${first}...${second}` });
    expect(compare.data).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0, total_commits: 1 });
    const ref = await gh.git.getRef({ owner: "acme", repo: "app", ref: "heads/main" });
    expect(ref.data.object.sha).toBe(second);
  });
});

describe("git references", () => {
  it("creates, fast-forwards, refuses a non-fast-forward unless forced, and deletes a branch", async () => {
    const base = (await fake.branchSha("acme/app")) ?? "";
    const ahead = await fake.commit("acme/app", { branch: "scratch-ahead", files: { "s.txt": "1\n" } });
    const created = await gh.git.createRef({ owner: "acme", repo: "app", ref: "refs/heads/ferry/tmp", sha: base });
    expect(created.data).toMatchObject({ ref: "refs/heads/ferry/tmp", object: { type: "commit", sha: base } });
    await expect(gh.git.createRef({ owner: "acme", repo: "app", ref: "refs/heads/ferry/tmp", sha: base })).rejects.toMatchObject({ status: 422 });
    await gh.git.updateRef({ owner: "acme", repo: "app", ref: "heads/ferry/tmp", sha: ahead });
    await expect(gh.git.updateRef({ owner: "acme", repo: "app", ref: "heads/ferry/tmp", sha: base })).rejects.toMatchObject({ status: 422 });
    await gh.git.updateRef({ owner: "acme", repo: "app", ref: "heads/ferry/tmp", sha: base, force: true });
    expect(await fake.branchSha("acme/app", "ferry/tmp")).toBe(base);
    const matching = await gh.git.listMatchingRefs({ owner: "acme", repo: "app", ref: "heads/ferry/" });
    expect(matching.data.map((r) => r.ref)).toEqual(["refs/heads/ferry/tmp"]);
    await gh.git.deleteRef({ owner: "acme", repo: "app", ref: "heads/ferry/tmp" });
    await expect(gh.git.getRef({ owner: "acme", repo: "app", ref: "heads/ferry/tmp" })).rejects.toMatchObject({ status: 404 });
  });
});

describe("pagination", () => {
  it("pages lists with GitHub's link header", async () => {
    const issue = fake.addIssue("acme/app", { title: "many comments" });
    for (let i = 0; i < 25; i++) fake.addComment("acme/app", issue.number, { user: "dev", body: `comment ${i}` });
    const res = await gh.issues.listComments({ owner: "acme", repo: "app", issue_number: issue.number, per_page: 10, page: 2 });
    expect(res.data.map((c) => c.body)).toEqual(Array.from({ length: 10 }, (_, i) => `comment ${i + 10}`));
    const link = res.headers.link ?? "";
    expect(link).toContain(`${fake.url}/repos/acme/app/issues/${issue.number}/comments?per_page=10&page=3>; rel="next"`);
    expect(link).toContain('page=3>; rel="last"');
    expect(link).toContain('page=1>; rel="prev"');
    const all = await gh.paginate(gh.issues.listComments, { owner: "acme", repo: "app", issue_number: issue.number, per_page: 10 });
    expect(all).toHaveLength(25);
  });
});

describe("comments", () => {
  it("upserts one comment by its hidden marker and paginates long threads", async () => {
    await fake.commit("acme/app", { branch: "comments", files: { "c.txt": "c\n" } });
    const pr = await gh.pulls.create({ owner: "acme", repo: "app", head: "comments", base: "main", title: "Comments" });
    const issue = { owner: "acme", repo: "app", issue_number: pr.data.number };
    for (let i = 0; i < 35; i++) fake.addComment("acme/app", pr.data.number, { user: "dev", body: `noise ${i}` });

    const upsert = async (body: string): Promise<void> => {
      const all = await gh.paginate(gh.issues.listComments, { ...issue, per_page: 10 });
      const mine = all.find((c) => c.user?.login === "ferry[bot]" && c.body?.includes(MARKER));
      if (mine) await gh.issues.updateComment({ owner: "acme", repo: "app", comment_id: mine.id, body });
      else await gh.issues.createComment({ ...issue, body });
    };
    await upsert(`${MARKER}\nfirst`);
    await upsert(`${MARKER}\nsecond`);

    const ours = fake.commentsOn("acme/app", pr.data.number).filter((c) => c.user === "ferry[bot]");
    expect(ours.map((c) => [c.body, c.edits])).toEqual([[`${MARKER}\nsecond`, [`${MARKER}\nfirst`]]]);
    expect(fake.commentsOn("acme/app", pr.data.number)).toHaveLength(36);
    const page = fake.requestsTo("GET /repos/{owner}/{repo}/issues/{issue_number}/comments");
    expect(page.length).toBeGreaterThanOrEqual(8);

    const reaction = await gh.reactions.createForIssueComment({ owner: "acme", repo: "app", comment_id: ours[0]?.id ?? 0, content: "rocket" });
    expect(reaction.status).toBe(201);
    const again = await gh.reactions.createForIssueComment({ owner: "acme", repo: "app", comment_id: ours[0]?.id ?? 0, content: "rocket" });
    expect(again.status).toBe(200);
    await gh.issues.deleteComment({ owner: "acme", repo: "app", comment_id: ours[0]?.id ?? 0 });
    expect(fake.commentsOn("acme/app", pr.data.number).filter((c) => c.user === "ferry[bot]")).toEqual([]);
  });
});

describe("commit comments and a commit's pull requests", () => {
  it("upserts a comment on a commit and finds the merged pull request that introduced a commit", async () => {
    const head = await fake.commit("acme/app", { branch: "feature-status", files: { "s.txt": "s\n" } });
    const pr = await gh.pulls.create({ owner: "acme", repo: "app", head: "feature-status", base: "main", title: "Status" });
    const open = await gh.repos.listPullRequestsAssociatedWithCommit({ owner: "acme", repo: "app", commit_sha: head });
    expect(open.data.map((p) => p.number)).toEqual([pr.data.number]);
    const merged = await gh.pulls.merge({ owner: "acme", repo: "app", pull_number: pr.data.number });
    const byMerge = await gh.repos.listPullRequestsAssociatedWithCommit({ owner: "acme", repo: "app", commit_sha: merged.data.sha });
    expect(byMerge.data.map((p) => [p.number, p.merged_at !== null])).toEqual([[pr.data.number, true]]);

    const first = await gh.repos.createCommitComment({ owner: "acme", repo: "app", commit_sha: merged.data.sha, body: `${MARKER}\nfirst` });
    const listed = await gh.repos.listCommentsForCommit({ owner: "acme", repo: "app", commit_sha: merged.data.sha });
    expect(listed.data.map((c) => [c.id, c.body, c.commit_id])).toEqual([[first.data.id, `${MARKER}\nfirst`, merged.data.sha]]);
    const updated = await gh.repos.updateCommitComment({ owner: "acme", repo: "app", comment_id: first.data.id, body: `${MARKER}\nsecond` });
    expect(updated.data.body).toBe(`${MARKER}\nsecond`);
    const again = await gh.repos.listCommentsForCommit({ owner: "acme", repo: "app", commit_sha: merged.data.sha });
    expect(again.data.map((c) => c.body)).toEqual([`${MARKER}\nsecond`]);
    await expect(gh.repos.listCommentsForCommit({ owner: "acme", repo: "app", commit_sha: "0".repeat(40) })).rejects.toMatchObject({ status: 404 });
  });
});

describe("pull requests", () => {
  it("opens, finds by head, lists files, merges with a real merge commit and tells listeners", async () => {
    const base = (await fake.branchSha("acme/app")) ?? "";
    const head = await fake.commit("acme/app", {
      branch: "ferry/promote-api-staging",
      files: { ".ferry/api.yaml": "kind: Component\nname: api\nreplicas: 3\n" },
      message: "Promote api to staging",
    });
    const merged: PullRequestRecord[] = [];
    const stop = fake.onMerge((pr) => {
      merged.push(pr);
    });
    try {
      const opened = await gh.pulls.create({
        owner: "acme",
        repo: "app",
        head: "ferry/promote-api-staging",
        base: "main",
        title: "Promote api to staging",
        body: "release r1",
      });
      expect(opened.data).toMatchObject({
        state: "open",
        merged: false,
        mergeable: true,
        head: { sha: head, ref: "ferry/promote-api-staging" },
        base: { sha: base },
      });
      await expect(gh.pulls.create({ owner: "acme", repo: "app", head: "ferry/promote-api-staging", base: "main", title: "dup" })).rejects.toMatchObject({
        status: 422,
      });

      const found = await gh.pulls.list({ owner: "acme", repo: "app", head: "acme:ferry/promote-api-staging", state: "open" });
      expect(found.data.map((p) => p.number)).toEqual([opened.data.number]);
      const files = await gh.pulls.listFiles({ owner: "acme", repo: "app", pull_number: opened.data.number });
      expect(files.data.map((f) => [f.filename, f.status])).toEqual([[".ferry/api.yaml", "modified"]]);

      await gh.pulls.update({ owner: "acme", repo: "app", pull_number: opened.data.number, body: "release r1 (updated)" });
      await expect(gh.pulls.merge({ owner: "acme", repo: "app", pull_number: opened.data.number, sha: base })).rejects.toMatchObject({ status: 409 });
      const result = await gh.pulls.merge({ owner: "acme", repo: "app", pull_number: opened.data.number, sha: head });
      expect(result.data.merged).toBe(true);
      await fake.settled();

      const after = await gh.pulls.get({ owner: "acme", repo: "app", pull_number: opened.data.number });
      expect(after.data).toMatchObject({
        state: "closed",
        merged: true,
        merged_by: { login: "ferry[bot]" },
        merge_commit_sha: result.data.sha,
        body: "release r1 (updated)",
      });
      const mergeCommit = await fake.mustRepo("acme/app").git.commit(result.data.sha);
      expect(mergeCommit?.parents).toEqual([base, head]);
      expect(mergeCommit?.message).toBe("Merge pull request #" + opened.data.number + " from acme/ferry/promote-api-staging\n\nPromote api to staging");
      expect(await fake.branchSha("acme/app")).toBe(result.data.sha);
      expect(await fake.readFile("acme/app", ".ferry/api.yaml")).toBe("kind: Component\nname: api\nreplicas: 3\n");
      expect(merged.map((p) => p.number)).toEqual([opened.data.number]);
      await expect(gh.pulls.merge({ owner: "acme", repo: "app", pull_number: opened.data.number })).rejects.toMatchObject({ status: 405 });
    } finally {
      stop();
    }
  });

  it("reports reviews, requested reviewers and a conflicting pull request as not mergeable", async () => {
    fake.setPermission("acme/app", "alice", "write");
    await fake.commit("acme/app", { branch: "left", files: { "conflict.txt": "left\n" } });
    await fake.commit("acme/app", { files: { "conflict.txt": "main\n" } });
    const pr = await gh.pulls.create({ owner: "acme", repo: "app", head: "left", base: "main", title: "Conflict" });
    expect(pr.data.mergeable).toBe(false);
    expect(pr.data.mergeable_state).toBe("dirty");
    await expect(gh.pulls.merge({ owner: "acme", repo: "app", pull_number: pr.data.number })).rejects.toMatchObject({ status: 405 });

    await gh.pulls.requestReviewers({ owner: "acme", repo: "app", pull_number: pr.data.number, reviewers: ["alice"] });
    await expect(gh.pulls.requestReviewers({ owner: "acme", repo: "app", pull_number: pr.data.number, reviewers: ["stranger"] })).rejects.toMatchObject({
      status: 422,
    });
    await fake.addReview("acme/app", pr.data.number, { user: "alice", state: "APPROVED" });
    const reviews = await gh.pulls.listReviews({ owner: "acme", repo: "app", pull_number: pr.data.number });
    expect(reviews.data.map((r) => [r.user?.login, r.state, r.commit_id])).toEqual([["alice", "APPROVED", pr.data.head.sha]]);
    const got = await gh.pulls.get({ owner: "acme", repo: "app", pull_number: pr.data.number });
    expect(got.data.requested_reviewers?.map((u) => u.login)).toEqual(["alice"]);
  });

  it("takes a pull request from a fork", async () => {
    await fake.addRepo({ owner: "forker", name: "app", forkOf: "acme/app", ownerType: "User" });
    const sha = await fake.commit("forker/app", { branch: "patch-1", files: { ".ferry/api.yaml": "kind: Component\nname: api\n# fork\n" } });
    const pr = await fake.openPullRequest("acme/app", { head: "forker:patch-1", title: "From a fork", user: "forker" });
    const got = await gh.pulls.get({ owner: "acme", repo: "app", pull_number: pr.number });
    expect(got.data.head).toMatchObject({ sha, label: "forker:patch-1", repo: { full_name: "forker/app", fork: true } });
    const files = await gh.pulls.listFiles({ owner: "acme", repo: "app", pull_number: pr.number });
    expect(files.data.map((f) => f.filename)).toEqual([".ferry/api.yaml"]);
  });
});

describe("permissions, teams, deployments", () => {
  it("reports legacy permission and role name, and team membership", async () => {
    fake.setPermission("acme/app", "maya", "maintain");
    fake.setPermission("acme/app", "tom", "triage");
    const perm = async (username: string) => (await gh.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "app", username })).data;
    expect(await perm("maya")).toMatchObject({
      permission: "write",
      role_name: "maintain",
      user: { login: "maya", permissions: { maintain: true, admin: false } },
    });
    expect(await perm("tom")).toMatchObject({ permission: "read", role_name: "triage" });
    expect(await perm("nobody")).toMatchObject({ permission: "read", role_name: "read" });

    fake.addTeam("acme", "prod-approvers", { members: ["maya"], pending: ["tom"] });
    const m = await gh.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "prod-approvers", username: "maya" });
    expect(m.data).toMatchObject({ role: "member", state: "active" });
    const pending = await gh.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "prod-approvers", username: "tom" });
    expect(pending.data.state).toBe("pending");
    await expect(gh.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "prod-approvers", username: "eve" })).rejects.toMatchObject({ status: 404 });
    const members = await gh.teams.listMembersInOrg({ org: "acme", team_slug: "prod-approvers" });
    expect(members.data.map((u) => u.login)).toEqual(["maya"]);
  });

  it("creates deployments with GitHub's status checks and marks older ones inactive", async () => {
    const sha = await fake.commit("acme/app", { files: { "deploy.txt": "1\n" } });
    await gh.checks.create({ owner: "acme", repo: "app", name: "build", head_sha: sha, status: "in_progress" });
    await expect(gh.repos.createDeployment({ owner: "acme", repo: "app", ref: sha, environment: "dev" })).rejects.toMatchObject({ status: 409 });
    const first = await gh.repos.createDeployment({ owner: "acme", repo: "app", ref: sha, environment: "dev", required_contexts: [], auto_merge: false });
    const second = await gh.repos.createDeployment({ owner: "acme", repo: "app", ref: "main", environment: "dev", required_contexts: [] });
    const id = (d: typeof first.data) => ("id" in d ? d.id : 0);
    await gh.repos.createDeploymentStatus({ owner: "acme", repo: "app", deployment_id: id(first.data), state: "success" });
    await gh.repos.createDeploymentStatus({ owner: "acme", repo: "app", deployment_id: id(second.data), state: "in_progress" });
    await gh.repos.createDeploymentStatus({
      owner: "acme",
      repo: "app",
      deployment_id: id(second.data),
      state: "success",
      environment_url: "http://dev.localhost",
    });
    const states = fake.deploymentsIn("acme/app", "dev").map((d) => d.statuses.map((s) => s.state));
    expect(states).toEqual([
      ["success", "inactive"],
      ["in_progress", "success"],
    ]);
    const listed = await gh.repos.listDeployments({ owner: "acme", repo: "app", environment: "dev" });
    expect(listed.data.map((d) => d.id)).toEqual([id(second.data), id(first.data)]);
    const envs = await gh.repos.getAllEnvironments({ owner: "acme", repo: "app" });
    expect(envs.data.environments?.map((e) => e.name)).toEqual(["dev"]);
  });
});

describe("installations", () => {
  it("issues installation tokens to the app and lists the repositories a token sees", async () => {
    const jwtLike = `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from(`{"iss":${fake.app.id}}`).toString("base64url")}.sig`;
    const app = new Octokit({ baseUrl: fake.url, auth: jwtLike, log: quiet });
    const inst = await app.apps.getRepoInstallation({ owner: "acme", repo: "app" });
    expect(inst.data.id).toBe(installationId);
    const token = await app.apps.createInstallationAccessToken({ installation_id: installationId, repositories: ["app"] });
    const scoped = new Octokit({ baseUrl: fake.url, auth: token.data.token, log: quiet });
    const repos = await scoped.apps.listReposAccessibleToInstallation();
    expect(repos.data.repositories.map((r) => r.full_name)).toEqual(["acme/app"]);
    expect(repos.data.total_count).toBe(1);
  });
});

describe("a GitOps repository served by a real git server", () => {
  let git: GitServer;
  let work: string;
  beforeAll(async () => {
    git = await startGitServer();
    work = await mkdtemp(join(tmpdir(), "fake-github-clone-"));
  });
  afterAll(async () => {
    await git.close();
    await rm(work, { recursive: true, force: true });
  });

  it("sees pushes made over HTTP, and its merges are fetched back over HTTP", async () => {
    const created = await git.createRepo("acme/gitops", { files: { "dev/api.yaml": "replicas: 1\n", "staging/api.yaml": "replicas: 1\n" } });
    await fake.addRepo({ owner: "acme", name: "gitops", gitDir: created.path, cloneUrl: created.url });
    const repo = await gh.repos.get({ owner: "acme", repo: "gitops" });
    expect(repo.data.clone_url).toBe(created.url);

    const env = {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: "Ferry",
      GIT_AUTHOR_EMAIL: "ferry@example.com",
      GIT_COMMITTER_NAME: "Ferry",
      GIT_COMMITTER_EMAIL: "ferry@example.com",
    };
    const g = (...args: string[]) => exec("git", args, { cwd: join(work, "gitops"), env });
    await exec("git", ["clone", "-q", repo.data.clone_url, "gitops"], { cwd: work, env });
    await g("checkout", "-q", "-b", "ferry/api-staging");
    await writeFile(join(work, "gitops/staging/api.yaml"), "replicas: 3\n");
    await g("commit", "-q", "-am", "Promote api to staging");
    await g("push", "-q", "origin", "ferry/api-staging");
    const pushed = (await g("rev-parse", "HEAD")).stdout.trim();

    const pr = await gh.pulls.create({ owner: "acme", repo: "gitops", head: "ferry/api-staging", base: "main", title: "Promote api to staging" });
    expect(pr.data.head.sha).toBe(pushed);
    const files = await gh.pulls.listFiles({ owner: "acme", repo: "gitops", pull_number: pr.data.number });
    expect(files.data.map((f) => f.filename)).toEqual(["staging/api.yaml"]);
    const merge = await gh.pulls.merge({ owner: "acme", repo: "gitops", pull_number: pr.data.number, merge_method: "squash" });

    await g("fetch", "-q", "origin");
    expect((await g("rev-parse", "origin/main")).stdout.trim()).toBe(merge.data.sha);
    expect((await g("show", "origin/main:staging/api.yaml")).stdout).toBe("replicas: 3\n");
    expect((await g("log", "-1", "--format=%s", "origin/main")).stdout.trim()).toBe(`Promote api to staging (#${pr.data.number})`);
    expect(git.requests.some((r) => r.service === "git-receive-pack")).toBe(true);
  });
});
