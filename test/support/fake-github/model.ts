/**
 * The fake GitHub's state: users, installations and tokens, repositories (each a real bare git
 * repository), check runs, statuses, comments, pull requests, reviews, deployments and teams, plus
 * the seeding helpers tests use to set a scene and the queries they use to assert on it.
 *
 * Everything is in memory and per instance; nothing is shared between fakes.
 */
import { randomUUID, type KeyObject } from "node:crypto";
import { cp, rm } from "node:fs/promises";
import { join } from "node:path";
import { GitRepo, makeTempRoot, type FileContent, type GitIdentity } from "./git.js";

/** Repository roles, strongest first, as `role_name` reports them. */
export const ROLES = ["admin", "maintain", "write", "triage", "read", "none"] as const;
/** A collaborator's role on a repository. */
export type Role = (typeof ROLES)[number];

/** A GitHub account. */
export interface UserRecord {
  readonly login: string;
  readonly id: number;
  readonly type: "User" | "Organization" | "Bot";
  readonly name: string | null;
  readonly email: string | null;
}

/** Permission levels an installation or token holds, by permission name (`checks`, `contents`...). */
export type PermissionSet = Record<string, "read" | "write" | "admin">;

/** An installation of an app (the fake's app, or another one added with `addApp`) on an account. */
export interface InstallationRecord {
  readonly id: number;
  /** The app installed: the fake's own app unless `addInstallation({ appId })` named another. */
  readonly appId: number;
  readonly account: string;
  repositorySelection: "all" | "selected";
  /** Full names (`owner/name`) when the selection is `selected`. */
  repositories: string[];
  permissions: PermissionSet;
  /** Whether the test set `permissions` (then the fake enforces them). */
  readonly enforcePermissions: boolean;
  events: string[];
  suspended: boolean;
  readonly createdAt: string;
}

/** An installation access token the fake issued. */
export interface TokenRecord {
  readonly token: string;
  readonly installationId: number;
  readonly expiresAt: string;
  /** Restriction to some repositories (full names), when asked for. */
  readonly repositories: readonly string[] | undefined;
  readonly permissions: PermissionSet;
}

/** A GitHub environment of a repository. */
export interface EnvironmentRecord {
  readonly id: number;
  readonly name: string;
  readonly createdAt: string;
  /** Required reviewers (logins) and wait timer, reported as protection rules. */
  reviewers: string[];
  waitTimer: number;
}

/** A label on the repository. */
export interface LabelRecord {
  readonly id: number;
  readonly name: string;
  color: string;
  description: string | null;
}

/** A plain issue (pull requests have their own records but share the numbering). */
export interface IssueRecord {
  readonly number: number;
  readonly title: string;
  readonly user: string;
  readonly createdAt: string;
  labels: string[];
}

/** A repository the fake serves. */
export interface RepoRecord {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly fullName: string;
  private: boolean;
  visibility: "public" | "private" | "internal";
  defaultBranch: string;
  description: string | null;
  /** What `clone_url` reports; point it at a git server serving {@link RepoRecord.git}. */
  cloneUrl: string;
  readonly git: GitRepo;
  archived: boolean;
  deleteBranchOnMerge: boolean;
  /** Full name of the repository this one is a fork of. */
  readonly forkOf: string | undefined;
  readonly createdAt: string;
  readonly environments: Map<string, EnvironmentRecord>;
  /** login (lower case) → role. */
  readonly collaborators: Map<string, Role>;
  /** name (lower case) → label. */
  readonly labels: Map<string, LabelRecord>;
  readonly issues: Map<number, IssueRecord>;
  lastNumber: number;
}

/** A check run annotation as stored. */
export interface AnnotationRecord {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly start_column?: number;
  readonly end_column?: number;
  readonly annotation_level: "notice" | "warning" | "failure";
  readonly message: string;
  readonly title?: string;
  readonly raw_details?: string;
}

/** A check run, with every create/update request kept in `history`. */
export interface CheckRunRecord {
  readonly id: number;
  readonly repo: string;
  readonly headSha: string;
  name: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  readonly annotations: AnnotationRecord[];
  actions: unknown[];
  readonly appId: number;
  readonly checkSuiteId: number;
  readonly history: { readonly at: string; readonly method: "create" | "update"; readonly request: Record<string, unknown> }[];
}

/** A commit status. */
export interface StatusRecord {
  readonly id: number;
  readonly repo: string;
  readonly sha: string;
  readonly state: "error" | "failure" | "pending" | "success";
  readonly context: string;
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly creator: string;
  readonly createdAt: string;
}

/** A reaction on an issue comment. */
export interface ReactionRecord {
  readonly id: number;
  readonly user: string;
  readonly content: string;
  readonly createdAt: string;
}

/** An issue or pull request comment; deleted ones stay with `deleted: true`. */
export interface IssueCommentRecord {
  readonly id: number;
  readonly repo: string;
  readonly issueNumber: number;
  body: string;
  readonly user: string;
  readonly createdAt: string;
  updatedAt: string;
  deleted: boolean;
  /** Earlier bodies, oldest first. */
  readonly edits: string[];
  readonly reactions: ReactionRecord[];
}

