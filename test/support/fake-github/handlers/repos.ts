/** Repository, contents and git database operations, all answered from the real bare repository. */
import {
  base64Lines,
  commitJson,
  contentItemJson,
  diffEntryJson,
  gitCommitJson,
  legacyPermission,
  nodeId,
  pullJson,
  refJson,
  repoApi,
  repoHtml,
  repoJson,
  roleFlags,
  userJson,
} from "../json.js";
import { HttpError, type CommitCommentRecord, type RepoRecord } from "../model.js";
import { checkCommentLength } from "./issues.js";
import type { GitRepo } from "../git.js";
import { actor, bodyOf, created, invalid, mustNum, mustStr, notFound, ok, repoOf, str, type Handler, type HandlerContext } from "./types.js";

async function commitOrThrow(git: GitRepo, ref: string, message = `No commit found for the ref ${ref}`): Promise<string> {
  const sha = await git.resolveCommit(ref);
  if (!sha) throw new HttpError(404, message);
  return sha;
}

const getRepo: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const json = repoJson(ctx.model, repo);
  const role = ctx.caller.kind === "installation" ? "admin" : ctx.caller.kind === "user" ? ctx.model.roleOf(repo, ctx.caller.login) : "read";
  return ok({
    ...json,
    permissions: roleFlags(role),
    network_count: 0,
    subscribers_count: 0,
    temp_clone_token: null,
    allow_merge_commit: true,
    allow_squash_merge: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: repo.deleteBranchOnMerge,
    allow_update_branch: false,
    use_squash_pr_title_as_default: false,
    squash_merge_commit_title: "COMMIT_OR_PR_TITLE",
    squash_merge_commit_message: "COMMIT_MESSAGES",
    merge_commit_title: "MERGE_MESSAGE",
    merge_commit_message: "PR_TITLE",
  });
};

