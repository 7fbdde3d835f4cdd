/**
 * A real git server for tests and benchmarks (test/ and bench/ both import it, so it lives outside
 * test/): a small Node HTTP bridge in front of git's own CGI program, `git http-backend` (smart
 * HTTP, protocol v0/v1/v2), serving bare repositories under a temporary root on 127.0.0.1 (port 0).
 *
 * What it offers beyond plain serving:
 * - `token`: every request must carry Basic auth `x-access-token:<token>` (as GitHub expects),
 *   otherwise 401 with a `WWW-Authenticate` challenge;
 * - `createRepo(name, { files })`: a bare repository (`http.receivepack true`, server-side fsck of
 *   pushed objects, non-fast-forward updates refused so a force push can never land silently,
 *   no automatic gc),
 *   optionally with a first commit;
 * - `commit(name, { files, deletes })`: commits straight into a bare repository with
 *   `git fast-import` (fast even for tens of thousands of files), e.g. to play another writer;
 * - `rejectPushes(name, { message, count })`: the repository's pre-receive hook declines the next
 *   `count` pushes with `message` (git discards the pushed objects: nothing lands);
 * - `failNextPush(name, status)`: the bridge answers the next receive-pack POST with an HTTP error
 *   without running git at all;
 * - `beforeNextPush(name, fn)`: awaits `fn` when the next receive-pack POST arrives and before git
 *   sees it, e.g. to land a concurrent commit and force a compare-and-swap failure;
 * - `requests`: a log of what was asked (method, repository, service, status), for assertions.
 *
 * Request bodies are streamed to the backend; gzip-encoded bodies (the git CLI compresses large
 * fetch negotiations) are passed through with HTTP_CONTENT_ENCODING, which http-backend inflates.
 */
import { spawn, execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Where Debian/Ubuntu install git's smart-HTTP CGI program. */
export const GIT_HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";

/** Options of {@link startGitServer}. */
export interface GitServerOptions {
  /** Require Basic auth `x-access-token:<token>` on every request. @default undefined (no auth) */
  token?: string;
  /** Directory holding the bare repositories; removed on close only when created here. @default a fresh temp dir */
  root?: string;
  /** Path of git's CGI program. @default {@link GIT_HTTP_BACKEND} */
  backend?: string;
}

/** Options of {@link GitServer.createRepo}. */
export interface CreateRepoOptions {
  /** Files of a first commit (repository-relative POSIX paths → contents). @default none: an empty repository */
  files?: Record<string, string>;
  /** Branch of the first commit and HEAD. @default "main" */
  branch?: string;
  /** Message of the first commit. @default "initial" */
  message?: string;
}

/** Options of {@link GitServer.commit}. */
export interface CommitOptions {
  /** Files to add or replace. @default {} */
  files?: Record<string, string>;
  /** Paths (files or directories) to delete. @default [] */
  deletes?: string[];
  /** @default "main" */
  branch?: string;
  /** @default "test commit" */
  message?: string;
  /** The commit's time, Unix seconds. @default 1_700_000_000 (fixed, for deterministic shas) */
  timestamp?: number;
}

/** One request the bridge answered. */
export interface GitServerRequest {
  method: string;
  /** Repository name as given to createRepo (without `.git`). */
  repo: string;
  /** `git-upload-pack`, `git-receive-pack` or the dumb path asked for. */
  service: string;
  status: number;
}

/** A running server; see {@link startGitServer}. */
export interface GitServer {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Directory holding the bare repositories. */
  readonly root: string;
  /** Every request answered so far, oldest first. */
  readonly requests: GitServerRequest[];
  /** Clone URL of repository `name`: `<url>/<name>.git`. */
  repoUrl(name: string): string;
  /** Path on disk of the bare repository `name`. */
  repoPath(name: string): string;
  /** Creates a bare repository, optionally with a first commit; returns its URL, path and tip. */
  createRepo(name: string, opts?: CreateRepoOptions): Promise<{ url: string; path: string; head: string | null }>;
  /** Commits into the bare repository directly (not over HTTP); returns the new tip. */
  commit(name: string, opts: CommitOptions): Promise<string>;
  /** The commit `branch` points at, or null when it does not exist. */
  head(name: string, branch?: string): Promise<string | null>;
  /** Runs `git <args>` in the bare repository and returns stdout. */
  git(name: string, args: string[]): Promise<string>;
  /** Makes the pre-receive hook decline the next `count` pushes, printing `message`. */
  rejectPushes(name: string, opts?: { message?: string; count?: number }): Promise<void>;
  /** Answers the next receive-pack POST to `name` with HTTP `status` (git never runs). */
  failNextPush(name: string, status?: number): void;
  /** Awaits `fn` when the next receive-pack POST to `name` arrives, before git sees the push. */
  beforeNextPush(name: string, fn: () => Promise<void>): void;
  /** Stops listening and removes the root directory when the server created it. */
  close(): Promise<void>;
}

const REJECT_MARKER = "ferry-test-reject";

/** The pre-receive hook every repository gets: declines while the marker file says so. */
const PRE_RECEIVE_HOOK = `#!/bin/sh
# Installed by scripts/git-http-server.ts: declines pushes while ${REJECT_MARKER} says so.
marker="$GIT_DIR/${REJECT_MARKER}"
[ -f "$marker" ] || exit 0
count=$(head -n 1 "$marker")
message=$(tail -n +2 "$marker")
if [ "$count" -le 1 ]; then rm -f "$marker"; else
  { echo $((count - 1)); echo "$message"; } > "$marker.tmp" && mv "$marker.tmp" "$marker"
fi
echo "$message" >&2
exit 1
`;

/** Repository names are plain: letters, digits, '.', '_', '-' and '/' between such segments. */
function checkRepoName(name: string): void {
  const ok = name.split("/").every((seg) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(seg) && !seg.endsWith(".git"));
  if (!ok) throw new Error(`git-server: invalid repository name ${JSON.stringify(name)}`);
}

/** Environment for git commands run by the server itself (no user config, fixed identity). */
function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: os.tmpdir(),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.com",
    TZ: "UTC",
    ...extra,
  };
}

