/**
 * GitHub's JSON shapes, built from the fake's records. Builders set every field that means
 * something (ids, names, shas, states, times, links); the rest of what the contract requires is
 * filled from the schema by `fill.ts`, and every response is validated before it leaves.
 */
import type { GitCommit, GitFileChange } from "./git.js";
import {
  ROLES,
  type AppRecord,
  type CheckRunRecord,
  type DeploymentRecord,
  type DeploymentStatusRecord,
  type GitHubModel,
  type InstallationRecord,
  type IssueCommentRecord,
  type LabelRecord,
  type PullRequestRecord,
  type ReactionRecord,
  type RepoRecord,
  type ReviewRecord,
  type Role,
  type StatusRecord,
  type UserRecord,
} from "./model.js";

type Json = Record<string, unknown>;

/** GitHub's legacy global node id: base64 of `NN:TypeID`. */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`${String(type.length).padStart(2, "0")}:${type}${id}`).toString("base64");
}

/** API URL of a repository. */
export function repoApi(m: GitHubModel, repo: RepoRecord | string): string {
  return `${m.apiUrl}/repos/${typeof repo === "string" ? repo : repo.fullName}`;
}

/** Web URL of a repository. */
export function repoHtml(m: GitHubModel, repo: RepoRecord | string): string {
  return `${m.htmlUrl}/${typeof repo === "string" ? repo : repo.fullName}`;
}

/** A simple-user object. */
export function userJson(m: GitHubModel, user: UserRecord | string): Json {
  const u = typeof user === "string" ? m.user(user) : user;
  const url = `${m.apiUrl}/users/${encodeURIComponent(u.login)}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type === "Bot" ? "Bot" : u.type === "Organization" ? "Organization" : "User", u.id),
    avatar_url: `${m.htmlUrl}/avatars/u/${u.id}?v=4`,
    gravatar_id: "",
    url,
    html_url: `${m.htmlUrl}/${u.type === "Bot" ? `apps/${u.login.replace(/\[bot\]$/, "")}` : u.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: u.type,
    site_admin: false,
  };
}