async function branchJson(ctx: HandlerContext, repo: RepoRecord, name: string, sha: string): Promise<Record<string, unknown>> {
  const [c] = await repo.git.commits([sha]);
  if (!c) throw notFound("Branch not found");
  const url = `${repoApi(ctx.model, repo)}/branches/${encodeURIComponent(name)}`;
  return {
    name,
    commit: commitJson(ctx.model, repo, c),
    _links: { self: url, html: `${repoHtml(ctx.model, repo)}/tree/${name}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } },
    protection_url: `${url}/protection`,
  };
}

const listBranches: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  if (ctx.params.protected === true) return ok([], {});
  const refs = await repo.git.refs("refs/heads/");
  return ok(
    refs.map((r) => ({
      name: r.ref.slice("refs/heads/".length),
      commit: { sha: r.sha, url: `${repoApi(ctx.model, repo)}/commits/${r.sha}` },
      protected: false,
    })),
    {},
  );
};

const getBranch: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const name = mustStr(ctx, "branch");
  const sha = await repo.git.refSha(`refs/heads/${name}`);
  if (!sha) throw notFound("Branch not found");
  return ok(await branchJson(ctx, repo, name, sha));
};

const getContent: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const ref = str(ctx, "ref") ?? repo.defaultBranch;
  const sha = await commitOrThrow(repo.git, ref);
  const path = mustStr(ctx, "path").replace(/^\/+|\/+$/g, "");
  const [entry] = await repo.git.lsTree(sha, { path });
  if (!entry || entry.path !== path) throw notFound();
  if (entry.type === "tree") {
    const children = await repo.git.lsTree(sha, { path: `${path}/` });
    return ok(
      children.map((c) =>
        contentItemJson(ctx.model, repo, ref, {
          path: c.path,
          type: c.type === "tree" ? "dir" : c.type === "commit" ? "submodule" : c.mode === "120000" ? "symlink" : "file",
          sha: c.sha,
          size: c.size ?? 0,
        }),
      ),
    );
  }
  if (entry.type !== "blob") throw notFound();
  const content = await repo.git.readBlob(entry.sha);
  if (entry.mode === "120000") {
    return ok({ ...contentItemJson(ctx.model, repo, ref, { path, type: "symlink", sha: entry.sha, size: content.length }), target: content.toString("utf8") });
  }
  return ok({
    ...contentItemJson(ctx.model, repo, ref, { path, type: "file", sha: entry.sha, size: content.length }),
    content: base64Lines(content),
    encoding: "base64",
  });
};

const getTree: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const treeSha = mustStr(ctx, "tree_sha");
  const tree = (await repo.git.revParse(treeSha, "tree")) ?? (await repo.git.revParse(`refs/heads/${treeSha}`, "tree"));
  if (!tree) throw notFound();
  const recursive = ctx.params.recursive !== undefined;
  const entries = await repo.git.lsTree(tree, { recursive });
  const api = repoApi(ctx.model, repo);
  return ok({
    sha: tree,
    url: `${api}/git/trees/${tree}`,
    tree: entries.map((e) => ({
      path: e.path,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      ...(e.type === "blob" ? { size: e.size ?? 0, url: `${api}/git/blobs/${e.sha}` } : e.type === "tree" ? { url: `${api}/git/trees/${e.sha}` } : {}),
    })),
    truncated: false,
  });
};

const getBlob: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const sha = mustStr(ctx, "file_sha");
  if ((await repo.git.objectType(sha)) !== "blob") throw notFound();
  const full = (await repo.git.revParse(sha, "blob")) ?? sha;
  const content = await repo.git.readBlob(full);
  return ok({
    sha: full,
    node_id: nodeId("Blob", full.slice(0, 12)),
    size: content.length,
    url: `${repoApi(ctx.model, repo)}/git/blobs/${full}`,
    content: base64Lines(content),
    encoding: "base64",
  });
};

const getGitCommit: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const sha = mustStr(ctx, "commit_sha");
  const c = (await repo.git.objectType(sha)) === "commit" ? await repo.git.commit(sha) : undefined;
  if (!c) throw notFound();
  return ok(gitCommitJson(ctx.model, repo, c));
};

async function refOut(ctx: HandlerContext, repo: RepoRecord, full: string, sha: string): Promise<Record<string, unknown>> {
  return refJson(ctx.model, repo, full, sha, (await repo.git.objectType(sha)) ?? "commit");
}

const getRef: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const full = `refs/${mustStr(ctx, "ref").replace(/^refs\//, "")}`;
  const sha = await repo.git.refSha(full);
  if (!sha) throw notFound();
  return ok(await refOut(ctx, repo, full, sha));
};

const matchingRefs: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const prefix = `refs/${mustStr(ctx, "ref").replace(/^refs\//, "")}`;
  const refs = (await repo.git.refs("refs/")).filter((r) => r.ref.startsWith(prefix) && !r.ref.startsWith("refs/pull/"));
  return ok(
    refs.map((r) => refJson(ctx.model, repo, r.ref, r.sha, r.type)),
    {},
  );
};

const createRef: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const body = bodyOf<{ ref: string; sha: string }>(ctx);
  if (!/^refs\/[^/]+\/.+/.test(body.ref)) throw new HttpError(422, `${body.ref} is not a valid ref name.`);
  if (!(await repo.git.objectType(body.sha))) throw new HttpError(422, "Object does not exist");
  if (!(await repo.git.updateRef(body.ref, body.sha, null))) throw new HttpError(422, "Reference already exists");
  return created(await refOut(ctx, repo, body.ref, body.sha));
};

const updateRef: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const full = `refs/${mustStr(ctx, "ref").replace(/^refs\//, "")}`;
  const body = bodyOf<{ sha: string; force?: boolean }>(ctx);
  const current = await repo.git.refSha(full);
  if (!current) throw new HttpError(422, "Reference does not exist");
  if (!(await repo.git.objectType(body.sha))) throw new HttpError(422, "Object does not exist");
  if (!body.force && !(await repo.git.isAncestor(current, body.sha))) throw new HttpError(422, "Update is not a fast forward");
  if (!(await repo.git.updateRef(full, body.sha, current))) throw new HttpError(422, "Reference cannot be updated");
  return ok(await refOut(ctx, repo, full, body.sha));
};

const deleteRef: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const full = `refs/${mustStr(ctx, "ref").replace(/^refs\//, "")}`;
  if (!(await repo.git.refSha(full)) || !(await repo.git.deleteRef(full))) throw new HttpError(422, "Reference does not exist");
  return { status: 204 };
};

const listCommits: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const start = await commitOrThrow(repo.git, str(ctx, "sha") ?? repo.defaultBranch);
  let commits = await repo.git.log(start, { ...(str(ctx, "path") ? { path: str(ctx, "path") } : {}) });
  const since = str(ctx, "since");
  const until = str(ctx, "until");
  const author = str(ctx, "author");
  if (since) commits = commits.filter((c) => new Date(c.committer.date) >= new Date(since));
  if (until) commits = commits.filter((c) => new Date(c.committer.date) <= new Date(until));
  if (author) {
    const u = ctx.model.state.users.get(author.toLowerCase());
    commits = commits.filter(
      (c) => c.author.email.toLowerCase() === author.toLowerCase() || (u?.email && c.author.email.toLowerCase() === u.email.toLowerCase()),
    );
  }
  return ok(
    commits.map((c) => commitJson(ctx.model, repo, c)),
    {},
  );
};