/** A comment on a commit. */
export interface CommitCommentRecord {
  readonly id: number;
  readonly repo: string;
  readonly sha: string;
  body: string;
  readonly path: string | null;
  readonly line: number | null;
  readonly position: number | null;
  readonly user: string;
  readonly createdAt: string;
  updatedAt: string;
  /** Earlier bodies, oldest first. */
  readonly edits: string[];
}

/** A pull request. `head.sha` and `base.sha` follow the branches while it is open. */
export interface PullRequestRecord {
  readonly id: number;
  readonly number: number;
  /** Full name of the base repository. */
  readonly repo: string;
  title: string;
  body: string | null;
  state: "open" | "closed";
  draft: boolean;
  readonly user: string;
  readonly head: { readonly repo: string; readonly ref: string; sha: string };
  readonly base: { ref: string; sha: string };
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: string | null;
  labels: string[];
  requestedReviewers: string[];
  requestedTeams: string[];
  maintainerCanModify: boolean;
}

/** A pull request review. */
export interface ReviewRecord {
  readonly id: number;
  readonly repo: string;
  readonly pullNumber: number;
  readonly user: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  readonly body: string;
  readonly commitId: string;
  readonly submittedAt: string;
}

/** A deployment status. */
export interface DeploymentStatusRecord {
  readonly id: number;
  readonly state: "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";
  readonly description: string;
  readonly environment: string;
  readonly targetUrl: string;
  readonly logUrl: string;
  readonly environmentUrl: string;
  readonly creator: string;
  readonly createdAt: string;
}

/** A deployment with its statuses (oldest first). */
export interface DeploymentRecord {
  readonly id: number;
  readonly repo: string;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  readonly environment: string;
  readonly description: string | null;
  readonly payload: Record<string, unknown> | string;
  readonly creator: string;
  readonly createdAt: string;
  updatedAt: string;
  readonly transientEnvironment: boolean;
  readonly productionEnvironment: boolean;
  readonly statuses: DeploymentStatusRecord[];
}

/** An organisation team with its members. */
export interface TeamRecord {
  readonly id: number;
  readonly org: string;
  readonly slug: string;
  readonly name: string;
  /** login (lower case) → membership. */
  readonly members: Map<string, { readonly login: string; role: "member" | "maintainer"; state: "active" | "pending" }>;
}

/** A webhook delivery GitHub recorded for the app (`GET /app/hook/deliveries`), newest last. */
export interface HookDeliveryRecord {
  readonly id: number;
  /** Shared by a delivery and its redeliveries. */
  readonly guid: string;
  readonly event: string;
  readonly action: string | null;
  /** `OK` when the endpoint answered 2xx, else what went wrong (e.g. `Timed out`). */
  readonly status: string;
  readonly statusCode: number;
  readonly deliveredAt: string;
  readonly redelivery: boolean;
  readonly installationId: number | null;
  readonly repositoryId: number | null;
}

/** Options of {@link GitHubModel.addHookDelivery}. */
export interface AddHookDeliveryOptions {
  readonly event: string;
  readonly action?: string | null;
  /** @default a failure: `Timed out`, status code 0 (GitHub gave up waiting) */
  readonly status?: string;
  readonly statusCode?: number;
  /** @default now */
  readonly deliveredAt?: string;
  /** @default a new random guid */
  readonly guid?: string;
  readonly redelivery?: boolean;
  readonly installationId?: number | null;
  readonly repositoryId?: number | null;
}

/** All state; tests may read it freely (and modify it to set up odd situations). */
export interface FakeState {
  readonly users: Map<string, UserRecord>;
  readonly installations: Map<number, InstallationRecord>;
  readonly tokens: Map<string, TokenRecord>;
  /** People's tokens (user-to-server or personal) → login. */
  readonly userTokens: Map<string, string>;
  readonly repos: Map<string, RepoRecord>;
  readonly checkRuns: CheckRunRecord[];
  readonly statuses: StatusRecord[];
  readonly comments: IssueCommentRecord[];
  readonly commitComments: CommitCommentRecord[];
  readonly pulls: PullRequestRecord[];
  readonly reviews: ReviewRecord[];
  readonly deployments: DeploymentRecord[];
  readonly teams: TeamRecord[];
  /** Webhook deliveries GitHub recorded (seeded by tests, plus the redeliveries asked for). */
  readonly hookDeliveries: HookDeliveryRecord[];
}

/** The app the fake believes it is talking to. */
export interface AppRecord {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  readonly owner: string;
  /** PEM or KeyObject; when set, app JWTs must verify against it. */
  publicKey: string | KeyObject | undefined;
  readonly permissions: PermissionSet;
  readonly events: string[];
}

/** Options of {@link GitHubModel} (and of `FakeGitHub.start`). */
export interface ModelOptions {
  /** @default 1 */
  readonly appId?: number;
  /** @default "ferry" */
  readonly appSlug?: string;
  /** @default "Ferry" */
  readonly appName?: string;
  /** Account that owns the app. @default "ferry-dev" */
  readonly appOwner?: string;
  /** Public key app JWTs must verify against. @default undefined (any JWT-shaped Bearer passes) */
  readonly appPublicKey?: string | KeyObject;
  /** Clock of every timestamp the fake writes. @default () => new Date() */
  readonly now?: () => Date;
  /** Base of `html_url`s. @default "http://github.localhost" */
  readonly htmlUrl?: string;
  /** Base of default `clone_url`s. @default "http://git.localhost" */
  readonly gitUrl?: string;
  /** Directory for the bare repositories the fake creates. @default a temp dir removed on close */
  readonly root?: string;
}