/**
 * Runs `git <args>` in `cwd` with a clean configuration (no user or system config, fixed test
 * identity, TZ=UTC) and returns stdout; rejects with stderr on a non-zero exit.
 */
export async function runGit(cwd: string, args: string[], input?: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env: gitEnv(), stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.stdin.on("error", () => undefined);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new Error(`git ${args.join(" ")} (in ${cwd}) exited ${code}: ${Buffer.concat(err).toString("utf8").trim()}`));
    });
    child.stdin.end(input ?? "");
  });
}

/**
 * Builds a `git fast-import` stream committing `files` (and deleting `deletes`) on `branch` on top
 * of `parent`. Exported for the benchmark, which generates large repositories the same way.
 */
export function fastImportStream(opts: {
  branch: string;
  parent: string | null;
  message: string;
  files: Record<string, string>;
  deletes?: string[];
  timestamp?: number;
}): Buffer {
  const parts: Buffer[] = [];
  const text = (s: string) => parts.push(Buffer.from(s, "utf8"));
  const data = (s: string) => {
    const b = Buffer.from(s, "utf8");
    text(`data ${b.length}\n`);
    parts.push(b);
    text("\n");
  };
  text(`commit refs/heads/${opts.branch}\n`);
  text(`committer Test <test@example.com> ${opts.timestamp ?? 1_700_000_000} +0000\n`);
  data(opts.message);
  if (opts.parent) text(`from ${opts.parent}\n`);
  for (const d of opts.deletes ?? []) text(`D ${d}\n`);
  for (const [p, content] of Object.entries(opts.files)) {
    text(`M 100644 inline ${p}\n`);
    data(content);
  }
  text("done\n");
  return Buffer.concat(parts);
}