const getCommit: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const sha = await commitOrThrow(repo.git, mustStr(ctx, "ref"));
  const c = await repo.git.commit(sha);
  if (!c) throw notFound();
  const files = await repo.git.diff(c.parents[0], sha);
  return ok(commitJson(ctx.model, repo, c, files));
};

const compare: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const basehead = mustStr(ctx, "basehead");
  const parts = basehead.split("...");
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw notFound();
  const [baseRef, headRef] = parts as [string, string];
  if (baseRef.includes(":") || headRef.includes(":")) throw new HttpError(404, "Not Found (the fake compares within one repository only)");
  const base = await commitOrThrow(repo.git, baseRef);
  const head = await commitOrThrow(repo.git, headRef);
  const mergeBase = await repo.git.mergeBase(base, head);
  if (!mergeBase) throw new HttpError(404, `No common ancestor between ${baseRef} and ${headRef}.`);
  const ahead = (await repo.git.log(head, { exclude: base })).reverse();
  const behind = await repo.git.log(base, { exclude: head });
  const baseCommit = await repo.git.commit(base);
  const mbCommit = await repo.git.commit(mergeBase);
  if (!baseCommit || !mbCommit) throw notFound();
  const files = await repo.git.diff(mergeBase, head);
  const status = ahead.length === 0 && behind.length === 0 ? "identical" : behind.length === 0 ? "ahead" : ahead.length === 0 ? "behind" : "diverged";
  const api = repoApi(ctx.model, repo);
  const html = repoHtml(ctx.model, repo);
  return ok({
    url: `${api}/compare/${basehead}`,
    html_url: `${html}/compare/${basehead}`,
    permalink_url: `${html}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`,
    diff_url: `${html}/compare/${basehead}.diff`,
    patch_url: `${html}/compare/${basehead}.patch`,
    base_commit: commitJson(ctx.model, repo, baseCommit),
    merge_base_commit: commitJson(ctx.model, repo, mbCommit),
    status,
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    commits: ahead.map((c) => commitJson(ctx.model, repo, c)),
    files: files.map((f) => diffEntryJson(ctx.model, repo, head, f)),
  });
};

function commitCommentJson(ctx: HandlerContext, repo: RepoRecord, c: CommitCommentRecord): Record<string, unknown> {
  const m = ctx.model;
  return {
    html_url: `${repoHtml(m, repo)}/commit/${c.sha}#commitcomment-${c.id}`,
    url: `${repoApi(m, repo)}/comments/${c.id}`,
    id: c.id,
    node_id: nodeId("CommitComment", c.id),
    body: c.body,
    path: c.path,
    position: c.position,
    line: c.line,
    commit_id: c.sha,
    user: userJson(m, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: "NONE",
  };
}

const createCommitComment: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const sha = mustStr(ctx, "commit_sha");
  const full = await repo.git.resolveCommit(sha);
  if (!full) throw invalid("CommitComment", "commit_id", "invalid");
  const body = bodyOf<{ body: string; path?: string; position?: number; line?: number }>(ctx);
  checkCommentLength(body.body, "CommitComment");
  const m = ctx.model;
  const record: CommitCommentRecord = {
    id: m.nextId("commit-comment"),
    repo: repo.fullName,
    sha: full,
    body: body.body,
    path: body.path ?? null,
    line: body.line ?? null,
    position: body.position ?? null,
    user: actor(ctx),
    createdAt: m.now(),
    updatedAt: m.now(),
    edits: [],
  };
  m.state.commitComments.push(record);
  return created(commitCommentJson(ctx, repo, record));
};

const listCommitComments: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const full = await repo.git.resolveCommit(mustStr(ctx, "commit_sha"));
  if (!full) throw notFound();
  const list = ctx.model.state.commitComments.filter((c) => c.repo === repo.fullName && c.sha === full);
  return ok(list.map((c) => commitCommentJson(ctx, repo, c)));
};

const updateCommitComment: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const id = mustNum(ctx, "comment_id");
  const c = ctx.model.state.commitComments.find((x) => x.id === id && x.repo === repo.fullName);
  if (!c) throw notFound();
  const { body } = bodyOf<{ body: string }>(ctx);
  checkCommentLength(body, "CommitComment");
  if (c.user !== actor(ctx)) ctx.problem(`edited commit comment ${c.id} by ${c.user}, not by the app (GitHub allows it, Ferry should not)`);
  c.edits.push(c.body);
  c.body = body;
  c.updatedAt = ctx.model.now();
  return ok(commitCommentJson(ctx, repo, c));
};