/** Options of {@link GitHubModel.addRepo}. */
export interface AddRepoOptions {
  readonly owner: string;
  readonly name: string;
  /** @default "main" */
  readonly defaultBranch?: string;
  /** @default false */
  readonly private?: boolean;
  /** @default "private" when `private`, else "public" */
  readonly visibility?: "public" | "private" | "internal";
  /** @default null */
  readonly description?: string | null;
  /** An existing bare repository to serve (e.g. one a test git server serves). @default a new empty one */
  readonly gitDir?: string;
  /** @default `${gitUrl}/${owner}/${name}.git` */
  readonly cloneUrl?: string;
  /** Files of a first commit on the default branch (only for a new repository). */
  readonly files?: Readonly<Record<string, string>>;
  /** Type of the owner account when it is new. @default "Organization" */
  readonly ownerType?: "User" | "Organization";
  /** Make this repository a fork of another one (its git history is copied). */
  readonly forkOf?: string;
  /** Delete the head branch when a pull request merges. @default false */
  readonly deleteBranchOnMerge?: boolean;
}

/** Options of {@link GitHubModel.commit}. */
export interface SeedCommitOptions {
  /** Files to add or change; `null` deletes. */
  readonly files: Readonly<Record<string, FileContent>>;
  /** Branch to move (created if missing). @default the default branch */
  readonly branch?: string;
  /** Parent commit. @default the branch head; for a new branch the default branch's head (none in an empty repository) */
  readonly parent?: string;
  /** @default "Update files" */
  readonly message?: string;
  /** @default a test user "Mona Lisa Octocat" */
  readonly author?: { readonly name: string; readonly email: string };
}

/** Options of {@link GitHubModel.addInstallation}. */
export interface AddInstallationOptions {
  /** @default the next id */
  readonly id?: number;
  readonly account: string;
  /** Which repositories: all of the account's, or these full names. @default "all" */
  readonly repositories?: "all" | readonly string[];
  /** Granted permissions; when given the fake refuses requests that need more. @default all write */
  readonly permissions?: PermissionSet;
  /** @default ["push", "pull_request", "issue_comment", "pull_request_review", "check_run", "workflow_run"] */
  readonly events?: readonly string[];
  /** @default "Organization" */
  readonly accountType?: "User" | "Organization";
  /** The app installed (one added with `addApp`). @default the fake's own app */
  readonly appId?: number;
}

/** Options of {@link GitHubModel.addApp}: another GitHub App, acting only through its installations' tokens. */
export interface AddAppOptions {
  /** @default the next id */
  readonly id?: number;
  readonly slug: string;
  /** @default the slug */
  readonly name?: string;
  /** Account that owns the app. @default "other-dev" */
  readonly owner?: string;
}

/** Options of {@link GitHubModel.openPullRequest}. */
export interface SeedPullRequestOptions {
  /** Head branch, or `owner:branch` for a fork. */
  readonly head: string;
  /** @default the default branch */
  readonly base?: string;
  readonly title: string;
  /** @default null */
  readonly body?: string | null;
  /** Author. @default "octocat" */
  readonly user?: string;
  /** @default false */
  readonly draft?: boolean;
}

/** Called after a pull request was merged through the API (after the response is sent). */
export type MergeListener = (pr: PullRequestRecord) => void | Promise<void>;

/** An error the API answers with a status and GitHub's error body. */
export class HttpError extends Error {
  readonly status: number;
  readonly errors: readonly Record<string, unknown>[] | undefined;
  constructor(status: number, message: string, errors?: readonly Record<string, unknown>[]) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

const FULL_WRITE: PermissionSet = {
  actions: "read",
  checks: "write",
  contents: "write",
  deployments: "write",
  issues: "write",
  members: "read",
  metadata: "read",
  pull_requests: "write",
  statuses: "write",
};

const DEFAULT_EVENTS = ["push", "pull_request", "issue_comment", "pull_request_review", "check_run", "workflow_run"];

/** Formats a date the way GitHub does: ISO 8601, seconds, `Z`. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `owner/name` in lower case: how the fake keys repositories (GitHub names are case-insensitive). */
export function repoKey(fullName: string): string {
  return fullName.toLowerCase();
}

function splitFullName(fullName: string): [string, string] {
  const [owner, name, ...rest] = fullName.split("/");
  if (!owner || !name || rest.length > 0) throw new Error(`repository must be "owner/name", got "${fullName}"`);
  return [owner, name];
}

/**
 * State and seeding. `FakeGitHub` extends this with the HTTP server; handlers receive it.
 */
export class GitHubModel {
  readonly state: FakeState = {
    users: new Map(),
    installations: new Map(),
    tokens: new Map(),
    userTokens: new Map(),
    repos: new Map(),
    checkRuns: [],
    statuses: [],
    comments: [],
    commitComments: [],
    pulls: [],
    reviews: [],
    deployments: [],
    teams: [],
    hookDeliveries: [],
  };
  readonly app: AppRecord;
  /** Other GitHub Apps (`addApp`), by id: they act only with their installations' tokens. */
  readonly otherApps = new Map<number, AppRecord>();
  readonly htmlUrl: string;
  readonly gitUrl: string;
  readonly #clock: () => Date;
  readonly #ids = new Map<string, number>();
  readonly #rootOption: string | undefined;
  readonly #mergeListeners: MergeListener[] = [];
  #root: string | undefined;
  #apiUrl = "http://127.0.0.1";