/** The repository shapes (full-repository, repository, minimal-repository share these fields). */
export function repoJson(m: GitHubModel, repo: RepoRecord): Json {
  const url = repoApi(m, repo);
  const html = repoHtml(m, repo);
  const sshHost = new URL(m.gitUrl).host;
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: userJson(m, repo.owner),
    private: repo.private,
    visibility: repo.visibility,
    html_url: html,
    description: repo.description,
    fork: repo.forkOf !== undefined,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://${sshHost}/${repo.fullName}.git`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@${sshHost}:${repo.fullName}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: repo.cloneUrl,
    mirror_url: null,
    hooks_url: `${url}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: repo.archived,
    disabled: false,
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
  };
}

/** A `GitHub app` object for the fake's app (or another one added with `addApp`). */
export function appJson(m: GitHubModel, app: AppRecord = m.app): Json {
  const created = "2024-01-01T00:00:00Z";
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId("App", app.id),
    client_id: `Iv1.${String(app.id).padStart(16, "0")}`,
    owner: userJson(m, app.owner),
    name: app.name,
    description: `${app.name} (fake GitHub)`,
    external_url: `${m.htmlUrl}/${app.owner}`,
    html_url: `${m.htmlUrl}/apps/${app.slug}`,
    created_at: created,
    updated_at: created,
    permissions: { ...app.permissions },
    events: [...app.events],
    installations_count: [...m.state.installations.values()].filter((i) => i.appId === app.id).length,
  };
}

/** An installation object. */
export function installationJson(m: GitHubModel, inst: InstallationRecord): Json {
  const account = m.user(inst.account);
  return {
    id: inst.id,
    account: userJson(m, account),
    repository_selection: inst.repositorySelection,
    access_tokens_url: `${m.apiUrl}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${m.apiUrl}/installation/repositories`,
    html_url: `${m.htmlUrl}/${account.type === "Organization" ? `organizations/${account.login}/` : ""}settings/installations/${inst.id}`,
    app_id: inst.appId,
    app_slug: m.appById(inst.appId).slug,
    target_id: account.id,
    target_type: account.type,
    permissions: { ...inst.permissions },
    events: [...inst.events],
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** A label object. */
export function labelJson(m: GitHubModel, repo: RepoRecord, label: LabelRecord): Json {
  return {
    id: label.id,
    node_id: nodeId("Label", label.id),
    url: `${repoApi(m, repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false,
  };
}

/** Commit author/committer as in a git commit object. */
function identityJson(who: GitCommit["author"]): Json {
  return { name: who.name, email: who.email, date: new Date(who.date).toISOString().replace(/\.\d{3}Z$/, "Z") };
}

function verificationJson(): Json {
  return { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };
}

/**
 * The account a commit identity maps to, when the email is one the fake knows: a user's own
 * email, or their GitHub noreply email `<id>+<login>@users.noreply.<host>` (id and login must match).
 */
function accountFor(m: GitHubModel, email: string): Json | null {
  const noreply = /^(\d+)\+([^@]+)@users\.noreply\./i.exec(email);
  const u = [...m.state.users.values()].find((x) =>
    noreply
      ? String(x.id) === noreply[1] && x.login.toLowerCase() === noreply[2]!.toLowerCase()
      : x.email !== null && x.email.toLowerCase() === email.toLowerCase(),
  );
  return u ? userJson(m, u) : null;
}

/** A `Commit` (REST commits API) object; `files` adds `files` and `stats`. */
export function commitJson(m: GitHubModel, repo: RepoRecord, c: GitCommit, files?: readonly GitFileChange[]): Json {
  const url = `${repoApi(m, repo)}/commits/${c.sha}`;
  const out: Json = {
    sha: c.sha,
    node_id: nodeId("Commit", c.sha.slice(0, 12)),
    commit: {
      author: identityJson(c.author),
      committer: identityJson(c.committer),
      message: c.message,
      tree: { sha: c.tree, url: `${repoApi(m, repo)}/git/trees/${c.tree}` },
      url: `${repoApi(m, repo)}/git/commits/${c.sha}`,
      comment_count: m.state.commitComments.filter((x) => x.repo === repo.fullName && x.sha === c.sha).length,
      verification: verificationJson(),
    },
    url,
    html_url: `${repoHtml(m, repo)}/commit/${c.sha}`,
    comments_url: `${url}/comments`,
    author: accountFor(m, c.author.email),
    committer: accountFor(m, c.committer.email),
    parents: c.parents.map((p) => ({ sha: p, url: `${repoApi(m, repo)}/commits/${p}`, html_url: `${repoHtml(m, repo)}/commit/${p}` })),
  };
  if (files) {
    const additions = files.reduce((n, f) => n + (f.additions ?? 0), 0);
    const deletions = files.reduce((n, f) => n + (f.deletions ?? 0), 0);
    out.stats = { additions, deletions, total: additions + deletions };
    out.files = files.map((f) => diffEntryJson(m, repo, c.sha, f));
  }
  return out;
}

/** A `Git Commit` (git database API) object. */
export function gitCommitJson(m: GitHubModel, repo: RepoRecord, c: GitCommit): Json {
  return {
    sha: c.sha,
    node_id: nodeId("Commit", c.sha.slice(0, 12)),
    url: `${repoApi(m, repo)}/git/commits/${c.sha}`,
    html_url: `${repoHtml(m, repo)}/commit/${c.sha}`,
    author: identityJson(c.author),
    committer: identityJson(c.committer),
    tree: { sha: c.tree, url: `${repoApi(m, repo)}/git/trees/${c.tree}` },
    message: c.message,
    parents: c.parents.map((p) => ({ sha: p, url: `${repoApi(m, repo)}/git/commits/${p}`, html_url: `${repoHtml(m, repo)}/commit/${p}` })),
    verification: verificationJson(),
  };
}

/** A `Diff Entry` (a changed file of a commit, compare or pull request). */
export function diffEntryJson(m: GitHubModel, repo: RepoRecord, ref: string, f: GitFileChange): Json {
  const sha = f.status === "removed" ? f.oldSha : f.newSha;
  const path = f.path.split("/").map(encodeURIComponent).join("/");
  const out: Json = {
    sha,
    filename: f.path,
    status: f.status,
    additions: f.additions ?? 0,
    deletions: f.deletions ?? 0,
    changes: (f.additions ?? 0) + (f.deletions ?? 0),
    blob_url: `${repoHtml(m, repo)}/blob/${ref}/${path}`,
    raw_url: `${repoHtml(m, repo)}/raw/${ref}/${path}`,
    contents_url: `${repoApi(m, repo)}/contents/${path}?ref=${ref}`,
  };
  if (f.patch !== undefined) out.patch = f.patch;
  return out;
}

/** A `Git Reference` object. */
export function refJson(m: GitHubModel, repo: RepoRecord, ref: string, sha: string, type = "commit"): Json {
  const kind = type === "tag" ? "tags" : type === "tree" ? "trees" : type === "blob" ? "blobs" : "commits";
  return {
    ref,
    node_id: nodeId("Ref", `${repo.id}:${ref}`),
    url: `${repoApi(m, repo)}/git/${ref}`,
    object: { type, sha, url: `${repoApi(m, repo)}/git/${kind}/${sha}` },
  };
}

/** Base64 the way the contents API sends it: lines of 60 characters. */
export function base64Lines(content: Buffer): string {
  const b64 = content.toString("base64");
  return b64.length === 0 ? "" : `${b64.match(/.{1,60}/g)?.join("\n") ?? ""}\n`;
}

/** A content item (file or directory entry) of the contents API. */
export function contentItemJson(
  m: GitHubModel,
  repo: RepoRecord,
  ref: string,
  item: { path: string; type: "file" | "dir" | "submodule" | "symlink"; sha: string; size: number },
): Json {
  const encPath = item.path.split("/").map(encodeURIComponent).join("/");
  const self = `${repoApi(m, repo)}/contents/${encPath}?ref=${encodeURIComponent(ref)}`;
  const git = `${repoApi(m, repo)}/git/${item.type === "dir" ? "trees" : "blobs"}/${item.sha}`;
  const html = `${repoHtml(m, repo)}/${item.type === "dir" ? "tree" : "blob"}/${ref}/${encPath}`;
  return {
    type: item.type,
    size: item.size,
    name: item.path.split("/").at(-1) ?? item.path,
    path: item.path,
    sha: item.sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: item.type === "file" ? `${m.htmlUrl}/raw/${repo.fullName}/${ref}/${encPath}` : null,
    _links: { self, git, html },
  };
}

/** What the check run API reports as the check suite of a commit. */
function pullRequestMinimal(m: GitHubModel, pr: PullRequestRecord): Json {
  const base = m.mustRepo(pr.repo);
  const head = m.headRepo(pr);
  const mini = (r: RepoRecord): Json => ({ id: r.id, url: repoApi(m, r), name: r.name });
  return {
    id: pr.id,
    number: pr.number,
    url: `${repoApi(m, base)}/pulls/${pr.number}`,
    head: { ref: pr.head.ref, sha: pr.head.sha, repo: mini(head) },
    base: { ref: pr.base.ref, sha: pr.base.sha, repo: mini(base) },
  };
}

/** A check run object. */
export function checkRunJson(m: GitHubModel, cr: CheckRunRecord): Json {
  const repo = m.mustRepo(cr.repo);
  const url = `${repoApi(m, repo)}/check-runs/${cr.id}`;
  const prs = m.state.pulls.filter((p) => p.state === "open" && p.repo === repo.fullName && p.head.sha === cr.headSha);
  return {
    id: cr.id,
    head_sha: cr.headSha,
    node_id: nodeId("CheckRun", cr.id),
    external_id: cr.externalId ?? "",
    url,
    html_url: `${repoHtml(m, repo)}/runs/${cr.id}`,
    details_url: cr.detailsUrl ?? `${repoHtml(m, repo)}/runs/${cr.id}`,
    status: cr.status,
    conclusion: cr.conclusion,
    started_at: cr.startedAt,
    completed_at: cr.completedAt,
    output: {
      title: cr.output.title,
      summary: cr.output.summary,
      text: cr.output.text,
      annotations_count: cr.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    name: cr.name,
    check_suite: { id: cr.checkSuiteId },
    app: appJson(m, m.appById(cr.appId)),
    pull_requests: prs.map((p) => pullRequestMinimal(m, p)),
  };
}

/** A check annotation object. */
export function annotationJson(m: GitHubModel, cr: CheckRunRecord, a: CheckRunRecord["annotations"][number]): Json {
  const repo = m.mustRepo(cr.repo);
  return {
    path: a.path,
    blob_href: `${repoHtml(m, repo)}/blob/${cr.headSha}/${a.path}`,
    start_line: a.start_line,
    end_line: a.end_line,
    start_column: a.start_column ?? null,
    end_column: a.end_column ?? null,
    annotation_level: a.annotation_level,
    title: a.title ?? null,
    message: a.message,
    raw_details: a.raw_details ?? null,
  };
}

/** A commit status object (`Status`; `simple` for the entries of a combined status). */
export function statusJson(m: GitHubModel, s: StatusRecord): Json {
  const repo = m.mustRepo(s.repo);
  return {
    url: `${repoApi(m, repo)}/statuses/${s.sha}`,
    avatar_url: `${m.htmlUrl}/avatars/u/${m.user(s.creator).id}?v=4`,
    id: s.id,
    node_id: nodeId("StatusContext", s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    creator: userJson(m, s.creator),
  };
}

/** `author_association` of a user on a repository. */
export function association(m: GitHubModel, repo: RepoRecord, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return "OWNER";
  if (login.endsWith("[bot]")) return "NONE";
  const role = repo.collaborators.get(login.toLowerCase());
  if (role && role !== "none") return m.user(repo.owner).type === "Organization" ? "MEMBER" : "COLLABORATOR";
  return "NONE";
}

/** An issue comment object. */
export function issueCommentJson(m: GitHubModel, c: IssueCommentRecord): Json {
  const repo = m.mustRepo(c.repo);
  const isPull = m.pull(repo.fullName, c.issueNumber) !== undefined;
  const url = `${repoApi(m, repo)}/issues/comments/${c.id}`;
  const counts: Record<string, number> = { "+1": 0, "-1": 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 };
  for (const r of c.reactions) counts[r.content] = (counts[r.content] ?? 0) + 1;
  return {
    id: c.id,
    node_id: nodeId("IssueComment", c.id),
    url,
    html_url: `${repoHtml(m, repo)}/${isPull ? "pull" : "issues"}/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: userJson(m, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${repoApi(m, repo)}/issues/${c.issueNumber}`,
    author_association: association(m, repo, c.user),
    reactions: { url: `${url}/reactions`, total_count: c.reactions.length, ...counts },
  };
}

/** A reaction object. */
export function reactionJson(m: GitHubModel, r: ReactionRecord): Json {
  return { id: r.id, node_id: nodeId("Reaction", r.id), user: userJson(m, r.user), content: r.content, created_at: r.createdAt };
}

/** Figures of a pull request that need git: commit count, line counts, mergeability. */
export interface PullStats {
  readonly commits: number;
  readonly additions: number;
  readonly deletions: number;
  readonly changedFiles: number;
  readonly mergeable: boolean | null;
}

/** A pull request object; `stats` given makes it the full `Pull Request`, otherwise `Pull Request Simple`. */
export function pullJson(m: GitHubModel, pr: PullRequestRecord, stats?: PullStats): Json {
  const base = m.mustRepo(pr.repo);
  const head = m.headRepo(pr);
  const api = repoApi(m, base);
  const html = repoHtml(m, base);
  const url = `${api}/pulls/${pr.number}`;
  const side = (repo: RepoRecord, ref: string, sha: string): Json => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: userJson(m, repo.owner),
    repo: repoJson(m, repo),
  });
  const labels = pr.labels.map((name) => {
    const l = base.labels.get(name.toLowerCase());
    return l ? labelJson(m, base, l) : undefined;
  });
  const link = (href: string): Json => ({ href });
  const out: Json = {
    url,
    id: pr.id,
    node_id: nodeId("PullRequest", pr.id),
    html_url: `${html}/pull/${pr.number}`,
    diff_url: `${html}/pull/${pr.number}.diff`,
    patch_url: `${html}/pull/${pr.number}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.head.sha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(m, pr.user),
    body: pr.body,
    labels: labels.filter((l) => l !== undefined),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: pr.requestedReviewers.map((r) => userJson(m, r)),
    requested_teams: pr.requestedTeams.map((slug) => teamSimpleJson(m, base.owner, slug)),
    head: side(head, pr.head.ref, pr.head.sha),
    base: side(base, pr.base.ref, pr.base.sha),
    _links: {
      self: link(url),
      html: link(`${html}/pull/${pr.number}`),
      issue: link(`${api}/issues/${pr.number}`),
      comments: link(`${api}/issues/${pr.number}/comments`),
      review_comments: link(`${url}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${url}/commits`),
      statuses: link(`${api}/statuses/${pr.head.sha}`),
    },
    author_association: association(m, base, pr.user),
    auto_merge: null,
    draft: pr.draft,
  };
  if (stats) {
    const merged = pr.mergedAt !== null;
    Object.assign(out, {
      merged,
      mergeable: pr.state === "open" ? stats.mergeable : null,
      rebaseable: pr.state === "open" ? stats.mergeable : null,
      mergeable_state: pr.state !== "open" ? "unknown" : stats.mergeable === false ? "dirty" : pr.draft ? "draft" : "clean",
      merged_by: pr.mergedBy ? userJson(m, pr.mergedBy) : null,
      comments: m.commentsOn(base.fullName, pr.number).length,
      review_comments: 0,
      maintainer_can_modify: pr.maintainerCanModify,
      commits: stats.commits,
      additions: stats.additions,
      deletions: stats.deletions,
      changed_files: stats.changedFiles,
    });
  }
  return out;
}

/** A simple team object (for requested teams). */
export function teamSimpleJson(m: GitHubModel, org: string, slug: string): Json {
  const team = m.team(org, slug);
  const id = team?.id ?? 0;
  const url = `${m.apiUrl}/orgs/${org}/teams/${slug}`;
  return {
    id,
    node_id: nodeId("Team", id),
    url,
    members_url: `${url}/members{/member}`,
    name: team?.name ?? slug,
    description: null,
    permission: "pull",
    privacy: "closed",
    notification_setting: "notifications_enabled",
    html_url: `${m.htmlUrl}/orgs/${org}/teams/${slug}`,
    repositories_url: `${url}/repos`,
    slug,
    parent: null,
  };
}

/** A pull request review object. */
export function reviewJson(m: GitHubModel, r: ReviewRecord): Json {
  const repo = m.mustRepo(r.repo);
  const prUrl = `${repoApi(m, repo)}/pulls/${r.pullNumber}`;
  const html = `${repoHtml(m, repo)}/pull/${r.pullNumber}#pullrequestreview-${r.id}`;
  return {
    id: r.id,
    node_id: nodeId("PullRequestReview", r.id),
    user: userJson(m, r.user),
    body: r.body,
    state: r.state,
    html_url: html,
    pull_request_url: prUrl,
    _links: { html: { href: html }, pull_request: { href: prUrl } },
    submitted_at: r.submittedAt,
    commit_id: r.commitId,
    author_association: association(m, repo, r.user),
  };
}

/** A deployment object. */
export function deploymentJson(m: GitHubModel, d: DeploymentRecord): Json {
  const repo = m.mustRepo(d.repo);
  const url = `${repoApi(m, repo)}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: nodeId("Deployment", d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: userJson(m, d.creator),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    statuses_url: `${url}/statuses`,
    repository_url: repoApi(m, repo),
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
  };
}

/** A deployment status object. */
export function deploymentStatusJson(m: GitHubModel, d: DeploymentRecord, s: DeploymentStatusRecord): Json {
  const repo = m.mustRepo(d.repo);
  const deploymentUrl = `${repoApi(m, repo)}/deployments/${d.id}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId("DeploymentStatus", s.id),
    state: s.state,
    creator: userJson(m, s.creator),
    description: s.description,
    environment: s.environment,
    target_url: s.targetUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: deploymentUrl,
    repository_url: repoApi(m, repo),
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
  };
}

/** The legacy `permission` value GitHub reports for a role (maintain → write, triage → read). */
export function legacyPermission(role: Role): "admin" | "write" | "read" | "none" {
  if (role === "admin") return "admin";
  if (role === "maintain" || role === "write") return "write";
  if (role === "triage" || role === "read") return "read";
  return "none";
}

/** The `permissions` flags of a collaborator with a role. */
export function roleFlags(role: Role): Record<string, boolean> {
  const rank = ROLES.indexOf(role);
  const atLeast = (r: Role): boolean => rank <= ROLES.indexOf(r);
  return { admin: atLeast("admin"), maintain: atLeast("maintain"), push: atLeast("write"), triage: atLeast("triage"), pull: atLeast("read") };
}