const deleteCommitComment: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const id = mustNum(ctx, "comment_id");
  const state = ctx.model.state.commitComments;
  const at = state.findIndex((x) => x.id === id && x.repo === repo.fullName);
  const c = state[at];
  if (!c) throw notFound();
  if (c.user !== actor(ctx)) ctx.problem(`deleted commit comment ${c.id} by ${c.user}, not by the app (GitHub allows it, Ferry should not)`);
  state.splice(at, 1);
  return { status: 204 };
};

/** Pull requests of a commit: the merged one whose merge commit it is, or open ones whose head it is. */
const commitPulls: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const full = await repo.git.resolveCommit(mustStr(ctx, "commit_sha"));
  if (!full) throw notFound();
  const m = ctx.model;
  const merged = m.state.pulls.filter((p) => p.repo === repo.fullName && p.mergeCommitSha === full);
  const open = m.state.pulls.filter((p) => p.repo === repo.fullName && p.state === "open" && p.head.sha === full);
  return ok([...merged, ...open].map((p) => pullJson(m, p)));
};

const collaboratorPermission: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const login = mustStr(ctx, "username");
  const user = ctx.model.user(login);
  const role = ctx.model.roleOf(repo, login);
  return ok({
    permission: legacyPermission(role),
    role_name: role,
    user: { ...userJson(ctx.model, user), permissions: roleFlags(role), role_name: role },
  });
};

const listEnvironments: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const m = ctx.model;
  const envs = [...repo.environments.values()].map((e) => ({
    id: e.id,
    node_id: nodeId("Environment", e.id),
    name: e.name,
    url: `${repoApi(m, repo)}/environments/${encodeURIComponent(e.name)}`,
    html_url: `${repoHtml(m, repo)}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
    created_at: e.createdAt,
    updated_at: e.createdAt,
    protection_rules: [
      ...(e.waitTimer > 0 ? [{ id: e.id * 10 + 1, node_id: nodeId("ProtectionRule", e.id * 10 + 1), type: "wait_timer", wait_timer: e.waitTimer }] : []),
      ...(e.reviewers.length > 0
        ? [
            {
              id: e.id * 10 + 2,
              node_id: nodeId("ProtectionRule", e.id * 10 + 2),
              type: "required_reviewers",
              prevent_self_review: false,
              reviewers: e.reviewers.map((r) => ({ type: "User", reviewer: userJson(m, r) })),
            },
          ]
        : []),
    ],
    deployment_branch_policy: null,
  }));
  return ok({ total_count: envs.length, environments: envs }, { key: "environments" });
};

/** Handlers by contract key. */
export const repoHandlers: Readonly<Record<string, Handler>> = {
  "GET /repos/{owner}/{repo}": getRepo,
  "GET /repos/{owner}/{repo}/branches": listBranches,
  "GET /repos/{owner}/{repo}/branches/{branch}": getBranch,
  "GET /repos/{owner}/{repo}/contents/{path}": getContent,
  "GET /repos/{owner}/{repo}/git/trees/{tree_sha}": getTree,
  "GET /repos/{owner}/{repo}/git/blobs/{file_sha}": getBlob,
  "GET /repos/{owner}/{repo}/git/commits/{commit_sha}": getGitCommit,
  "GET /repos/{owner}/{repo}/git/ref/{ref}": getRef,
  "GET /repos/{owner}/{repo}/git/matching-refs/{ref}": matchingRefs,
  "POST /repos/{owner}/{repo}/git/refs": createRef,
  "PATCH /repos/{owner}/{repo}/git/refs/{ref}": updateRef,
  "DELETE /repos/{owner}/{repo}/git/refs/{ref}": deleteRef,
  "GET /repos/{owner}/{repo}/commits": listCommits,
  "GET /repos/{owner}/{repo}/commits/{ref}": getCommit,
  "GET /repos/{owner}/{repo}/compare/{basehead}": compare,
  "POST /repos/{owner}/{repo}/commits/{commit_sha}/comments": createCommitComment,
  "GET /repos/{owner}/{repo}/commits/{commit_sha}/comments": listCommitComments,
  "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls": commitPulls,
  "PATCH /repos/{owner}/{repo}/comments/{comment_id}": updateCommitComment,
  "DELETE /repos/{owner}/{repo}/comments/{comment_id}": deleteCommitComment,
  "GET /repos/{owner}/{repo}/collaborators/{username}/permission": collaboratorPermission,
  "GET /repos/{owner}/{repo}/environments": listEnvironments,
};