  constructor(options: ModelOptions = {}) {
    this.#clock = options.now ?? (() => new Date());
    this.htmlUrl = (options.htmlUrl ?? "http://github.localhost").replace(/\/$/, "");
    this.gitUrl = (options.gitUrl ?? "http://git.localhost").replace(/\/$/, "");
    this.#rootOption = options.root;
    const owner = options.appOwner ?? "ferry-dev";
    this.app = {
      id: options.appId ?? 1,
      slug: options.appSlug ?? "ferry",
      name: options.appName ?? "Ferry",
      owner,
      publicKey: options.appPublicKey,
      permissions: { ...FULL_WRITE },
      events: [...DEFAULT_EVENTS],
    };
    this.user(owner, "Organization");
    this.user(this.botLogin, "Bot");
  }

  /** Base URL of the API (the server's address once started). */
  get apiUrl(): string {
    return this.#apiUrl;
  }

  protected setApiUrl(url: string): void {
    this.#apiUrl = url.replace(/\/$/, "");
  }

  /** Login of the app's bot user: comments and check runs made with installation tokens are by it. */
  get botLogin(): string {
    return `${this.app.slug}[bot]`;
  }

  /** The fake's app or another one added with `addApp`. */
  appById(id: number): AppRecord {
    const app = id === this.app.id ? this.app : this.otherApps.get(id);
    if (!app) throw new Error(`no app ${id}`);
    return app;
  }

  /**
   * Registers another GitHub App (say a CI app, or one an attacker controls): install it with
   * `addInstallation({ account, appId })` and act with `issueToken` of that installation; its
   * check runs, comments and statuses are its own (`app.id`, `<slug>[bot]`), and it cannot update
   * the fake's app's check runs (nor the fake's app its).
   */
  addApp(opts: AddAppOptions): AppRecord {
    const id = opts.id ?? this.nextId("app");
    if (id === this.app.id || this.otherApps.has(id)) throw new Error(`app ${id} exists`);
    const owner = opts.owner ?? "other-dev";
    const app: AppRecord = {
      id,
      slug: opts.slug,
      name: opts.name ?? opts.slug,
      owner,
      publicKey: undefined,
      permissions: { ...FULL_WRITE },
      events: [...DEFAULT_EVENTS],
    };
    this.otherApps.set(id, app);
    this.user(owner, "Organization");
    this.user(`${app.slug}[bot]`, "Bot");
    return app;
  }

  /** The fake's own app's installations (what its JWT sees). */
  appInstallations(): InstallationRecord[] {
    return [...this.state.installations.values()].filter((i) => i.appId === this.app.id);
  }

  /** One of the fake's own app's installations. */
  appInstallation(id: number): InstallationRecord | undefined {
    const inst = this.state.installations.get(id);
    return inst?.appId === this.app.id ? inst : undefined;
  }