/** Commits into a bare repository with fast-import; returns the new tip of `branch`. */
export async function fastImportCommit(
  gitdir: string,
  opts: { branch: string; message: string; files: Record<string, string>; deletes?: string[]; timestamp?: number },
): Promise<string> {
  const parent = await revParse(gitdir, `refs/heads/${opts.branch}`);
  const stream = fastImportStream({ ...opts, parent });
  await runGit(gitdir, ["fast-import", "--quiet", "--done"], stream);
  const head = await revParse(gitdir, `refs/heads/${opts.branch}`);
  if (!head) throw new Error(`git-server: fast-import left no ${opts.branch} in ${gitdir}`);
  return head;
}

async function revParse(gitdir: string, ref: string): Promise<string | null> {
  try {
    return (await runGit(gitdir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim() || null;
  } catch {
    return null;
  }
}

interface CgiHead {
  status: number;
  headers: [string, string][];
}

/** Splits CGI output into its header block (with `Status:`) and the body that follows. */
function parseCgiHead(block: string): CgiHead {
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line) continue;
    const i = line.indexOf(":");
    if (i < 0) continue;
    const key = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (key.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
    else headers.push([key, value]);
  }
  return { status, headers };
}

function findHeaderEnd(buf: Buffer): { end: number; skip: number } | null {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { end: crlf, skip: 4 };
  if (lf >= 0) return { end: lf, skip: 2 };
  return null;
}

/** Starts the server; see the module comment. Always `close()` it (afterAll). */
export async function startGitServer(opts: GitServerOptions = {}): Promise<GitServer> {
  const ownsRoot = !opts.root;
  const root = opts.root ?? (await mkdtemp(path.join(os.tmpdir(), "ferry-git-server-")));
  await mkdir(root, { recursive: true });
  const backend = opts.backend ?? GIT_HTTP_BACKEND;
  const requests: GitServerRequest[] = [];
  const failNext = new Map<string, number>();
  const before = new Map<string, () => Promise<void>>();
  const expectedAuth = opts.token ? `Basic ${Buffer.from(`x-access-token:${opts.token}`, "utf8").toString("base64")}` : null;

  const repoPath = (name: string) => {
    checkRepoName(name);
    return path.join(root, `${name}.git`);
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`git-server: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    const m = /^\/(.+?)\.git(\/.*)$/.exec(u.pathname);
    const repo = m?.[1] ?? "";
    const rest = m?.[2] ?? u.pathname;
    const service = u.searchParams.get("service") ?? rest.replace(/^\//, "");
    const log = (status: number) => requests.push({ method: req.method ?? "GET", repo, service, status });

    if (expectedAuth && req.headers.authorization !== expectedAuth) {
      req.resume();
      log(401);
      res.writeHead(401, { "www-authenticate": 'Basic realm="ferry-test"', "content-type": "text/plain" });
      res.end("authentication required\n");
      return;
    }
    if (!m) {
      req.resume();
      log(404);
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not a repository path\n");
      return;
    }
    const isPush = req.method === "POST" && rest === "/git-receive-pack";
    if (isPush) {
      const hook = before.get(repo);
      if (hook) {
        before.delete(repo);
        await hook();
      }
      const status = failNext.get(repo);
      if (status !== undefined) {
        failNext.delete(repo);
        req.resume();
        log(status);
        res.writeHead(status, { "content-type": "text/plain" });
        res.end("git-server: push failed on purpose\n");
        return;
      }
    }

    const env: NodeJS.ProcessEnv = {
      ...gitEnv(),
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      GATEWAY_INTERFACE: "CGI/1.1",
      SERVER_PROTOCOL: "HTTP/1.1",
      SERVER_SOFTWARE: "ferry-git-server",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: decodeURIComponent(u.pathname),
      QUERY_STRING: u.search.replace(/^\?/, ""),
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
      REMOTE_USER: expectedAuth ? "x-access-token" : "anonymous",
    };
    if (req.headers["content-type"]) env.CONTENT_TYPE = req.headers["content-type"];
    if (req.headers["content-length"]) env.CONTENT_LENGTH = req.headers["content-length"];
    const encoding = req.headers["content-encoding"];
    if (typeof encoding === "string") env.HTTP_CONTENT_ENCODING = encoding;
    const protocol = req.headers["git-protocol"];
    if (typeof protocol === "string") env.GIT_PROTOCOL = protocol;

    await new Promise<void>((resolve, reject) => {
      const child = spawn(backend, [], { env, stdio: ["pipe", "pipe", "pipe"] });
      const stderr: Buffer[] = [];
      child.stderr.on("data", (c: Buffer) => stderr.push(c));
      child.on("error", reject);
      child.stdin.on("error", () => undefined);
      req.pipe(child.stdin);
      let head: Buffer | null = Buffer.alloc(0);
      child.stdout.on("data", (chunk: Buffer) => {
        if (head === null) {
          res.write(chunk);
          return;
        }
        head = Buffer.concat([head, chunk]);
        const at = findHeaderEnd(head);
        if (!at) return;
        const parsed = parseCgiHead(head.subarray(0, at.end).toString("latin1"));
        const body = head.subarray(at.end + at.skip);
        head = null;
        log(parsed.status);
        res.writeHead(parsed.status, parsed.headers);
        if (body.length) res.write(body);
      });
      child.on("close", (code) => {
        if (head !== null) {
          log(502);
          const detail = Buffer.concat(stderr).toString("utf8").trim();
          if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
          res.end(`git http-backend exited ${code} without a response: ${detail}\n`);
        } else {
          res.end();
        }
        resolve();
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const api: GitServer = {
    url,
    root,
    requests,
    repoUrl: (name) => {
      checkRepoName(name);
      return `${url}/${name}.git`;
    },
    repoPath,
    async createRepo(name, o = {}) {
      const p = repoPath(name);
      const branch = o.branch ?? "main";
      await mkdir(path.dirname(p), { recursive: true });
      await execFileAsync("git", ["init", "--quiet", "--bare", `--initial-branch=${branch}`, p], { env: gitEnv() });
      for (const [k, v] of [
        ["http.receivepack", "true"],
        ["receive.denyNonFastForwards", "true"],
        ["receive.denyDeletes", "true"],
        ["receive.fsckObjects", "true"],
        // No `git gc --auto` after pushes: the repository stays as the test left it.
        ["receive.autogc", "false"],
      ] as const) {
        await runGit(p, ["config", k, v]);
      }
      await writeFile(path.join(p, "hooks", "pre-receive"), PRE_RECEIVE_HOOK, { mode: 0o755 });
      const head = o.files ? await fastImportCommit(p, { branch, message: o.message ?? "initial", files: o.files }) : null;
      return { url: api.repoUrl(name), path: p, head };
    },
    commit: (name, o) =>
      fastImportCommit(repoPath(name), {
        branch: o.branch ?? "main",
        message: o.message ?? "test commit",
        files: o.files ?? {},
        deletes: o.deletes ?? [],
        ...(o.timestamp !== undefined ? { timestamp: o.timestamp } : {}),
      }),
    head: (name, branch = "main") => revParse(repoPath(name), `refs/heads/${branch}`),
    git: (name, args) => runGit(repoPath(name), args),
    async rejectPushes(name, o = {}) {
      const message = (o.message ?? "push declined by test policy").replace(/\n/g, " ");
      await writeFile(path.join(repoPath(name), REJECT_MARKER), `${o.count ?? 1}\n${message}\n`);
    },
    failNextPush(name, status = 500) {
      checkRepoName(name);
      failNext.set(name, status);
    },
    beforeNextPush(name, fn) {
      checkRepoName(name);
      before.set(name, fn);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (ownsRoot) await rm(root, { recursive: true, force: true });
    },
  };
  return api;
}

/**
 * A URL on 127.0.0.1 where nothing listens (a port just bound and released), for tests of an
 * unreachable server.
 */
export async function unreachableUrl(repo = "gitops"): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/${repo}.git`;
}