  /** The current time as GitHub prints it. */
  now(): string {
    return isoSeconds(this.#clock());
  }

  /** The current time as a Date. */
  nowDate(): Date {
    return this.#clock();
  }

  /** Next id of a kind of object; ids are deterministic per fake. */
  nextId(kind: string): number {
    const next = (this.#ids.get(kind) ?? 1000) + 1;
    this.#ids.set(kind, next);
    return next;
  }

  /** The user with this login, created on first mention. */
  user(login: string, type: UserRecord["type"] = "User", details: { name?: string; email?: string } = {}): UserRecord {
    const key = login.toLowerCase();
    let u = this.state.users.get(key);
    if (!u) {
      u = { login, id: this.nextId("user"), type: login.endsWith("[bot]") ? "Bot" : type, name: details.name ?? null, email: details.email ?? null };
      this.state.users.set(key, u);
    }
    return u;
  }

  // ---------------------------------------------------------------- installations

  /** Installs the app on an account. */
  addInstallation(opts: AddInstallationOptions): InstallationRecord {
    this.user(opts.account, opts.accountType ?? "Organization");
    const id = opts.id ?? this.nextId("installation");
    const appId = opts.appId ?? this.app.id;
    this.appById(appId);
    const record: InstallationRecord = {
      id,
      appId,
      account: opts.account,
      repositorySelection: opts.repositories === undefined || opts.repositories === "all" ? "all" : "selected",
      repositories: opts.repositories === undefined || opts.repositories === "all" ? [] : [...opts.repositories],
      permissions: { ...(opts.permissions ?? FULL_WRITE) },
      enforcePermissions: opts.permissions !== undefined,
      events: [...(opts.events ?? DEFAULT_EVENTS)],
      suspended: false,
      createdAt: this.now(),
    };
    this.state.installations.set(id, record);
    return record;
  }

  /** Records a webhook delivery as GitHub would list it (by default one that failed). */
  addHookDelivery(opts: AddHookDeliveryOptions): HookDeliveryRecord {
    const failed = opts.status === undefined;
    const record: HookDeliveryRecord = {
      id: this.nextId("hook-delivery"),
      guid: opts.guid ?? randomUUID(),
      event: opts.event,
      action: opts.action ?? null,
      status: opts.status ?? "Timed out",
      statusCode: opts.statusCode ?? (failed ? 0 : 200),
      deliveredAt: opts.deliveredAt ?? this.now(),
      redelivery: opts.redelivery ?? false,
      installationId: opts.installationId ?? null,
      repositoryId: opts.repositoryId ?? null,
    };
    this.state.hookDeliveries.push(record);
    return record;
  }

  /** Issues an installation token, as `POST /app/installations/{id}/access_tokens` does. */
  issueToken(installationId: number, restrict: { repositories?: readonly string[]; permissions?: PermissionSet } = {}): TokenRecord {
    const inst = this.state.installations.get(installationId);
    if (!inst) throw new Error(`no installation ${installationId}`);
    const n = this.nextId("token");
    const token: TokenRecord = {
      token: `ghs_${String(installationId).padStart(6, "0")}${String(n).padStart(6, "0")}fake${"x".repeat(20)}`,
      installationId,
      expiresAt: isoSeconds(new Date(this.nowDate().getTime() + 3600_000)),
      repositories: restrict.repositories,
      permissions: { ...(restrict.permissions ?? inst.permissions) },
    };
    this.state.tokens.set(token.token, token);
    return token;
  }

  /**
   * Issues a person's token (what GitHub's OAuth web flow or a personal access token gives): calls
   * made with it act as `login`, see the repositories `roleOf` lets them read, and write only where
   * their role is at least `write`.
   */
  issueUserToken(login: string): string {
    const u = this.user(login);
    const token = `ghu_${String(u.id).padStart(6, "0")}${String(this.nextId("user-token")).padStart(6, "0")}fake${"x".repeat(20)}`;
    this.state.userTokens.set(token, u.login);
    return token;
  }

  /** Revokes a person's token (the person or an admin revoked it, or the OAuth grant was withdrawn): from now on GitHub answers 401 "Bad credentials" to it. */
  revokeUserToken(token: string): void {
    if (!this.state.userTokens.delete(token)) throw new Error(`no person's token ${token.slice(0, 8)}… to revoke`);
  }

  /** Whether an installation (optionally narrowed by a token) may see a repository. */
  covers(inst: InstallationRecord, repo: RepoRecord, token?: TokenRecord): boolean {
    if (inst.account.toLowerCase() !== repo.owner.toLowerCase()) return false;
    if (inst.repositorySelection === "selected" && !inst.repositories.some((r) => repoKey(r) === repoKey(repo.fullName))) return false;
    if (token?.repositories && !token.repositories.some((r) => r.toLowerCase() === repo.name.toLowerCase() || repoKey(r) === repoKey(repo.fullName)))
      return false;
    return true;
  }

  /** The installation that covers a repository, if any. */
  installationFor(fullName: string): InstallationRecord | undefined {
    const repo = this.repo(fullName);
    if (!repo) return undefined;
    return this.appInstallations().find((i) => this.covers(i, repo));
  }

  // ---------------------------------------------------------------- repositories

  async #rootDir(): Promise<string> {
    if (!this.#root) this.#root = this.#rootOption ?? (await makeTempRoot());
    return this.#root;
  }

  /** Removes the repositories the fake created itself (not those passed as `gitDir`). */
  protected async removeOwnRepositories(): Promise<void> {
    if (this.#root && !this.#rootOption) await rm(this.#root, { recursive: true, force: true });
    this.#root = undefined;
  }

  /** Adds a repository, backed by a new bare repository or an existing one (`gitDir`). */
  async addRepo(opts: AddRepoOptions): Promise<RepoRecord> {
    const fullName = `${opts.owner}/${opts.name}`;
    if (this.state.repos.has(repoKey(fullName))) throw new Error(`repository ${fullName} already exists`);
    this.user(opts.owner, opts.ownerType ?? "Organization");
    const defaultBranch = opts.defaultBranch ?? "main";
    let git: GitRepo;
    if (opts.gitDir) {
      git = new GitRepo(opts.gitDir);
    } else {
      const dir = join(await this.#rootDir(), opts.owner, `${opts.name}.git`);
      if (opts.forkOf) {
        const parent = this.repo(opts.forkOf);
        if (!parent) throw new Error(`cannot fork ${opts.forkOf}: no such repository`);
        await cp(parent.git.gitDir, dir, { recursive: true });
        git = new GitRepo(dir);
      } else {
        git = await GitRepo.init(dir, defaultBranch);
      }
    }
    const isPrivate = opts.private ?? false;
    const record: RepoRecord = {
      id: this.nextId("repo"),
      owner: opts.owner,
      name: opts.name,
      fullName,
      private: isPrivate,
      visibility: opts.visibility ?? (isPrivate ? "private" : "public"),
      defaultBranch,
      description: opts.description ?? null,
      cloneUrl: opts.cloneUrl ?? `${this.gitUrl}/${fullName}.git`,
      git,
      archived: false,
      deleteBranchOnMerge: opts.deleteBranchOnMerge ?? false,
      forkOf: opts.forkOf,
      createdAt: this.now(),
      environments: new Map(),
      collaborators: new Map(),
      labels: new Map(),
      issues: new Map(),
      lastNumber: 0,
    };
    this.state.repos.set(repoKey(fullName), record);
    if (opts.files && !opts.gitDir) await this.commit(fullName, { files: opts.files, message: "Initial commit" });
    return record;
  }

  /** A repository by full name (case-insensitive). */
  repo(fullName: string): RepoRecord | undefined {
    return this.state.repos.get(repoKey(fullName));
  }

  /** Like {@link repo} but throws for a missing one (seeding helpers). */
  mustRepo(fullName: string): RepoRecord {
    const r = this.repo(fullName);
    if (!r) throw new Error(`no repository ${fullName} in the fake (addRepo first)`);
    return r;
  }

  /** Points `clone_url` of a repository somewhere (e.g. the test git server). */
  setCloneUrl(fullName: string, url: string): void {
    this.mustRepo(fullName).cloneUrl = url;
  }

  /** Commits files onto a branch (creating it) and returns the new commit sha. */
  async commit(fullName: string, opts: SeedCommitOptions): Promise<string> {
    const repo = this.mustRepo(fullName);
    const branch = opts.branch ?? repo.defaultBranch;
    const ref = `refs/heads/${branch}`;
    const current = await repo.git.refSha(ref);
    const parent = opts.parent ?? current ?? (await repo.git.refSha(`refs/heads/${repo.defaultBranch}`));
    const when = this.now();
    const author: GitIdentity = {
      name: opts.author?.name ?? "Mona Lisa Octocat",
      email: opts.author?.email ?? "octocat@users.noreply.github.localhost",
      date: when,
    };
    const sha = await repo.git.writeCommit({ parents: parent ? [parent] : [], files: opts.files, message: opts.message ?? "Update files", author });
    if (!(await repo.git.updateRef(ref, sha, current ?? null))) throw new Error(`${fullName} ${ref} moved while committing`);
    return sha;
  }

  /** Creates or moves a branch to a commit (default: the default branch's head). */
  async setBranch(fullName: string, branch: string, sha?: string): Promise<string> {
    const repo = this.mustRepo(fullName);
    const target = sha ?? (await repo.git.refSha(`refs/heads/${repo.defaultBranch}`));
    if (!target) throw new Error(`${fullName} has no commits to branch from`);
    await repo.git.updateRef(`refs/heads/${branch}`, target);
    return target;
  }

  /** Head sha of a branch, or `undefined`. */
  branchSha(fullName: string, branch?: string): Promise<string | undefined> {
    const repo = this.mustRepo(fullName);
    return repo.git.refSha(`refs/heads/${branch ?? repo.defaultBranch}`);
  }

  /** Gives a user a role on a repository (`GET .../collaborators/{u}/permission` reports it). */
  setPermission(fullName: string, login: string, role: Role): void {
    this.user(login);
    this.mustRepo(fullName).collaborators.set(login.toLowerCase(), role);
  }

  /** The role of a user: seeded, or owner → admin, else read on public and none on private repositories. */
  roleOf(repo: RepoRecord, login: string): Role {
    const seeded = repo.collaborators.get(login.toLowerCase());
    if (seeded) return seeded;
    if (login.toLowerCase() === repo.owner.toLowerCase()) return "admin";
    return repo.private ? "none" : "read";
  }

  /** Adds (or replaces) a GitHub environment on a repository. */
  addEnvironment(fullName: string, name: string, opts: { reviewers?: readonly string[]; waitTimer?: number } = {}): EnvironmentRecord {
    const repo = this.mustRepo(fullName);
    const env: EnvironmentRecord = {
      id: this.nextId("environment"),
      name,
      createdAt: this.now(),
      reviewers: [...(opts.reviewers ?? [])],
      waitTimer: opts.waitTimer ?? 0,
    };
    repo.environments.set(name.toLowerCase(), env);
    return env;
  }

  /** Adds a team to an organisation, with members (and maintainers). */
  addTeam(
    org: string,
    slug: string,
    opts: { members?: readonly string[]; maintainers?: readonly string[]; pending?: readonly string[]; name?: string } = {},
  ): TeamRecord {
    this.user(org, "Organization");
    const team: TeamRecord = { id: this.nextId("team"), org, slug, name: opts.name ?? slug, members: new Map() };
    const add = (login: string, role: "member" | "maintainer", state: "active" | "pending"): void => {
      this.user(login);
      team.members.set(login.toLowerCase(), { login, role, state });
    };
    for (const m of opts.members ?? []) add(m, "member", "active");
    for (const m of opts.maintainers ?? []) add(m, "maintainer", "active");
    for (const m of opts.pending ?? []) add(m, "member", "pending");
    this.state.teams.push(team);
    return team;
  }

  /** A team by organisation and slug. */
  team(org: string, slug: string): TeamRecord | undefined {
    return this.state.teams.find((t) => t.org.toLowerCase() === org.toLowerCase() && t.slug.toLowerCase() === slug.toLowerCase());
  }

  /** Opens a plain issue (for comments on something that is not a pull request). */
  addIssue(fullName: string, opts: { title: string; user?: string }): IssueRecord {
    const repo = this.mustRepo(fullName);
    const issue: IssueRecord = {
      number: ++repo.lastNumber,
      title: opts.title,
      user: this.user(opts.user ?? "octocat").login,
      createdAt: this.now(),
      labels: [],
    };
    repo.issues.set(issue.number, issue);
    return issue;
  }

  /** Whether an issue or pull request number exists in a repository. */
  hasIssue(repo: RepoRecord, number: number): boolean {
    return repo.issues.has(number) || this.state.pulls.some((p) => repoKey(p.repo) === repoKey(repo.fullName) && p.number === number);
  }

  /** A comment by a user (e.g. a `/ferry` command), as if posted on GitHub. */
  addComment(fullName: string, issueNumber: number, opts: { user: string; body: string }): IssueCommentRecord {
    const repo = this.mustRepo(fullName);
    if (!this.hasIssue(repo, issueNumber)) throw new Error(`${fullName} has no issue or pull request #${issueNumber}`);
    const now = this.now();
    const comment: IssueCommentRecord = {
      id: this.nextId("comment"),
      repo: repo.fullName,
      issueNumber,
      body: opts.body,
      user: this.user(opts.user).login,
      createdAt: now,
      updatedAt: now,
      deleted: false,
      edits: [],
      reactions: [],
    };
    this.state.comments.push(comment);
    return comment;
  }

  /** Adds a review to a pull request (default: approval of the current head). */
  async addReview(
    fullName: string,
    pullNumber: number,
    opts: { user: string; state?: ReviewRecord["state"]; body?: string; commitId?: string },
  ): Promise<ReviewRecord> {
    const pr = this.mustPull(fullName, pullNumber);
    await this.refreshPull(pr);
    const review: ReviewRecord = {
      id: this.nextId("review"),
      repo: pr.repo,
      pullNumber,
      user: this.user(opts.user).login,
      state: opts.state ?? "APPROVED",
      body: opts.body ?? "",
      commitId: opts.commitId ?? pr.head.sha,
      submittedAt: this.now(),
    };
    this.state.reviews.push(review);
    return review;
  }

  // ---------------------------------------------------------------- pull requests

  /** A pull request by repository and number. */
  pull(fullName: string, number: number): PullRequestRecord | undefined {
    return this.state.pulls.find((p) => repoKey(p.repo) === repoKey(fullName) && p.number === number);
  }

  /** Like {@link pull} but throws for a missing one. */
  mustPull(fullName: string, number: number): PullRequestRecord {
    const p = this.pull(fullName, number);
    if (!p) throw new Error(`no pull request ${fullName}#${number} in the fake`);
    return p;
  }

  /** The repository holding a pull request's head (the base repository or a fork). */
  headRepo(pr: PullRequestRecord): RepoRecord {
    return this.mustRepo(pr.head.repo);
  }

  /**
   * Brings an open pull request's `head.sha` and `base.sha` up to date with the branches and keeps
   * `refs/pull/N/head` in the base repository pointing at the head (as GitHub does).
   */
  async refreshPull(pr: PullRequestRecord): Promise<void> {
    if (pr.state !== "open") return;
    const base = this.mustRepo(pr.repo);
    const head = this.headRepo(pr);
    const headSha = await head.git.refSha(`refs/heads/${pr.head.ref}`);
    if (headSha && headSha !== pr.head.sha) {
      if (head === base) await base.git.updateRef(`refs/pull/${pr.number}/head`, headSha);
      else await base.git.fetchFrom(head.git.gitDir, `refs/heads/${pr.head.ref}`, `refs/pull/${pr.number}/head`);
      pr.head.sha = headSha;
    }
    const baseSha = await base.git.refSha(`refs/heads/${pr.base.ref}`);
    if (baseSha) pr.base.sha = baseSha;
  }

  /**
   * Opens a pull request, checking what GitHub checks: both branches exist, they differ, and no
   * open pull request has the same head and base. Throws {@link HttpError} (422) otherwise.
   */
  async openPullRequest(fullName: string, opts: SeedPullRequestOptions, author?: string): Promise<PullRequestRecord> {
    const base = this.mustRepo(fullName);
    const baseRef = opts.base ?? base.defaultBranch;
    const [headOwner, headRef] = opts.head.includes(":") ? (opts.head.split(":", 2) as [string, string]) : [base.owner, opts.head];
    const head =
      headOwner.toLowerCase() === base.owner.toLowerCase()
        ? base
        : [...this.state.repos.values()].find(
            (r) => r.owner.toLowerCase() === headOwner.toLowerCase() && r.forkOf && repoKey(r.forkOf) === repoKey(base.fullName),
          );
    const invalid = (field: string, message?: string): HttpError =>
      new HttpError(422, "Validation Failed", [{ resource: "PullRequest", field, code: "invalid", ...(message ? { message } : {}) }]);
    if (!head) throw invalid("head");
    const headSha = await head.git.refSha(`refs/heads/${headRef}`);
    const baseSha = await base.git.refSha(`refs/heads/${baseRef}`);
    const problems: Record<string, unknown>[] = [];
    if (!headSha) problems.push({ resource: "PullRequest", field: "head", code: "invalid" });
    if (!baseSha) problems.push({ resource: "PullRequest", field: "base", code: "invalid" });
    if (problems.length > 0) throw new HttpError(422, "Validation Failed", problems);
    const existing = this.state.pulls.find(
      (p) =>
        p.state === "open" &&
        repoKey(p.repo) === repoKey(base.fullName) &&
        repoKey(p.head.repo) === repoKey(head.fullName) &&
        p.head.ref === headRef &&
        p.base.ref === baseRef,
    );
    if (existing) {
      throw new HttpError(422, "Validation Failed", [
        { resource: "PullRequest", code: "custom", message: `A pull request already exists for ${head.owner}:${headRef}.` },
      ]);
    }
    const number = ++base.lastNumber;
    if (head === base) await base.git.updateRef(`refs/pull/${number}/head`, headSha as string);
    else await base.git.fetchFrom(head.git.gitDir, `refs/heads/${headRef}`, `refs/pull/${number}/head`);
    if (await base.git.isAncestor(headSha as string, baseSha as string)) {
      await base.git.deleteRef(`refs/pull/${number}/head`);
      base.lastNumber -= 1;
      throw new HttpError(422, "Validation Failed", [{ resource: "PullRequest", code: "custom", message: `No commits between ${baseRef} and ${headRef}` }]);
    }
    const now = this.now();
    const pr: PullRequestRecord = {
      id: this.nextId("pull"),
      number,
      repo: base.fullName,
      title: opts.title,
      body: opts.body ?? null,
      state: "open",
      draft: opts.draft ?? false,
      user: this.user(author ?? opts.user ?? "octocat").login,
      head: { repo: head.fullName, ref: headRef, sha: headSha as string },
      base: { ref: baseRef, sha: baseSha as string },
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      mergeCommitSha: null,
      mergedBy: null,
      labels: [],
      requestedReviewers: [],
      requestedTeams: [],
      maintainerCanModify: false,
    };
    this.state.pulls.push(pr);
    return pr;
  }

  /** Registers a listener for merges made through the API; returns an unsubscribe function. */
  onMerge(listener: MergeListener): () => void {
    this.#mergeListeners.push(listener);
    return () => {
      const i = this.#mergeListeners.indexOf(listener);
      if (i >= 0) this.#mergeListeners.splice(i, 1);
    };
  }

  /** Runs the merge listeners (the merge handler calls it once the response is out). */
  async notifyMerge(pr: PullRequestRecord): Promise<void> {
    for (const listener of [...this.#mergeListeners]) await listener(pr);
  }

  // ---------------------------------------------------------------- queries for tests

  /** Live (not deleted) comments on an issue or pull request, oldest first. */
  commentsOn(fullName: string, issueNumber: number): IssueCommentRecord[] {
    return this.state.comments.filter((c) => !c.deleted && repoKey(c.repo) === repoKey(fullName) && c.issueNumber === issueNumber);
  }

  /** Comments on a commit (`sha` in full), oldest first. */
  commitCommentsOn(fullName: string, sha: string): CommitCommentRecord[] {
    return this.state.commitComments.filter((c) => repoKey(c.repo) === repoKey(fullName) && c.sha === sha);
  }

  /** Check runs of a repository, optionally for one commit and/or name, oldest first. */
  checkRunsFor(fullName: string, filter: { sha?: string; name?: string } = {}): CheckRunRecord[] {
    return this.state.checkRuns.filter(
      (c) =>
        repoKey(c.repo) === repoKey(fullName) &&
        (filter.sha === undefined || c.headSha === filter.sha) &&
        (filter.name === undefined || c.name === filter.name),
    );
  }

  /** The newest check run with a name (optionally on a commit). */
  latestCheckRun(fullName: string, name: string, sha?: string): CheckRunRecord | undefined {
    return this.checkRunsFor(fullName, { name, ...(sha ? { sha } : {}) }).at(-1);
  }

  /** Pull requests of a repository, optionally by state. */
  pullsIn(fullName: string, state?: "open" | "closed"): PullRequestRecord[] {
    return this.state.pulls.filter((p) => repoKey(p.repo) === repoKey(fullName) && (state === undefined || p.state === state));
  }

  /** Deployments of a repository, optionally for one environment, oldest first. */
  deploymentsIn(fullName: string, environment?: string): DeploymentRecord[] {
    return this.state.deployments.filter((d) => repoKey(d.repo) === repoKey(fullName) && (environment === undefined || d.environment === environment));
  }

  /** Commit statuses of a commit, oldest first. */
  statusesOn(fullName: string, sha: string): StatusRecord[] {
    return this.state.statuses.filter((s) => repoKey(s.repo) === repoKey(fullName) && s.sha === sha);
  }

  /** Reads a file at a ref straight from git (for assertions). */
  async readFile(fullName: string, path: string, ref?: string): Promise<string | undefined> {
    const repo = this.mustRepo(fullName);
    const sha = await repo.git.resolveCommit(ref ?? repo.defaultBranch);
    if (!sha) return undefined;
    // `<rev>:<path>` takes everything after the colon as the path, so no `^{blob}` peeling here.
    const object = await repo.git.revParse(`${sha}:${path}`);
    if (!object || (await repo.git.objectType(object)) !== "blob") return undefined;
    return (await repo.git.readBlob(object)).toString("utf8");
  }

  /** Splits `owner/name`. */
  static split(fullName: string): [string, string] {
    return splitFullName(fullName);
  }
}
